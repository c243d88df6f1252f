/**
 * Disk faults on real sockets and real files (issue 15): files deleted under a seeding torrent,
 * Set location, a full disk (injected, and a real 4 MiB tmpfs where the machine lets us mount
 * one), skipped files kept out of the file tree by the part file, and BEP 47 pad files.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Session } from './session';
import { createTorrent, parseTorrent } from './metainfo';
import type { Metainfo } from './metainfo';
import { encode } from './bencode';
import { HashWritePool } from './hash';
import { FaultyStorage } from './storage/faulty-storage';
import { partFilePath } from './storage/part-file';
import { pieceHashes } from './metainfo/test-fixtures';
import { sha256File, tempDir, waitFor, writeFile } from '../testing/fixtures';
import { TEST_SESSION_OPTIONS, wrappedFileStorage } from '../testing/swarm';
import type { JobProgress } from '../../src-shared/model';

const sessions: Session[] = [];
const dirs: string[] = [];

afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function open(extra: Partial<Parameters<typeof Session.open>[0]> = {}): Promise<Session> {
  const s = await Session.open({ ...TEST_SESSION_OPTIONS, ...extra });
  sessions.push(s);
  return s;
}

function dir(prefix: string): string {
  const d = tempDir(prefix);
  dirs.push(d);
  return d;
}

async function torrentOf(content: string, pieceLength: number): Promise<Metainfo> {
  const pool = new HashWritePool({ threads: 1 });
  try {
    return (await createTorrent(content, { pieceLength, pool, creationDate: 0 })).meta;
  } finally {
    await pool.close();
  }
}

function copyTree(from: string, to: string): void {
  fs.cpSync(from, to, { recursive: true });
}

describe('files missing', () => {
  it('a seeding torrent whose file is deleted stops with "files missing" naming it, fetches nothing, and Resume, Set location and a move bring it back', async () => {
    const root = dir('missing');
    const content = path.join(root, 'src', 'album');
    writeFile(path.join(content, 'one.bin'), 300_000, 1);
    writeFile(path.join(content, 'two.bin'), 200_000, 2);
    const meta = await torrentOf(content, 32 * 1024);
    const id = meta.infoHashHex;
    copyTree(path.join(root, 'src'), path.join(root, 'other'));
    copyTree(path.join(root, 'src'), path.join(root, 'backup'));

    // Another seed with the same data: if A fetched anything again, it would come from B.
    const b = await open();
    await b.addMeta(meta, { savePath: path.join(root, 'other') }, true);
    const a = await open();
    await a.addMeta(meta, { savePath: path.join(root, 'src') }, true);
    a.addPeer(id, '127.0.0.1', b.listenPort!);
    await waitFor(() => a.summary(id)?.state === 'seeding', 'A to seed');

    const two = path.join(content, 'two.bin');
    fs.rmSync(two);
    await waitFor(() => a.summary(id)?.state === 'error', 'A to notice the file is gone', 20_000);
    const failed = a.summary(id)!;
    expect(failed.errorCode).toBe('files-missing');
    expect(failed.error).toBe(`files missing: ${two}`);
    expect(failed.verifiedPieces).toBe(meta.pieceCount);
    expect(fs.existsSync(two)).toBe(false);

    // Restored behind its back: Resume finds every file and seeds again, with no check.
    fs.copyFileSync(path.join(root, 'backup', 'album', 'two.bin'), two);
    await a.resume(id);
    expect(a.summary(id)?.state).toBe('seeding');
    expect(a.summary(id)?.errorCode ?? null).toBe(null);

    // Gone again; Resume alone does not hide it.
    fs.rmSync(two);
    await waitFor(() => a.summary(id)?.errorCode === 'files-missing', 'the second loss', 20_000);
    await a.resume(id);
    expect(a.summary(id)?.state).toBe('error');
    expect(a.summary(id)?.error).toBe(`files missing: ${two}`);

    // Set location onto a folder that has the data: checked there, seeding again.
    await a.setLocation(id, path.join(root, 'backup'), false);
    await waitFor(() => a.summary(id)?.state === 'seeding', 'A to seed from the backup');
    expect(a.summary(id)?.savePath).toBe(path.join(root, 'backup'));
    expect(a.summary(id)?.verifiedPieces).toBe(meta.pieceCount);

    // Move it: the files go, and it keeps seeding from the new folder.
    const jobs: JobProgress[] = [];
    a.on('job-progressed', (p) => jobs.push(p));
    const moved = path.join(root, 'moved');
    await a.setLocation(id, moved, true);
    await waitFor(() => a.summary(id)?.state === 'seeding', 'A to seed after the move');
    expect(fs.existsSync(path.join(root, 'backup', 'album'))).toBe(false);
    expect(sha256File(path.join(moved, 'album', 'two.bin'))).toBe(
      sha256File(path.join(root, 'other', 'album', 'two.bin')),
    );
    const last = jobs.at(-1)!;
    expect(last).toMatchObject({ kind: 'move', state: 'done', doneBytes: 500_000 });

    // Paused, it stays paused at its new place, with its pieces counted there.
    await a.pause(id);
    await a.setLocation(id, path.join(root, 'other'), false);
    expect(a.summary(id)).toMatchObject({ state: 'paused', verifiedPieces: meta.pieceCount });
    expect(a.summary(id)?.savePath).toBe(path.join(root, 'other'));

    // Nothing was fetched again at any point: B sent nothing, A received nothing.
    expect(b.summary(id)?.uploadedBytes).toBe(0);
    expect(a.summary(id)?.downloadedBytes).toBe(0);
  });
});

describe('a full disk', () => {
  it('pauses only that torrent; after space is freed, Resume completes it without fetching what was written', async () => {
    const root = dir('full');
    const file = path.join(root, 'src', 'big.bin');
    writeFile(file, 2 * 1024 * 1024, 9);
    const pieceLength = 64 * 1024;
    const meta = await torrentOf(file, pieceLength);
    const id = meta.infoHashHex;
    const seeder = await open();
    await seeder.addMeta(meta, { savePath: path.join(root, 'src') }, true);

    let faulty: FaultyStorage | null = null;
    const leecher = await open({
      storageFactory: wrappedFileStorage((files) => {
        faulty = new FaultyStorage(files, { failAfterBytes: 12 * pieceLength });
        return faulty;
      }),
    });
    await leecher.addMeta(meta, { savePath: path.join(root, 'out') }, false);
    leecher.addPeer(id, '127.0.0.1', seeder.listenPort!);
    await waitFor(() => leecher.summary(id)?.state === 'error', 'the disk to fill', 30_000);
    expect(leecher.summary(id)!.error).toMatch(/no space|ENOSPC/i);
    // Writes the disk took before it filled land and count a moment after the error.
    await waitFor(
      () => leecher.summary(id)!.verifiedPieces * pieceLength === faulty!.bytesWritten,
      'the accepted writes to land',
    );
    const kept = leecher.summary(id)!.verifiedPieces;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThanOrEqual(12);

    faulty!.setFailAfterBytes(undefined);
    const before = leecher.summary(id)!.downloadedBytes;
    await leecher.resume(id);
    // No check ran: what was verified is still counted the moment it resumes.
    expect(leecher.summary(id)?.verifiedPieces).toBe(kept);
    await waitFor(() => leecher.summary(id)?.state === 'seeding', 'the download to finish');
    expect(sha256File(path.join(root, 'out', 'big.bin'))).toBe(sha256File(file));
    // Pieces written before the fault are not fetched again: after Resume only the others came
    // (a few blocks more at most, requested twice in endgame).
    const fetchedAfter = leecher.summary(id)!.downloadedBytes - before;
    const notWritten = meta.totalLength - kept * pieceLength;
    expect(fetchedAfter).toBeGreaterThanOrEqual(notWritten);
    expect(fetchedAfter).toBeLessThan(notWritten + 4 * 16 * 1024);
  });
});

/** Mounting needs root and a kernel that lets this container do it. */
function tryMount(): { ok: true } | { ok: false; reason: string } {
  const probe = fs.mkdtempSync(path.join(fs.realpathSync('/tmp'), 'swarmscope-mount-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { stdio: 'pipe' });
    execFileSync('umount', [probe], { stdio: 'pipe' });
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message.split('\n')[0]! : String(err) };
  } finally {
    fs.rmSync(probe, { recursive: true, force: true });
  }
}
const mount = tryMount();
const canMount = mount.ok;
if (!mount.ok) console.warn(`skipping the tmpfs test: cannot mount here (${mount.reason})`);
const mounted: string[] = [];
afterAll(() => {
  for (const m of mounted.splice(0)) {
    execFileSync('umount', [m], { stdio: 'pipe' });
    fs.rmSync(m, { recursive: true, force: true });
  }
});

