/**
 * Interop (issue 4): our engine against libtorrent, transmission-cli, aria2c and qBittorrent on loopback,
 * with peers found through opentracker. Every case checks the downloaded content by sha256
 * against the source, never by any client's own word, and stops every process by its PID.
 *
 * Transmission never dials 127.x peers a tracker gives it, so when it leeches, our seeder is also
 * told its address (addPeer), as REFERENCE-CLIENTS.md describes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session } from './session';
import { createTorrent } from './metainfo';
import type { Metainfo } from './metainfo';
import { HashWritePool } from './hash';
import type { TorrentId } from '../../src-shared/model';
import { sha256File, tempDir, waitFor, writeFile } from '../testing/fixtures';
import {
  freePort,
  startAria2,
  startLibtorrent,
  startOpentracker,
  startTransmission,
} from '../testing/ref-clients';
import type { Opentracker, RefProcess } from '../testing/ref-clients';
import { startQbittorrent } from '../testing/ref-qbittorrent';

/** Big enough for many pieces and real pipelining, small enough for a suite of a few minutes. */
const CONTENT_BYTES = 24 * 1024 * 1024;
const PIECE_LENGTH_BYTES = 256 * 1024;
const CONTENT_NAME = 'interop-content.bin';
/** libtorrent and aria2 move 24 MiB in well under a second here; leave room for a loaded machine. */
const FAST_CLIENT_TIMEOUT_MS = 90_000;
/** Transmission waits for its 10 s rechoke before its first request and then ramps up slowly. */
const TRANSMISSION_TIMEOUT_MS = 180_000;

let root: string;
let sourceDir: string;
let sourceSha: string;
let tracker: Opentracker;
let meta: Metainfo;
let torrentPath: string;
/** The same info dict announcing over UDP (BEP 15), for the cases that exercise it. */
let udpTorrentPath: string;
const startedPids: number[] = [];

function track<T extends RefProcess>(p: T): T {
  startedPids.push(p.pid);
  return p;
}

async function openSession(): Promise<Session> {
  return Session.open({ dataDir: null, listenHost: '127.0.0.1', listenPort: 0, hashThreads: 1 });
}

/** What to print when a wait fails: our view of the torrent and its peers, and the other side's log. */
function diagnose(session: Session, id: TorrentId, other?: RefProcess): string {
  return JSON.stringify(
    {
      summary: session.summary(id),
      peers: session.peers(id).map((p) => ({
        key: p.key,
        client: p.client,
        flags: p.flags,
        down: p.downloadedBytes,
        up: p.uploadedBytes,
      })),
      trackers: session.trackers(id),
      other: other?.outputTail().split('\n').slice(-25),
    },
    null,
    1,
  );
}

async function waitSeeding(
  session: Session,
  id: TorrentId,
  timeoutMs: number,
  other?: RefProcess,
): Promise<void> {
  try {
    await waitFor(
      () => {
        const s = session.summary(id);
        if (s?.state === 'error') throw new Error(`torrent error: ${s.error}`);
        return s?.state === 'seeding' && s.progress === 1;
      },
      'our torrent to be complete and seeding',
      timeoutMs,
      100,
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${diagnose(session, id, other)}`, { cause: err });
  }
}

/** Our seeder over the source folder: it checks the data on disk first, as a user's would. */
async function startOurSeeder(torrentFile: string): Promise<{ session: Session; id: TorrentId }> {
  const session = await openSession();
  try {
    const id = await session.addTorrent(
      { torrentFile: fs.readFileSync(torrentFile) },
      { savePath: sourceDir },
    );
    await waitSeeding(session, id, 60_000);
    return { session, id };
  } catch (err) {
    await session.close();
    throw err;
  }
}

function freshDir(name: string): string {
  const dir = path.join(root, name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  root = tempDir('interop');
  sourceDir = path.join(root, 'source');
  writeFile(path.join(sourceDir, CONTENT_NAME), CONTENT_BYTES, 4242);
  sourceSha = sha256File(path.join(sourceDir, CONTENT_NAME));
  // The tracker's allow-list needs the info-hash and the torrent needs the tracker's port, so pick
  // the port first: the info-hash does not depend on the announce URL.
  const port = await freePort({ udp: true });
  const pool = new HashWritePool({ threads: 1 });
  try {
    const http = await createTorrent(path.join(sourceDir, CONTENT_NAME), {
      pieceLength: PIECE_LENGTH_BYTES,
      trackers: [[`http://127.0.0.1:${port}/announce`]],
      creationDate: 0,
      pool,
    });
    const udp = await createTorrent(path.join(sourceDir, CONTENT_NAME), {
      pieceLength: PIECE_LENGTH_BYTES,
      trackers: [[`udp://127.0.0.1:${port}/announce`]],
      creationDate: 0,
      pool,
    });
    expect(udp.meta.infoHashHex).toBe(http.meta.infoHashHex);
    meta = http.meta;
    torrentPath = path.join(root, 'http.torrent');
    udpTorrentPath = path.join(root, 'udp.torrent');
    fs.writeFileSync(torrentPath, http.torrentFile);
    fs.writeFileSync(udpTorrentPath, udp.torrentFile);
  } finally {
    await pool.close();
  }
  tracker = track(await startOpentracker({ infoHashes: [meta.infoHashHex], port }));
});

