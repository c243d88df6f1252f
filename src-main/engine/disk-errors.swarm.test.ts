import { afterEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import fs from 'node:fs';
import { Session } from './session';
import { createTorrent } from './metainfo';
import { HashWritePool } from './hash';
import { FaultyStorage } from './storage/faulty-storage';
import { sha256File, tempDir, waitFor, writeFile } from '../testing/fixtures';
import { TEST_SESSION_OPTIONS, wrappedFileStorage } from '../testing/swarm';

const sessions: Session[] = [];
let dir: string | null = null;

afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  dir = null;
});

describe('disk errors', () => {
  it('a full disk stops only the torrent that hit it, with its message, and keeps verified data', async () => {
    dir = tempDir('enospc');
    const pool = new HashWritePool({ threads: 1 });
    const files = ['full.bin', 'fine.bin'].map((name) => path.join(dir!, 'src', name));
    files.forEach((f, i) => writeFile(f, 2 * 1024 * 1024, 20 + i));
    const torrents = [];
    for (const f of files)
      torrents.push(await createTorrent(f, { pieceLength: 64 * 1024, pool, creationDate: 0 }));
    await pool.close();
    const [full, fine] = torrents as [(typeof torrents)[0], (typeof torrents)[0]];

    const seeder = await Session.open(TEST_SESSION_OPTIONS);
    sessions.push(seeder);
    for (const t of torrents)
      await seeder.addMeta(t.meta, { savePath: path.join(dir, 'src') }, true);

    const budget = 640 * 1024; // ten pieces fit, then ENOSPC
    const leecher = await Session.open({
      ...TEST_SESSION_OPTIONS,
      storageFactory: wrappedFileStorage((files, meta) =>
        meta.infoHashHex === full.meta.infoHashHex
          ? new FaultyStorage(files, { failAfterBytes: budget, errorCode: 'ENOSPC' })
          : files,
      ),
    });
    sessions.push(leecher);
    const alerts: string[] = [];
    leecher.on('alert-raised', (a) => alerts.push(`${a.kind}: ${a.message}`));
    const out = path.join(dir, 'out');
    for (const t of torrents) {
      await leecher.addMeta(t.meta, { savePath: out }, false);
      leecher.addPeer(t.meta.infoHashHex, '127.0.0.1', seeder.listenPort!);
    }
    await waitFor(
      () => leecher.summary(full.meta.infoHashHex)?.state === 'error',
      'the full torrent to stop',
      30_000,
    );
    // Progress reaches 1 with the last verified piece; the state turns to seeding once the
    // files are flushed, a moment later.
    await waitFor(
      () => leecher.summary(fine.meta.infoHashHex)?.state === 'seeding',
      'the other torrent to finish',
      30_000,
    );

    const failed = leecher.summary(full.meta.infoHashHex)!;
    expect(failed.error).toMatch(/ENOSPC|no space/i);
    expect(alerts.some((a) => a.startsWith('torrent-error') && /ENOSPC|no space/i.test(a))).toBe(
      true,
    );
    // What was verified before the disk filled stays counted and on disk.
    expect(failed.verifiedPieces).toBeGreaterThan(0);
    // Writes already in flight may land; the torrent never claims more than the disk took.
    expect(failed.verifiedPieces).toBeLessThan(failed.pieceCount);
    expect(fs.statSync(path.join(out, 'full.bin')).size).toBeGreaterThan(0);
    expect(sha256File(path.join(out, 'fine.bin'))).toBe(sha256File(files[1]!));
    // The session and its other torrent keep running.
    expect(leecher.summary(fine.meta.infoHashHex)?.state).toBe('seeding');
    expect(leecher.list()).toHaveLength(2);
  });
});