describe('a real full file system', () => {
  it.skipIf(!canMount)(
    'a 4 MiB tmpfs fills: the torrent stops with ENOSPC, and completes once space is freed',
    async () => {
      const root = dir('tmpfs');
      const file = path.join(root, 'src', 'data.bin');
      writeFile(file, 3 * 1024 * 1024, 4);
      const meta = await torrentOf(file, 32 * 1024);
      const id = meta.infoHashHex;
      const small = fs.mkdtempSync(path.join(fs.realpathSync('/tmp'), 'swarmscope-tmpfs-'));
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', small]);
      mounted.push(small);
      const filler = path.join(small, 'filler.bin');
      writeFile(filler, 2 * 1024 * 1024, 5);

      const seeder = await open();
      await seeder.addMeta(meta, { savePath: path.join(root, 'src') }, true);
      const leecher = await open();
      await leecher.addMeta(meta, { savePath: small }, false);
      leecher.addPeer(id, '127.0.0.1', seeder.listenPort!);
      await waitFor(() => leecher.summary(id)?.state === 'error', 'the tmpfs to fill', 30_000);
      expect(leecher.summary(id)?.error).toMatch(/no space|ENOSPC|disk is full/i);
      expect(leecher.summary(id)?.errorCode).toBe('io');
      const kept = leecher.summary(id)!.verifiedPieces;
      expect(kept).toBeGreaterThan(0);

      fs.rmSync(filler);
      const before = leecher.summary(id)!.downloadedBytes;
      await leecher.resume(id);
      await waitFor(() => leecher.summary(id)?.state === 'seeding', 'the download to finish');
      expect(sha256File(path.join(small, 'data.bin'))).toBe(sha256File(file));
      // Verified pieces were not fetched again.
      const fetchedAfter = leecher.summary(id)!.downloadedBytes - before;
      expect(fetchedAfter).toBeLessThan(meta.totalLength - kept * meta.pieceLength + 4 * 16 * 1024);
      // A data check from scratch agrees with what the download counted (no silent hole).
      await leecher.recheck(id);
      await waitFor(() => leecher.summary(id)?.state === 'seeding', 'the recheck');
      expect(leecher.summary(id)?.verifiedPieces).toBe(meta.pieceCount);
    },
  );
});

