/**
 * IPv6 interop (issue 18): libtorrent listening on [::1] only (`listen_interfaces`), our session
 * on ::1 only; we download from it over IPv6 and it downloads from us, content checked by sha256.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TorrentId } from '../../../src-shared/model';
import { sha256File, tempDir, waitFor, writeFile } from '../../testing/fixtures';
import { startLibtorrent } from '../../testing/ref-clients';
import type { RefProcess } from '../../testing/ref-clients';
import { HashWritePool } from '../hash';
import { createTorrent } from '../metainfo';
import { Session } from '../session';

const CONTENT_BYTES = 16 * 1024 * 1024;
const PIECE_LENGTH_BYTES = 256 * 1024;
const CONTENT_NAME = 'ipv6-content.bin';
const TIMEOUT_MS = 120_000;

let root: string;
let sourceDir: string;
let sourceSha: string;
let torrentPath: string;
const started: RefProcess[] = [];

function openSession(): Promise<Session> {
  return Session.open({
    dataDir: null,
    listenHost: '::1',
    listenPort: 0,
    hashThreads: 1,
    settings: { transports: 'tcp', dhtBootstrap: [] },
  });
}

function diagnose(session: Session, id: TorrentId, other: RefProcess): string {
  return JSON.stringify(
    {
      summary: session.summary(id),
      peers: session.peers(id).map((p) => ({ key: p.key, client: p.client })),
      other: other.outputTail().split('\n').slice(-10),
    },
    null,
    1,
  );
}

beforeAll(async () => {
  root = tempDir('ipv6-interop');
  sourceDir = path.join(root, 'source');
  writeFile(path.join(sourceDir, CONTENT_NAME), CONTENT_BYTES, 606);
  sourceSha = sha256File(path.join(sourceDir, CONTENT_NAME));
  const pool = new HashWritePool({ threads: 1 });
  try {
    const made = await createTorrent(path.join(sourceDir, CONTENT_NAME), {
      pieceLength: PIECE_LENGTH_BYTES,
      trackers: [],
      creationDate: 0,
      pool,
    });
    torrentPath = path.join(root, 'ipv6.torrent');
    fs.writeFileSync(torrentPath, made.torrentFile);
  } finally {
    await pool.close();
  }
});

afterAll(async () => {
  for (const p of started) await p.stop();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

describe('IPv6 with libtorrent on [::1]', () => {
  it('we download from a libtorrent seeder over IPv6', async () => {
    const seeder = await startLibtorrent({
      role: 'seed',
      torrentFile: torrentPath,
      saveDir: sourceDir,
      listenHost: '[::1]',
    });
    started.push(seeder);
    const session = await openSession();
    try {
      await seeder.waitReady(60_000);
      const dir = path.join(root, 'ours');
      const id = await session.addTorrent(
        { torrentFile: fs.readFileSync(torrentPath) },
        { savePath: dir },
      );
      session.addPeer(id, '[::1]', seeder.port);
      let sawAddresses: string[] = [];
      await waitFor(
        () => {
          const peers = session.peers(id);
          if (peers.length > 0) sawAddresses = peers.map((p) => p.address);
          return session.summary(id)?.state === 'seeding';
        },
        'our download over IPv6',
        TIMEOUT_MS,
        100,
      ).catch((err: unknown) => {
        throw new Error(`${(err as Error).message}\n${diagnose(session, id, seeder)}`);
      });
      expect(sawAddresses).toEqual(['::1']);
      expect(sha256File(path.join(dir, CONTENT_NAME))).toBe(sourceSha);
    } finally {
      await session.close();
      await seeder.stop();
    }
  });

  it('a libtorrent leecher downloads from us over IPv6', async () => {
    const session = await openSession();
    try {
      const id = await session.addTorrent(
        { torrentFile: fs.readFileSync(torrentPath) },
        { savePath: sourceDir },
      );
      await waitFor(() => session.summary(id)?.state === 'seeding', 'our seeder', 60_000);
      const dir = path.join(root, 'libtorrent');
      const leecher = await startLibtorrent({
        role: 'leech',
        torrentFile: torrentPath,
        saveDir: dir,
        listenHost: '[::1]',
        peers: [{ address: '::1', port: session.listenPort as number }],
      });
      started.push(leecher);
      try {
        let sawAddresses: string[] = [];
        const watch = setInterval(() => {
          const peers = session.peers(id);
          if (peers.length > 0) sawAddresses = peers.map((p) => p.address);
        }, 50);
        try {
          await leecher.waitDone(TIMEOUT_MS).catch((err: unknown) => {
            throw new Error(`${(err as Error).message}\n${diagnose(session, id, leecher)}`);
          });
        } finally {
          clearInterval(watch);
        }
        expect(sawAddresses).toEqual(['::1']);
        expect(sha256File(path.join(dir, CONTENT_NAME))).toBe(sourceSha);
      } finally {
        await leecher.stop();
      }
    } finally {
      await session.close();
    }
  });
});
