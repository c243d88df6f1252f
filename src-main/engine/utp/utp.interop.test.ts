/**
 * uTP interop (issue 18): libtorrent with TCP off and uTP on (REFERENCE-CLIENTS.md), both ways,
 * peers given by address. Content is checked by sha256; our side of the connection must be uTP.
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

const CONTENT_BYTES = 24 * 1024 * 1024;
const PIECE_LENGTH_BYTES = 256 * 1024;
const CONTENT_NAME = 'utp-content.bin';
const TIMEOUT_MS = 120_000;

let root: string;
let sourceDir: string;
let sourceSha: string;
let torrentPath: string;
const started: RefProcess[] = [];

async function openSession(): Promise<Session> {
  return Session.open({
    dataDir: null,
    listenHost: '127.0.0.1',
    listenPort: 0,
    hashThreads: 1,
    settings: { transports: 'utp' },
  });
}

function diagnose(session: Session, id: TorrentId, other: RefProcess): string {
  return JSON.stringify(
    {
      summary: session.summary(id),
      peers: session.peers(id).map((p) => ({ key: p.key, client: p.client, t: p.transport })),
      utp: session.utpStats,
      other: other.outputTail().split('\n').slice(-10),
    },
    null,
    1,
  );
}

beforeAll(async () => {
  root = tempDir('utp-interop');
  sourceDir = path.join(root, 'source');
  writeFile(path.join(sourceDir, CONTENT_NAME), CONTENT_BYTES, 1818);
  sourceSha = sha256File(path.join(sourceDir, CONTENT_NAME));
  const pool = new HashWritePool({ threads: 1 });
  try {
    const made = await createTorrent(path.join(sourceDir, CONTENT_NAME), {
      pieceLength: PIECE_LENGTH_BYTES,
      trackers: [],
      creationDate: 0,
      pool,
    });
    torrentPath = path.join(root, 'utp.torrent');
    fs.writeFileSync(torrentPath, made.torrentFile);
  } finally {
    await pool.close();
  }
});

afterAll(async () => {
  for (const p of started) await p.stop();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

describe('uTP with libtorrent (TCP off)', () => {
  it('we download from a libtorrent seeder over uTP', async () => {
    const seeder = await startLibtorrent({
      role: 'seed',
      torrentFile: torrentPath,
      saveDir: sourceDir,
      utpOnly: true,
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
      session.addPeer(id, '127.0.0.1', seeder.port);
      let sawTransport: string[] = [];
      await waitFor(
        () => {
          const peers = session.peers(id);
          if (peers.length > 0) sawTransport = peers.map((p) => p.transport);
          return session.summary(id)?.state === 'seeding';
        },
        'our download over uTP',
        TIMEOUT_MS,
        100,
      ).catch((err: unknown) => {
        throw new Error(`${(err as Error).message}\n${diagnose(session, id, seeder)}`);
      });
      expect(sawTransport).toEqual(['utp']);
      expect(sha256File(path.join(dir, CONTENT_NAME))).toBe(sourceSha);
    } finally {
      await session.close();
      await seeder.stop();
    }
  });

  it('a libtorrent leecher downloads from us over uTP', async () => {
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
        utpOnly: true,
        peers: [{ address: '127.0.0.1', port: session.listenPort as number }],
      });
      started.push(leecher);
      try {
        let sawTransport: string[] = [];
        const watch = setInterval(() => {
          const peers = session.peers(id);
          if (peers.length > 0) sawTransport = peers.map((p) => p.transport);
        }, 50);
        try {
          await leecher.waitDone(TIMEOUT_MS).catch((err: unknown) => {
            throw new Error(`${(err as Error).message}\n${diagnose(session, id, leecher)}`);
          });
        } finally {
          clearInterval(watch);
        }
        expect(sawTransport).toEqual(['utp']);
      } finally {
        await leecher.stop();
      }
      expect(sha256File(path.join(dir, CONTENT_NAME))).toBe(sourceSha);
      expect(session.summary(id)?.uploadedBytes).toBeGreaterThanOrEqual(CONTENT_BYTES);
    } finally {
      await session.close();
    }
  });
});
