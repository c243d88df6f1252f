/**
 * Peer exchange on loopback (issue 17): three of our sessions, where the third learns the seeder
 * only through PEX and connects to it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import dgram from 'node:dgram';
import { createTestSwarm, TEST_SESSION_OPTIONS } from '../../testing/swarm';
import { Session } from '../session';
import { createTorrent } from '../metainfo';
import type { TestSwarm } from '../../testing/swarm';
import { sha256File, tempDir, waitFor, writeFile } from '../../testing/fixtures';

let swarm: TestSwarm | null = null;
const sessions: Session[] = [];
let contentDir: string | null = null;

afterEach(async () => {
  await swarm?.close();
  swarm = null;
  for (const s of sessions.splice(0)) await s.close();
  if (contentDir) fs.rmSync(contentDir, { recursive: true, force: true });
  contentDir = null;
});

describe('PEX swarm', () => {
  it('a leecher connected only to another learns the seeder through PEX and connects', async () => {
    contentDir = tempDir('pex-content');
    const file = path.join(contentDir, 'pex.bin');
    writeFile(file, 2 * 1024 * 1024);
    swarm = await createTestSwarm({
      contentPath: file,
      seeders: 1,
      leechers: 2,
      pieceLength: 64 * 1024,
      connectByAddress: false,
      // Slow enough that neither leecher is done before PEX has had its turn.
      configure: () => ({ settings: { uploadLimitBps: 400_000 } }),
    });
    const [seeder] = swarm.seeders;
    const [a, b] = swarm.leechers;
    if (!seeder || !a || !b) throw new Error('swarm not built');
    const id = swarm.meta.infoHashHex;
    const seederPort = seeder.listenPort as number;
    // A knows the seeder; B knows only A.
    a.addPeer(id, '127.0.0.1', seederPort);
    await waitFor(
      () => a.peers(id).some((p) => p.port === seederPort && p.client !== 'unknown'),
      'A to reach the seeder',
    );
    b.addPeer(id, '127.0.0.1', a.listenPort as number);
    await waitFor(
      () => b.peers(id).some((p) => p.port === seederPort),
      'B to learn the seeder through PEX and connect',
      15_000,
    );
    const viaPex = b.peers(id).find((p) => p.port === seederPort);
    expect(viaPex?.source).toBe('pex');
    expect(b.peers(id).find((p) => p.port === a.listenPort)?.source).toBe('manual');
    expect(a.peers(id).find((p) => p.port === seederPort)?.source).toBe('manual');
    // The seeder only ever had incoming connections.
    expect(new Set(seeder.peers(id).map((p) => p.source))).toEqual(new Set(['incoming']));
    expect(b.torrent(id)?.peerSourceCounts()).toEqual({ manual: 1, pex: 1 });
    expect(b.sessionStats().peerSources).toEqual({ manual: 1, pex: 1 });
    await swarm.untilComplete(60_000);
    const want = sha256File(file);
    for (const dir of swarm.leecherDirs) expect(sha256File(path.join(dir, 'pex.bin'))).toBe(want);
  });
});

describe('private torrents (BEP 27)', () => {
  it('use neither PEX nor LSD: the third peer never learns the seeder', async () => {
    const u = dgram.createSocket('udp4');
    await new Promise<void>((r) => u.bind(0, '127.0.0.1', () => r()));
    const lsdPort = u.address().port;
    await new Promise<void>((r) => u.close(() => r()));
    contentDir = tempDir('pex-private');
    const file = path.join(contentDir, 'private.bin');
    writeFile(file, 1024 * 1024);
    const { meta, torrentFile } = await createTorrent(file, {
      pieceLength: 64 * 1024,
      private: true,
    });
    expect(meta.private).toBe(true);
    const open = async (): Promise<Session> => {
      const s = await Session.open({
        ...TEST_SESSION_OPTIONS,
        // LSD on too, on a test port: a private torrent must not use it either.
        lsd: { port: lsdPort, interface: '127.0.0.1' },
        settings: { uploadLimitBps: 200_000 },
      });
      sessions.push(s);
      return s;
    };
    const seeder = await open();
    await seeder.addMeta(meta, { savePath: contentDir }, true);
    const [a, b] = [await open(), await open()];
    for (const [s, name] of [
      [a, 'a'],
      [b, 'b'],
    ] as const) {
      const dir = path.join(contentDir, name);
      fs.mkdirSync(dir);
      await s.addTorrent({ torrentFile }, { savePath: dir });
    }
    const id = meta.infoHashHex;
    const seederPort = seeder.listenPort as number;
    a.addPeer(id, '127.0.0.1', seederPort);
    await waitFor(
      () => a.peers(id).some((p) => p.port === seederPort && p.client !== 'unknown'),
      'A to reach the seeder',
    );
    b.addPeer(id, '127.0.0.1', a.listenPort as number);
    await waitFor(() => b.peers(id).some((p) => p.client !== 'unknown'), 'B to reach A');
    // Longer than the first PEX message (within a second) and an LSD round (at start, then 5 s).
    await new Promise((r) => setTimeout(r, 6_000));
    // B knows only the address it was given; the seeder never saw it.
    expect(b.torrent(id)?.peerSourceCounts()).toEqual({ manual: 1 });
    expect(seeder.torrent(id)?.peerSourceCounts()).toEqual({});
    for (const s of [seeder, a, b]) {
      const counts = s.torrent(id)?.peerSourceCounts() ?? {};
      expect(counts.pex ?? 0).toBe(0);
      expect(counts.lsd ?? 0).toBe(0);
    }
    // No ut_pex in anyone's extended handshake for it.
    expect(
      a.recentLog(id).some((e) => e.type === 'extended-handshake' && e.detail.includes('ut_pex')),
    ).toBe(false);
  });
});
