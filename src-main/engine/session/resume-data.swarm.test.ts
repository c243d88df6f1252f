/**
 * Resume data across restarts of a real session (issue 15): real temp folders and files, the
 * real hash pool; reads are counted through the storage.
 */
import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir, waitFor } from '../../testing/fixtures';
import { buildTorrent } from '../metainfo/test-fixtures';
import { seededRandom } from '../time/clock';
import { resolveInside } from '../metainfo';
import type { Metainfo } from '../metainfo';
import { FileLayout } from '../storage/file-layout';
import { FileStorage } from '../storage/file-storage';
import type { Storage } from '../storage/storage';
import { MemoryLogger } from '../log/logger';
import { Session } from '../session';

const dirs: string[] = [];
const sessions: Session[] = [];
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function folder(prefix: string): string {
  const d = tempDir(prefix);
  dirs.push(d);
  return d;
}

/** Files storage whose reads are counted: the data check reads through it (no file paths). */
function countingStorage(counter: { bytes: number }) {
  return (meta: Metainfo, savePath: string): Storage => {
    const inner = new FileStorage(
      new FileLayout(
        meta.files.map((f) => ({ path: f.path, length: f.length })),
        meta.pieceLength,
      ),
      savePath,
      meta.files.map((f) => resolveInside(savePath, f.path)),
    );
    return {
      writePiece: (i, d) => inner.writePiece(i, d),
      read: (i, b, l) => {
        counter.bytes += l;
        return inner.read(i, b, l);
      },
      flush: () => inner.flush(),
      close: () => inner.close(),
      remove: () => inner.remove(),
      ensureFiles: () => inner.ensureFiles(),
    };
  };
}

/** Two files (96 KiB and 40 KiB) in pieces of 16 KiB, written to `downloads/pair/`. */
function pairOnDisk(downloads: string): { torrentFile: Uint8Array; total: number } {
  const rnd = seededRandom(11);
  const files = [
    { path: ['one.bin'], data: rnd.bytes(96 * 1024) },
    { path: ['two.bin'], data: rnd.bytes(40 * 1024) },
  ];
  const { torrentFile } = buildTorrent({ name: 'pair', pieceLength: 16384, files });
  for (const f of files) {
    const p = path.join(downloads, 'pair', ...f.path);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, f.data);
  }
  return { torrentFile, total: 136 * 1024 };
}

async function open(dataDir: string, downloads: string, counter: { bytes: number }) {
  const logger = new MemoryLogger('info');
  const s = await Session.open({
    dataDir,
    downloadDir: downloads,
    listenHost: '127.0.0.1',
    listenPort: 0,
    hashThreads: 1,
    useTrackers: false,
    logger,
    storageFactory: countingStorage(counter),
  });
  sessions.push(s);
  return { s, logger };
}

async function close(s: Session): Promise<void> {
  sessions.splice(sessions.indexOf(s), 1);
  await s.close();
}

