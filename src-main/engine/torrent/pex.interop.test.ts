/**
 * PEX interop (issue 17): three-peer cases where one peer is learnt only through PEX.
 *
 * The seeder S is ours, throttled: libtorrent drops a seed once it is complete itself, and sends
 * PEX only while it has two peers or more, so its leecher must still be downloading from S when
 * PEX runs. A libtorrent seeder on loopback cannot be throttled by our script (its local peer
 * class is unlimited; REFERENCE-CLIENTS.md).
 * - libtorrent to us: libtorrent leecher B is told S; our leecher A is told only B. B's ut_pex
 *   names S (B dialled it), so A must learn S through PEX and connect: its source is 'pex'.
 * - us to libtorrent: our leecher A is told S; libtorrent leecher B is told only A. A's ut_pex
 *   names S, so B must connect to S: S sees an incoming libtorrent peer, which only PEX explains.
 * Nobody else names S: no tracker, no DHT, no LSD. The content is checked by sha256.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session } from '../session';
import { createTorrent } from '../metainfo';
import { HashWritePool } from '../hash';
import { sha256File, tempDir, waitFor, writeFile } from '../../testing/fixtures';
import { startLibtorrent } from '../../testing/ref-clients';
import type { Libtorrent } from '../../testing/ref-clients';

const CONTENT_BYTES = 8 * 1024 * 1024;
/** S is throttled so that the leechers are still downloading when the first PEX goes out. */
const S_UP_LIMIT_BPS = 1024 * 1024;

let root: string;
let sourceDir: string;
let torrentPath: string;
let sourceSha: string;
const started: Libtorrent[] = [];
const sessions: Session[] = [];

async function openSession(
  settings: { uploadLimitBps?: number; pexEnabled?: boolean } = {},
): Promise<Session> {
  const s = await Session.open({
    dataDir: null,
    listenHost: '127.0.0.1',
    listenPort: 0,
    hashThreads: 1,
    settings,
  });
  sessions.push(s);
  return s;
}

/** Our throttled seeder S over the source folder. */
async function ourSeeder(): Promise<{ s: Session; id: string }> {
  // S takes no PEX itself: told of A by B, it would dial A first (uTP and MSE make that race
  // close), and A would see S as an incoming peer rather than one it learnt through PEX.
  const s = await openSession({ uploadLimitBps: S_UP_LIMIT_BPS, pexEnabled: false });
  const id = await s.addTorrent(
    { torrentFile: fs.readFileSync(torrentPath) },
    { savePath: sourceDir },
  );
  await waitFor(() => s.summary(id)?.state === 'seeding', 'our seeder to check its data', 60_000);
  return { s, id };
}

async function ourLeecher(name: string): Promise<{ a: Session; dir: string }> {
  const a = await openSession();
  const dir = path.join(root, name);
  fs.mkdirSync(dir, { recursive: true });
  await a.addTorrent({ torrentFile: fs.readFileSync(torrentPath) }, { savePath: dir });
  return { a, dir };
}

function diagnose(a: Session, id: string, other: Libtorrent): string {
  return JSON.stringify({
    peers: a.peers(id).map((p) => ({ key: p.key, client: p.client, source: p.source })),
    sources: a.torrent(id)?.peerSourceCounts(),
    log: a
      .recentLog(id)
      .filter((e) => e.type === 'extended' || e.type === 'close')
      .slice(-15),
    other: other.outputTail().split('\n').slice(-3),
  });
}

async function waitOr(a: Session, id: string, other: Libtorrent, ok: () => boolean, what: string) {
  try {
    await waitFor(ok, what, 30_000);
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${diagnose(a, id, other)}`, { cause: err });
  }
}

beforeAll(async () => {
  root = tempDir('pex-interop');
  sourceDir = path.join(root, 'source');
  fs.mkdirSync(sourceDir, { recursive: true });
  const file = path.join(sourceDir, 'pex-content.bin');
  writeFile(file, CONTENT_BYTES, 11);
  sourceSha = sha256File(file);
  const pool = new HashWritePool({ threads: 1 });
  try {
    const { torrentFile } = await createTorrent(file, { pieceLength: 256 * 1024, pool });
    torrentPath = path.join(root, 'pex.torrent');
    fs.writeFileSync(torrentPath, torrentFile);
  } finally {
    await pool.close();
  }
});

afterAll(async () => {
  for (const s of sessions) await s.close();
  for (const p of started) await p.stop();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('PEX with libtorrent', () => {
  it('libtorrent to us: our leecher learns the seeder only through a libtorrent peer’s PEX', async () => {
    const { s, id } = await ourSeeder();
    const sPort = s.listenPort as number;
    const b = await startLibtorrent({
      role: 'leech',
      torrentFile: torrentPath,
      saveDir: path.join(root, 'b1'),
      peers: [{ address: '127.0.0.1', port: sPort }],
    });
    started.push(b);
    await waitFor(() => s.peers(id).length > 0, 'libtorrent to reach our seeder', 30_000);
    const { a, dir } = await ourLeecher('a1');
    a.addPeer(id, '127.0.0.1', b.port);
    await waitOr(
      a,
      id,
      b,
      () => a.peers(id).some((p) => p.port === sPort && p.client !== 'unknown'),
      'our leecher to learn the seeder through PEX and connect to it',
    );
    expect(a.peers(id).find((p) => p.port === sPort)?.source).toBe('pex');
    expect(a.peers(id).find((p) => p.port === b.port)?.source).toBe('manual');
    const counts = a.torrent(id)?.peerSourceCounts() ?? {};
    expect(counts.manual).toBe(1);
    // libtorrent names A back to itself too (an incoming peer that told its port): skipped.
    expect(counts.pex).toBe(1);
    expect(Object.keys(counts).sort()).toEqual(['manual', 'pex']);
    await waitFor(() => a.summary(id)?.state === 'seeding', 'our leecher to complete', 60_000);
    expect(sha256File(path.join(dir, 'pex-content.bin'))).toBe(sourceSha);
  });

  it('us to libtorrent: a libtorrent leecher learns our seeder only through our PEX', async () => {
    const { s, id } = await ourSeeder();
    const { a } = await ourLeecher('a2');
    a.addPeer(id, '127.0.0.1', s.listenPort as number);
    await waitFor(() => a.peers(id).some((p) => p.client !== 'unknown'), 'A to reach S', 30_000);
    const bDir = path.join(root, 'b2');
    const b = await startLibtorrent({
      role: 'leech',
      torrentFile: torrentPath,
      saveDir: bDir,
      peers: [{ address: '127.0.0.1', port: a.listenPort as number }],
    });
    started.push(b);
    // S never dials and nobody else names it: a libtorrent peer at S came through A's PEX.
    await waitOr(
      s,
      id,
      b,
      () => s.peers(id).some((p) => p.client.startsWith('libtorrent')),
      'the libtorrent leecher to learn our seeder through PEX and connect to it',
    );
    expect(s.peers(id).every((p) => p.source === 'incoming')).toBe(true);
    await b.waitDone(60_000);
    expect(sha256File(path.join(bDir, 'pex-content.bin'))).toBe(sourceSha);
  });
});
