/**
 * Interop (issue 18): whole transfers over MSE/PE between our sessions and libtorrent 2.0 with
 * encryption forced (in and out, RC4 only), and transmission-cli with encryption required, each
 * way, on loopback. Content is checked by sha256 against the source; our side's Peers tab must
 * show the E flag on the peer while it is connected. Peers are given by address (no tracker):
 * Transmission never dials 127.x, so when it leeches our seeder dials it.
 *
 * Our side keeps the default policy (prefer): it dials offering RC4 and plaintext, and a peer
 * that insists on RC4 must get RC4. A rate limit on our side keeps each transfer a few seconds
 * long, so the connected peer can be looked at.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session } from '../session';
import { createTorrent } from '../metainfo';
import { HashWritePool } from '../hash';
import type { PeerFlags, TorrentId } from '../../../src-shared/model';
import { sha256File, tempDir, waitFor, writeFile } from '../../testing/fixtures';
import { startLibtorrent, startTransmission } from '../../testing/ref-clients';
import type { RefProcess } from '../../testing/ref-clients';

const CONTENT_BYTES = 6 * 1024 * 1024;
const CONTENT_NAME = 'mse-content.bin';
/** Our side's limit: 6 MiB in about three seconds. */
const OUR_LIMIT_BPS = 2 * 1024 * 1024;
const LIBTORRENT_TIMEOUT_MS = 90_000;
/** Transmission waits for its 10 s rechoke before its first request and then ramps up slowly. */
const TRANSMISSION_TIMEOUT_MS = 180_000;

let root: string;
let sourceDir: string;
let sourceSha: string;
let torrentPath: string;
let torrentFile: Uint8Array;
const startedPids: number[] = [];

function track<T extends RefProcess>(p: T): T {
  startedPids.push(p.pid);
  return p;
}

beforeAll(async () => {
  root = tempDir('mse-interop');
  sourceDir = path.join(root, 'source');
  writeFile(path.join(sourceDir, CONTENT_NAME), CONTENT_BYTES, 1818);
  sourceSha = sha256File(path.join(sourceDir, CONTENT_NAME));
  const pool = new HashWritePool({ threads: 1 });
  try {
    // v1 only (our creator's default): libtorrent 2.0 dials a hybrid with the v2 hash as SKEY.
    const created = await createTorrent(path.join(sourceDir, CONTENT_NAME), {
      pieceLength: 256 * 1024,
      creationDate: 0,
      pool,
    });
    torrentFile = created.torrentFile;
    torrentPath = path.join(root, 'mse.torrent');
    fs.writeFileSync(torrentPath, torrentFile);
  } finally {
    await pool.close();
  }
});