describe('skipped files', () => {
  it('are not created; pieces they share with wanted files wait in the part file until they are wanted', async () => {
    const root = dir('skip');
    const content = path.join(root, 'src', 'set');
    // Pieces of 32 KiB: the middle file starts and ends inside pieces shared with its neighbours.
    writeFile(path.join(content, 'a-first.bin'), 100_000, 11);
    writeFile(path.join(content, 'b-middle.bin'), 150_000, 12);
    writeFile(path.join(content, 'c-last.bin'), 90_000, 13);
    const meta = await torrentOf(content, 32 * 1024);
    const id = meta.infoHashHex;
    expect(meta.files.map((f) => f.path.at(-1))).toEqual([
      'a-first.bin',
      'b-middle.bin',
      'c-last.bin',
    ]);
    const seeder = await open();
    await seeder.addMeta(meta, { savePath: path.join(root, 'src') }, true);
    let leecher = await open();
    const out = path.join(root, 'out');
    await leecher.addMeta(meta, { savePath: out, skipFiles: [1] }, false);
    leecher.addPeer(id, '127.0.0.1', seeder.listenPort!);
    await waitFor(() => leecher.summary(id)?.progress === 1, 'the wanted files');
    await waitFor(() => leecher.summary(id)?.state === 'seeding', 'the wanted files to settle');

    expect(fs.existsSync(path.join(out, 'set', 'b-middle.bin'))).toBe(false);
    for (const name of ['a-first.bin', 'c-last.bin']) {
      expect(sha256File(path.join(out, 'set', name))).toBe(sha256File(path.join(content, name)));
    }
    const part = partFilePath(out, id);
    expect(fs.existsSync(part)).toBe(true);
    // Two pieces straddle the middle file's ends: at most two slots, each a piece long.
    expect(fs.statSync(part).size).toBeLessThanOrEqual(2 * (4 + 32 * 1024));

    // A restart checks the data: the pieces shared with the skipped file are found in the part
    // file, not fetched again.
    const verifiedBefore = leecher.summary(id)!.verifiedPieces;
    await leecher.close();
    sessions.splice(sessions.indexOf(leecher), 1);
    const again = await open();
    await again.addMeta(meta, { savePath: out, skipFiles: [1] }, false);
    await waitFor(
      () => ['seeding', 'downloading'].includes(again.summary(id)?.state ?? ''),
      'the restarted check',
    );
    expect(again.summary(id)?.verifiedPieces).toBe(verifiedBefore);
    expect(again.summary(id)?.state).toBe('seeding');
    expect(again.summary(id)?.downloadedBytes).toBe(0);
    await again.close();
    sessions.splice(sessions.indexOf(again), 1);
    leecher = await open();
    await leecher.addMeta(meta, { savePath: out, skipFiles: [1] }, false);
    leecher.addPeer(id, '127.0.0.1', seeder.listenPort!);
    await waitFor(() => leecher.summary(id)?.state === 'seeding', 'the second restart');

    leecher.setFilePriority(id, [1], 'normal');
    await waitFor(
      () => leecher.files(id)[1]?.progress === 1 && leecher.summary(id)?.state === 'seeding',
      'the middle file',
    );
    expect(sha256File(path.join(out, 'set', 'b-middle.bin'))).toBe(
      sha256File(path.join(content, 'b-middle.bin')),
    );
    expect(fs.existsSync(part)).toBe(false);
  });

  it('uploads read the skipped file\u2019s share of a straddling piece from the part file', async () => {
    const root = dir('skip-up');
    const content = path.join(root, 'src', 'set');
    writeFile(path.join(content, 'a.bin'), 70_000, 21);
    writeFile(path.join(content, 'b.bin'), 70_000, 22);
    const meta = await torrentOf(content, 32 * 1024);
    const id = meta.infoHashHex;
    const seeder = await open();
    await seeder.addMeta(meta, { savePath: path.join(root, 'src') }, true);
    const middle = await open();
    await middle.addMeta(meta, { savePath: path.join(root, 'mid'), skipFiles: [1] }, false);
    middle.addPeer(id, '127.0.0.1', seeder.listenPort!);
    await waitFor(() => middle.summary(id)?.state === 'seeding', 'the partial copy');
    // The seeder leaves; a new peer can get piece 2 (a.bin's end and b.bin's start) from the
    // partial copy only.
    await seeder.remove(id, false);
    const late = await open();
    await late.addMeta(meta, { savePath: path.join(root, 'late'), skipFiles: [1] }, false);
    late.addPeer(id, '127.0.0.1', middle.listenPort!);
    await waitFor(() => late.summary(id)?.state === 'seeding', 'the copy from the partial peer');
    expect(sha256File(path.join(root, 'late', 'set', 'a.bin'))).toBe(
      sha256File(path.join(content, 'a.bin')),
    );
    expect(fs.existsSync(path.join(root, 'late', 'set', 'b.bin'))).toBe(false);
    expect(fs.existsSync(path.join(root, 'mid', 'set', 'b.bin'))).toBe(false);
  });
});