afterAll(async () => {
  try {
    await tracker?.stop();
  } finally {
    if (root) fs.rmSync(root, { recursive: true, force: true });
  }
  // Every reference client we started is gone.
  expect(startedPids.filter(isAlive)).toEqual([]);
});

describe('interop through opentracker', () => {
  it('our client downloads from a libtorrent seeder', async () => {
    const seeder = track(
      await startLibtorrent({ role: 'seed', torrentFile: torrentPath, saveDir: sourceDir }),
    );
    const session = await openSession();
    try {
      await seeder.waitReady(60_000);
      const dir = freshDir('ours-from-libtorrent');
      const id = await session.addTorrent(
        { torrentFile: fs.readFileSync(torrentPath) },
        { savePath: dir },
      );
      await waitSeeding(session, id, FAST_CLIENT_TIMEOUT_MS, seeder);
      expect(session.summary(id)?.downloadedBytes).toBeGreaterThanOrEqual(CONTENT_BYTES);
      expect(sha256File(path.join(dir, CONTENT_NAME))).toBe(sourceSha);
    } finally {
      await session.close();
      await seeder.stop();
    }
  });

  it('a libtorrent leecher downloads from us (UDP tracker)', async () => {
    const { session, id } = await startOurSeeder(udpTorrentPath);
    try {
      const dir = freshDir('libtorrent-from-ours');
      const leecher = track(
        await startLibtorrent({ role: 'leech', torrentFile: udpTorrentPath, saveDir: dir }),
      );
      try {
        const done = await leecher.waitDone(FAST_CLIENT_TIMEOUT_MS).catch((err: unknown) => {
          throw new Error(`${(err as Error).message}\n${diagnose(session, id, leecher)}`, {
            cause: err,
          });
        });
        expect(done.elapsedSec).toBeGreaterThan(0);
      } finally {
        await leecher.stop();
      }
      expect(sha256File(path.join(dir, CONTENT_NAME))).toBe(sourceSha);
      expect(session.summary(id)?.uploadedBytes).toBeGreaterThanOrEqual(CONTENT_BYTES);
    } finally {
      await session.close();
    }
  });

  it('transmission-cli downloads from us', async () => {
    const { session, id } = await startOurSeeder(torrentPath);
    try {
      const dir = freshDir('transmission-from-ours');
      const leecher = track(await startTransmission({ torrentFile: torrentPath, saveDir: dir }));
      try {
        // It drops 127.x peers from the tracker, so we dial it.
        session.addPeer(id, '127.0.0.1', leecher.port);
        await leecher.waitDone(TRANSMISSION_TIMEOUT_MS).catch((err: unknown) => {
          throw new Error(`${(err as Error).message}\n${diagnose(session, id, leecher)}`, {
            cause: err,
          });
        });
      } finally {
        await leecher.stop();
      }
      expect(sha256File(path.join(dir, CONTENT_NAME))).toBe(sourceSha);
    } finally {
      await session.close();
    }
  });

  it('our client downloads from a transmission-cli seeder', async () => {
    const seeder = track(await startTransmission({ torrentFile: torrentPath, saveDir: sourceDir }));
    const session = await openSession();
    try {
      await seeder.waitSeeding(60_000);
      const dir = freshDir('ours-from-transmission');
      const id = await session.addTorrent(
        { torrentFile: fs.readFileSync(torrentPath) },
        { savePath: dir },
      );
      await waitSeeding(session, id, TRANSMISSION_TIMEOUT_MS, seeder);
      expect(session.summary(id)?.downloadedBytes).toBeGreaterThanOrEqual(CONTENT_BYTES);
      expect(sha256File(path.join(dir, CONTENT_NAME))).toBe(sourceSha);
    } finally {
      await session.close();
      await seeder.stop();
    }
  });

  it('qbittorrent-nox downloads from us (issue 20: the bench compares with it)', async () => {
    const { session, id } = await startOurSeeder(torrentPath);
    try {
      const dir = freshDir('qbittorrent-from-ours');
      const leecher = track(await startQbittorrent({ saveDir: dir }));
      try {
        await leecher.add(torrentPath, [{ address: '127.0.0.1', port: session.listenPort! }]);
        await leecher.waitDone(FAST_CLIENT_TIMEOUT_MS).catch((err: unknown) => {
          throw new Error(`${(err as Error).message}\n${diagnose(session, id, leecher)}`, {
            cause: err,
          });
        });
      } finally {
        await leecher.stop();
      }
      expect(sha256File(path.join(dir, CONTENT_NAME))).toBe(sourceSha);
    } finally {
      await session.close();
    }
  });

  it('aria2c downloads from us', async () => {
    const { session, id } = await startOurSeeder(torrentPath);
    try {
      const dir = freshDir('aria2-from-ours');
      const leecher = track(await startAria2({ torrentFile: torrentPath, saveDir: dir }));
      try {
        const code = await leecher.waitExit(FAST_CLIENT_TIMEOUT_MS).catch((err: unknown) => {
          throw new Error(`${(err as Error).message}\n${diagnose(session, id, leecher)}`, {
            cause: err,
          });
        });
        expect(code).toBe(0);
      } finally {
        await leecher.stop();
      }
      expect(sha256File(path.join(dir, CONTENT_NAME))).toBe(sourceSha);
    } finally {
      await session.close();
    }
  });
});