describe('resume data', () => {
  it('restarting a finished torrent with unchanged files reads no piece data', async () => {
    const dataDir = folder('data');
    const downloads = folder('dl');
    const { torrentFile, total } = pairOnDisk(downloads);
    const counter = { bytes: 0 };
    let { s } = await open(dataDir, downloads, counter);
    const id = await s.addTorrent({ torrentFile });
    await waitFor(() => s.summary(id)?.state === 'seeding', 'seeding', 10_000);
    // The first start knew nothing: it read everything once.
    expect(counter.bytes).toBe(total);
    await close(s);
    expect(fs.existsSync(path.join(dataDir, 'resume', `${id}.resume`))).toBe(true);

    counter.bytes = 0;
    const again = await open(dataDir, downloads, counter);
    s = again.s;
    const logger = again.logger;
    await waitFor(() => s.summary(id)?.state === 'seeding', 'seeding', 10_000);
    expect(s.summary(id)?.progress).toBe(1);
    expect(counter.bytes).toBe(0);
    expect(logger.lines.join('\n')).toMatch(/resume data: 9 pieces trusted, 0 pieces \(0 bytes\)/);
    // Nothing changed, so nothing is written again, not even at shutdown.
    const file = path.join(dataDir, 'resume', `${id}.resume`);
    const stamp = fs.statSync(file).mtimeMs;
    await close(s);
    expect(fs.statSync(file).mtimeMs).toBe(stamp);
  });

  it('a damaged resume file falls back to a full check, with the reason logged', async () => {
    const dataDir = folder('data');
    const downloads = folder('dl');
    const { torrentFile, total } = pairOnDisk(downloads);
    const counter = { bytes: 0 };
    let { s } = await open(dataDir, downloads, counter);
    const id = await s.addTorrent({ torrentFile });
    await waitFor(() => s.summary(id)?.state === 'seeding', 'seeding', 10_000);
    await close(s);
    const file = path.join(dataDir, 'resume', `${id}.resume`);
    const good = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    // Hostile: it claims a bitfield one byte short; the backup is garbage.
    fs.writeFileSync(file, JSON.stringify({ ...good, verified: 'AAAA' }));
    fs.writeFileSync(`${file}.bak`, '\u0000\u0001');

    counter.bytes = 0;
    const again = await open(dataDir, downloads, counter);
    s = again.s;
    const logger = again.logger;
    await waitFor(() => s.summary(id)?.state === 'seeding', 'seeding', 10_000);
    expect(counter.bytes).toBe(total);
    expect(logger.lines.join('\n')).toMatch(
      /WARN .*resume file is damaged: its bitfield has the wrong length: every piece is checked/,
    );
  });

  it('a file changed behind our back gets only its pieces checked, and a bad one is lost', async () => {
    const dataDir = folder('data');
    const downloads = folder('dl');
    const { torrentFile } = pairOnDisk(downloads);
    const counter = { bytes: 0 };
    let { s } = await open(dataDir, downloads, counter);
    const id = await s.addTorrent({ torrentFile });
    await waitFor(() => s.summary(id)?.state === 'seeding', 'seeding', 10_000);
    await close(s);
    // One byte of two.bin (pieces 6-8) flipped in place: same size, the mtime moves.
    const two = path.join(downloads, 'pair', 'two.bin');
    const fd = fs.openSync(two, 'r+');
    fs.writeSync(fd, new Uint8Array([0x5a ^ fs.readFileSync(two)[100]!]), 0, 1, 100);
    fs.closeSync(fd);
    const later = new Date(Date.now() + 5_000);
    fs.utimesSync(two, later, later);

    counter.bytes = 0;
    ({ s } = await open(dataDir, downloads, counter));
    await waitFor(() => s.summary(id)?.state === 'downloading', 'downloading', 10_000);
    expect(counter.bytes).toBe(40 * 1024);
    expect(s.summary(id)?.verifiedPieces).toBe(8);
  });

  it('a paused torrent comes back paused with its progress, priorities, peers and totals', async () => {
    const dataDir = folder('data');
    const downloads = folder('dl');
    const { torrentFile } = pairOnDisk(downloads);
    fs.rmSync(path.join(downloads, 'pair', 'two.bin'));
    const counter = { bytes: 0 };
    let { s } = await open(dataDir, downloads, counter);
    const id = await s.addTorrent({ torrentFile });
    await waitFor(() => s.summary(id)?.state === 'downloading', 'downloading', 10_000);
    s.setFilePriority(id, [0], 'high');
    s.addPeer(id, '127.0.0.1', 1);
    await s.pause(id);
    await close(s);

    counter.bytes = 0;
    ({ s } = await open(dataDir, downloads, counter));
    await waitFor(() => s.summary(id)?.verifiedPieces === 6, '6 pieces', 10_000);
    expect(s.summary(id)?.state).toBe('paused');
    expect(counter.bytes).toBe(0);
    expect(s.files(id).map((f) => f.priority)).toEqual(['high', 'normal']);
    const onDisk = JSON.parse(
      fs.readFileSync(path.join(dataDir, 'resume', `${id}.resume`), 'utf8'),
    ) as { peers: unknown; paused: unknown };
    expect(onDisk).toMatchObject({ peers: [['127.0.0.1', 1]], paused: true });
  });

  it('a torrent created and seeded gets its resume file at once, and its restart reads nothing', async () => {
    const dataDir = folder('data');
    const downloads = folder('dl');
    pairOnDisk(downloads);
    const counter = { bytes: 0 };
    let { s } = await open(dataDir, downloads, counter);
    const job = await s.createAndSeedNow({
      path: path.join(downloads, 'pair'),
      pieceLength: 16384,
    });
    const id = job.result?.id as string;
    expect(job.state).toBe('done');
    const file = path.join(dataDir, 'resume', `${id}.resume`);
    await waitFor(() => fs.existsSync(file), 'its resume file', 10_000);
    // Killed now (no shutdown): the file is already there. A clean close and a new session
    // stand in for the restart.
    await close(s);
    ({ s } = await open(dataDir, downloads, counter));
    await waitFor(() => s.summary(id)?.state === 'seeding', 'seeding', 10_000);
    expect(counter.bytes).toBe(0);
  });

  it('removing a torrent deletes its resume file', async () => {
    const dataDir = folder('data');
    const downloads = folder('dl');
    const { torrentFile } = pairOnDisk(downloads);
    const { s } = await open(dataDir, downloads, { bytes: 0 });
    const id = await s.addTorrent({ torrentFile });
    await waitFor(() => s.summary(id)?.state === 'seeding', 'seeding', 10_000);
    await s.pause(id);
    expect(fs.existsSync(path.join(dataDir, 'resume', `${id}.resume`))).toBe(true);
    await s.remove(id, false);
    expect(fs.readdirSync(path.join(dataDir, 'resume'))).toEqual([]);
  });
});
