/**
 * The harness itself, with reference clients only (mktorrent, opentracker, libtorrent, aria2c):
 * when an engine interop case fails, this one tells whether the harness or the engine is at fault.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256File, tempDir, writeFile } from './fixtures';
import { PYTHON3, freePort, startAria2, startLibtorrent, startOpentracker } from './ref-clients';
import type { Opentracker } from './ref-clients';

const CONTENT_BYTES = 8 * 1024 * 1024;
const NAME = 'harness.bin';

let root: string;
let torrentPath: string;
let sourceSha: string;
let tracker: Opentracker;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  root = tempDir('harness');
  writeFile(path.join(root, 'source', NAME), CONTENT_BYTES, 99);
  sourceSha = sha256File(path.join(root, 'source', NAME));
  const port = await freePort({ udp: true });
  torrentPath = path.join(root, 'h.torrent');
  // mktorrent -l 18: 256 KiB pieces.
  execFileSync(
    'mktorrent',
    [
      '-l',
      '18',
      '-a',
      `http://127.0.0.1:${port}/announce`,
      '-o',
      torrentPath,
      path.join(root, 'source', NAME),
    ],
    { stdio: 'ignore', timeout: 30_000 },
  );
  const infoHash = execFileSync(
    PYTHON3,
    [
      '-c',
      'import sys, libtorrent as lt; print(lt.torrent_info(sys.argv[1]).info_hash())',
      torrentPath,
    ],
    { timeout: 30_000 },
  )
    .toString()
    .trim();
  tracker = await startOpentracker({ infoHashes: [infoHash], port });
});

afterAll(async () => {
  try {
    await tracker?.stop();
  } finally {
    if (root) fs.rmSync(root, { recursive: true, force: true });
  }
});

describe('reference-client harness', () => {
  it('freePort returns a port that can be bound for TCP and UDP', async () => {
    const port = await freePort({ udp: true });
    expect(port).toBeGreaterThan(0);
    await new Promise<void>((resolve, reject) => {
      const srv = net.createServer();
      srv.once('error', reject);
      srv.listen({ host: '127.0.0.1', port }, () => srv.close(() => resolve()));
    });
  });

  it('a libtorrent seeder serves a libtorrent leecher and aria2c through opentracker', async () => {
    const seeder = await startLibtorrent({
      role: 'seed',
      torrentFile: torrentPath,
      saveDir: path.join(root, 'source'),
    });
    const pids = [tracker.pid, seeder.pid];
    try {
      await seeder.waitReady(30_000);
      expect(seeder.progress()?.progress).toBe(1);

      const leecher = await startLibtorrent({
        role: 'leech',
        torrentFile: torrentPath,
        saveDir: path.join(root, 'lt'),
        exitWhenDone: true,
      });
      pids.push(leecher.pid);
      try {
        const done = await leecher.waitDone(60_000);
        expect(done.cpuSec).toBeGreaterThan(0);
        expect(done.maxRssKb).toBeGreaterThan(0);
      } finally {
        await leecher.stop();
      }
      expect(sha256File(path.join(root, 'lt', NAME))).toBe(sourceSha);

      const aria = await startAria2({ torrentFile: torrentPath, saveDir: path.join(root, 'aria') });
      pids.push(aria.pid);
      try {
        expect(await aria.waitExit(60_000)).toBe(0);
      } finally {
        await aria.stop();
      }
      expect(sha256File(path.join(root, 'aria', NAME))).toBe(sourceSha);
    } finally {
      await seeder.stop();
    }
    expect(isAlive(seeder.pid)).toBe(false);
    expect(pids.slice(1).filter(isAlive)).toEqual([]);
  });
});