afterAll(() => {
  if (root) fs.rmSync(root, { recursive: true, force: true });
  expect(startedPids.filter(isAlive)).toEqual([]);
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function openSession(limits: 'up' | 'down'): Promise<Session> {
  return Session.open({
    dataDir: null,
    listenHost: '127.0.0.1',
    listenPort: 0,
    hashThreads: 1,
    settings:
      limits === 'up' ? { uploadLimitBps: OUR_LIMIT_BPS } : { downloadLimitBps: OUR_LIMIT_BPS },
  });
}

/** Polls until a peer is connected and returns its flags (the Peers tab's view). */
async function firstPeerFlags(
  session: Session,
  id: TorrentId,
  timeoutMs: number,
): Promise<PeerFlags> {
  let flags: PeerFlags | null = null;
  await waitFor(
    () => {
      flags = session.peers(id)[0]?.flags ?? null;
      return flags !== null && session.peers(id)[0]!.client !== 'unknown';
    },
    'a connected peer',
    timeoutMs,
    5,
  );
  return flags!;
}

async function waitComplete(session: Session, id: TorrentId, timeoutMs: number, other: RefProcess) {
  await waitFor(
    () => session.summary(id)?.state === 'seeding',
    'our download to complete',
    timeoutMs,
    100,
  ).catch((err: unknown) => {
    throw new Error(`${(err as Error).message}\n${other.outputTail()}`, { cause: err });
  });
}

function freshDir(name: string): string {
  const dir = path.join(root, name);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

async function ourSeeder(): Promise<{ session: Session; id: TorrentId }> {
  const session = await openSession('up');
  const id = await session.addTorrent({ torrentFile }, { savePath: sourceDir });
  await waitFor(() => session.summary(id)?.state === 'seeding', 'our seeder to check', 60_000, 50);
  return { session, id };
}

describe('MSE/PE interop: whole transfers, encryption forced on the other side', () => {
  it('we download from a libtorrent seeder with encryption forced: RC4, sha256 intact', async () => {
    const seeder = track(
      await startLibtorrent({
        role: 'seed',
        torrentFile: torrentPath,
        saveDir: sourceDir,
        encryption: 'forced',
      }),
    );
    const session = await openSession('down');
    try {
      await seeder.waitReady(60_000);
      const dir = freshDir('ours-from-libtorrent');
      const id = await session.addTorrent({ torrentFile }, { savePath: dir });
      session.addPeer(id, '127.0.0.1', seeder.port);
      const flags = await firstPeerFlags(session, id, 30_000);
      expect({ encrypted: flags.encrypted, incoming: flags.incoming }).toEqual({
        encrypted: true,
        incoming: false,
      });
      await waitComplete(session, id, LIBTORRENT_TIMEOUT_MS, seeder);
      expect(sha256File(path.join(dir, CONTENT_NAME))).toBe(sourceSha);
    } finally {
      await session.close();
      await seeder.stop();
    }
  });

  it('a libtorrent leecher with encryption forced downloads from us: RC4, sha256 intact', async () => {
    const { session, id } = await ourSeeder();
    try {
      const dir = freshDir('libtorrent-from-ours');
      const leecher = track(
        await startLibtorrent({
          role: 'leech',
          torrentFile: torrentPath,
          saveDir: dir,
          encryption: 'forced',
          peers: [{ address: '127.0.0.1', port: session.listenPort as number }],
        }),
      );
      try {
        const flags = await firstPeerFlags(session, id, 30_000);
        expect({ encrypted: flags.encrypted, incoming: flags.incoming }).toEqual({
          encrypted: true,
          incoming: true,
        });
        await leecher.waitDone(LIBTORRENT_TIMEOUT_MS);
      } finally {
        await leecher.stop();
      }
      expect(sha256File(path.join(dir, CONTENT_NAME))).toBe(sourceSha);
    } finally {
      await session.close();
    }
  });

  it('transmission-cli with encryption required downloads from us (we dial it): RC4, sha256 intact', async () => {
    const { session, id } = await ourSeeder();
    try {
      const dir = freshDir('transmission-from-ours');
      const leecher = track(
        await startTransmission({ torrentFile: torrentPath, saveDir: dir, encryption: 'required' }),
      );
      try {
        session.addPeer(id, '127.0.0.1', leecher.port);
        const flags = await firstPeerFlags(session, id, 30_000);
        expect({ encrypted: flags.encrypted, incoming: flags.incoming }).toEqual({
          encrypted: true,
          incoming: false,
        });
        await leecher.waitDone(TRANSMISSION_TIMEOUT_MS);
      } finally {
        await leecher.stop();
      }
      expect(sha256File(path.join(dir, CONTENT_NAME))).toBe(sourceSha);
    } finally {
      await session.close();
    }
  });

  it('we download from a transmission-cli seeder with encryption required: RC4, sha256 intact', async () => {
    const seeder = track(
      await startTransmission({
        torrentFile: torrentPath,
        saveDir: sourceDir,
        encryption: 'required',
      }),
    );
    const session = await openSession('down');
    try {
      await seeder.waitSeeding(60_000);
      const dir = freshDir('ours-from-transmission');
      const id = await session.addTorrent({ torrentFile }, { savePath: dir });
      session.addPeer(id, '127.0.0.1', seeder.port);
      const flags = await firstPeerFlags(session, id, 30_000);
      expect({ encrypted: flags.encrypted, incoming: flags.incoming }).toEqual({
        encrypted: true,
        incoming: false,
      });
      await waitComplete(session, id, TRANSMISSION_TIMEOUT_MS, seeder);
      expect(sha256File(path.join(dir, CONTENT_NAME))).toBe(sourceSha);
    } finally {
      await session.close();
      await seeder.stop();
    }
  });
});