describe('pad files (BEP 47)', () => {
  it('are never created, and count as zeros in the data check and for uploads', async () => {
    const root = dir('pads');
    const pieceLength = 16 * 1024;
    const a = new Uint8Array(40_000).map((_, i) => (i * 7) & 0xff);
    const b = new Uint8Array(30_000).map((_, i) => (i * 13 + 1) & 0xff);
    const padLength = 3 * pieceLength - a.length;
    const whole = new Uint8Array(a.length + padLength + b.length);
    whole.set(a, 0);
    whole.set(b, a.length + padLength);
    const torrentFile = encode({
      info: {
        name: 'padded',
        'piece length': pieceLength,
        pieces: pieceHashes(whole, pieceLength),
        files: [
          { length: a.length, path: ['a.bin'] },
          { length: padLength, path: ['.pad', `${padLength}`], attr: 'p' },
          { length: b.length, path: ['b.bin'] },
        ],
      },
    });
    const meta = parseTorrent(torrentFile);
    const id = meta.infoHashHex;
    fs.mkdirSync(path.join(root, 'src', 'padded'), { recursive: true });
    fs.writeFileSync(path.join(root, 'src', 'padded', 'a.bin'), a);
    fs.writeFileSync(path.join(root, 'src', 'padded', 'b.bin'), b);

    // No pad file on disk, yet the check finds every piece.
    const seeder = await open();
    await seeder.addTorrent({ torrentFile }, { savePath: path.join(root, 'src') });
    await waitFor(() => seeder.summary(id)?.state === 'seeding', 'the seeder to check its data');
    expect(seeder.summary(id)?.verifiedPieces).toBe(meta.pieceCount);

    const leecher = await open();
    await leecher.addTorrent({ torrentFile }, { savePath: path.join(root, 'out') });
    leecher.addPeer(id, '127.0.0.1', seeder.listenPort!);
    await waitFor(() => leecher.summary(id)?.state === 'seeding', 'the download');
    expect(fs.readdirSync(path.join(root, 'out', 'padded')).sort()).toEqual(['a.bin', 'b.bin']);
    expect(
      Buffer.from(fs.readFileSync(path.join(root, 'out', 'padded', 'b.bin'))).equals(
        Buffer.from(b),
      ),
    ).toBe(true);
    expect(fs.existsSync(path.join(root, 'src', 'padded', '.pad'))).toBe(false);
  });
});
