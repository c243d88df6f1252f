/**
 * Magnet links against libtorrent on loopback (issue 17), both ways, with `x.pe` peers and no
 * tracker or DHT: libtorrent fetches the metadata from us (BEP 9 served by our seeder) and we
 * fetch it from libtorrent. Content is checked by sha256; every process is stopped by its PID.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session } from '../session';
import { createTorrent, toMagnet } from '../metainfo';
import type { Metainfo } from '../metainfo';
import { HashWritePool } from '../hash';
import type { TorrentId } from '../../../src-shared/model';
import { sha256File, tempDir, waitFor, writeFile } from '../../testing/fixtures';
import { startLibtorrent } from '../../testing/ref-clients';
import type { RefProcess } from '../../testing/ref-clients';

/** 16 MiB: big enough for real pipelining, small enough for seconds on loopback. */
const CONTENT_BYTES = 16 * 1024 * 1024;
const CONTENT_NAME = 'magnet-interop.bin';
const TIMEOUT_MS = 90_000;

let root: string;
let sourceDir: string;
let sourceSha: string;
let meta: Metainfo;
let torrentPath: string;
const startedPids: number[] = [];

function track<T extends RefProcess>(p: T): T {
  startedPids.push(p.pid);
  return p;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function openSession(): Promise<Session> {
  return Session.open({ dataDir: null, listenHost: '127.0.0.1', listenPort: 0, hashThreads: 1 });
}

beforeAll(async () => {
  root = tempDir('magnet-interop');
  sourceDir = path.join(root, 'source');
  writeFile(path.join(sourceDir, CONTENT_NAME), CONTENT_BYTES, 1717);
  sourceSha = sha256File(path.join(sourceDir, CONTENT_NAME));
  const pool = new HashWritePool({ threads: 1 });
  try {
    // 16 KiB pieces: 1,024 of them, so the info dict (20 KiB of hashes) plus its keys is just
    // over one BEP 9 piece: the fetch has a short last piece to get right.
    const created = await createTorrent(path.join(sourceDir, CONTENT_NAME), {
      pieceLength: 16 * 1024,
      trackers: [],
      creationDate: 0,
      pool,
    });
    meta = created.meta;
    torrentPath = path.join(root, 'magnet.torrent');
    fs.writeFileSync(torrentPath, created.torrentFile);
  } finally {
    await pool.close();
  }
  expect(meta.infoBytes.length).toBeGreaterThan(16 * 1024);
});

afterAll(() => {
  if (root) fs.rmSync(root, { recursive: true, force: true });
  expect(startedPids.filter(isAlive)).toEqual([]);
});

function diagnose(session: Session, id: TorrentId, other: RefProcess): string {
  return JSON.stringify(
    { summary: session.summary(id), other: other.outputTail().split('\n').slice(-10) },
    null,
    1,
  );
}

describe('magnet links with libtorrent', () => {
  it('a libtorrent leecher given a magnet with x.pe at us fetches the metadata from us and completes', async () => {
    const session = await openSession();
    try {
      const id = await session.addTorrent(
        { torrentFile: fs.readFileSync(torrentPath) },
        { savePath: sourceDir },
      );
      await waitFor(() => session.summary(id)?.state === 'seeding', 'our seeder', 60_000);
      const dir = path.join(root, 'libtorrent-from-us');
      const magnet = `${toMagnet(meta)}&x.pe=127.0.0.1:${session.listenPort}`;
      const leecher = track(
        await startLibtorrent({
          role: 'leech',
          torrentFile: torrentPath,
          magnet,
          saveDir: dir,
          plaintext: true,
        }),
      );
      try {
        await leecher.waitDone(TIMEOUT_MS).catch((err: unknown) => {
          throw new Error(`${(err as Error).message}\n${diagnose(session, id, leecher)}`);
        });
        expect(sha256File(path.join(dir, CONTENT_NAME))).toBe(sourceSha);
      } finally {
        await leecher.stop();
      }
    } finally {
      await session.close();
    }
  });

  it('our client given a magnet with x.pe at a libtorrent seeder fetches the metadata and completes', async () => {
    const seeder = track(
      await startLibtorrent({ role: 'seed', torrentFile: torrentPath, saveDir: sourceDir }),
    );
    const session = await openSession();
    try {
      await seeder.waitReady(60_000);
      const dir = path.join(root, 'ours-from-libtorrent');
      const magnet = `magnet:?xt=urn:btih:${meta.infoHashHex}&x.pe=127.0.0.1:${seeder.port}`;
      const id = await session.addTorrent({ magnet }, { savePath: dir });
      expect(session.summary(id)?.state).toBe('fetching-metadata');
      await waitFor(
        () => session.summary(id)?.state === 'seeding',
        'our magnet download to complete',
        TIMEOUT_MS,
        100,
      ).catch((err: unknown) => {
        throw new Error(`${(err as Error).message}\n${diagnose(session, id, seeder)}`);
      });
      expect(session.summary(id)?.name).toBe(CONTENT_NAME);
      expect(sha256File(path.join(dir, CONTENT_NAME))).toBe(sourceSha);
    } finally {
      await session.close();
      await seeder.stop();
    }
  });
});
