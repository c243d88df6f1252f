/**
 * createTestSwarm: a loopback swarm of our own sessions, after libtorrent's setup_swarm.
 * Every session listens on 127.0.0.1 port 0 and keeps no data folder; `close()` stops them all.
 */
import path from 'node:path';
import fs from 'node:fs';
import { Session } from '../engine/session';
import type { SessionOptions } from '../engine/session';
import { createTorrent } from '../engine/metainfo';
import type { Metainfo } from '../engine/metainfo';
import { HashWritePool } from '../engine/hash';
import { resolveInside } from '../engine/metainfo';
import { FileLayout } from '../engine/storage/file-layout';
import { FileStorage } from '../engine/storage/file-storage';
import type { Storage } from '../engine/storage/storage';
import { tempDir, waitFor } from './fixtures';

/** A session for tests: no data folder, loopback, any free port, one hashing thread. */
export const TEST_SESSION_OPTIONS: SessionOptions = {
  dataDir: null,
  listenHost: '127.0.0.1',
  listenPort: 0,
  hashThreads: 1,
  // Tests never dial the public DHT routers (issue 17); a DHT test passes loopback nodes.
  // Nor a real router (issue 18): the session maps ports only when a test passes fake gateways.
  settings: { dhtBootstrap: [], portMapping: false },
};

/**
 * A `storageFactory` whose storage is the torrent's files under the save path (as the session's
 * own), wrapped by `wrap` (a FaultyStorage, say) for the torrents it returns one for.
 */
export function wrappedFileStorage(
  wrap: (files: FileStorage, meta: Metainfo) => Storage,
): (meta: Metainfo, savePath: string) => Storage {
  return (meta, savePath) =>
    wrap(
      new FileStorage(
        new FileLayout(meta.files, meta.pieceLength),
        savePath,
        meta.files.map((f) => resolveInside(savePath, f.path)),
      ),
      meta,
    );
}

export interface TestSwarm {
  root: string;
  meta: Metainfo;
  torrentFile: Uint8Array;
  seeders: Session[];
  leechers: Session[];
  leecherDirs: string[];
  /** Wait until every leecher has verified every piece. */
  untilComplete(timeoutMs?: number): Promise<void>;
  /** Stop every session; the files go too unless `keepFiles` (then the caller removes `root`). */
  close(opts?: { keepFiles?: boolean }): Promise<void>;
}

export interface TestSwarmOptions {
  /** Folder or file to share; the seeders' save path is its parent. */
  contentPath: string;
  seeders: number;
  leechers: number;
  pieceLength?: number;
  trackers?: string[];
  /** Per-session options, e.g. a faulty storage for one seeder. */
  configure?: (role: 'seeder' | 'leecher', index: number) => Partial<SessionOptions>;
  /** Connect every leecher to every seeder (and to the leechers before it) by address. */
  connectByAddress?: boolean;
  /** The address `connectByAddress` dials (127.0.0.1; '::1' for IPv6 swarms, issue 18). */
  connectHost?: string;
}

export async function createTestSwarm(opts: TestSwarmOptions): Promise<TestSwarm> {
  const root = tempDir('swarm');
  const pool = new HashWritePool({ threads: 1 });
  let created;
  try {
    created = await createTorrent(opts.contentPath, {
      pieceLength: opts.pieceLength,
      trackers: (opts.trackers ?? []).map((t) => [t]),
      creationDate: 0,
      pool,
    });
  } finally {
    await pool.close();
  }
  const { meta, torrentFile } = created;
  const seeders: Session[] = [];
  const leechers: Session[] = [];
  const leecherDirs: string[] = [];
  const base = TEST_SESSION_OPTIONS;
  const swarm: TestSwarm = {
    root,
    meta,
    torrentFile,
    seeders,
    leechers,
    leecherDirs,
    async untilComplete(timeoutMs = 60_000) {
      await waitFor(
        () =>
          leechers.every((s) => s.list()[0]?.progress === 1 && s.list()[0]?.state === 'seeding'),
        'every leecher to complete',
        timeoutMs,
      );
    },
    async close(closeOpts) {
      await Promise.all([...seeders, ...leechers].map((s) => s.close()));
      if (!closeOpts?.keepFiles) fs.rmSync(root, { recursive: true, force: true });
    },
  };
  try {
    for (let i = 0; i < opts.seeders; i++) {
      const s = await Session.open({ ...base, ...opts.configure?.('seeder', i) });
      seeders.push(s);
      // The content was just hashed by createTorrent, as in create-and-seed: no check needed.
      await s.addMeta(meta, { savePath: path.dirname(opts.contentPath) }, true);
    }
    await waitFor(
      () => seeders.every((s) => s.list()[0]?.state === 'seeding'),
      'seeders to check their data',
    );
    for (let i = 0; i < opts.leechers; i++) {
      const dir = path.join(root, `leecher-${i}`);
      fs.mkdirSync(dir, { recursive: true });
      const s = await Session.open({ ...base, ...opts.configure?.('leecher', i) });
      leechers.push(s);
      leecherDirs.push(dir);
      await s.addTorrent({ torrentFile }, { savePath: dir });
    }
    if (opts.connectByAddress ?? true) {
      const host = opts.connectHost ?? '127.0.0.1';
      for (const [i, l] of leechers.entries()) {
        for (const s of seeders) l.addPeer(meta.infoHashHex, host, s.listenPort as number);
        for (const other of leechers.slice(0, i))
          l.addPeer(meta.infoHashHex, host, other.listenPort as number);
      }
    }
  } catch (err) {
    await swarm.close();
    throw err;
  }
  return swarm;
}
