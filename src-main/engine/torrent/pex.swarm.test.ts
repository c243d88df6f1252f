/**
 * Peer exchange on loopback (issue 17): three of our sessions, where the third learns the seeder
 * only through PEX and connects to it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { createTestSwarm } from '../../testing/swarm';
import type { TestSwarm } from '../../testing/swarm';
import { sha256File, tempDir, waitFor, writeFile } from '../../testing/fixtures';

let swarm: TestSwarm | null = null;
let contentDir: string | null = null;

afterEach(async () => {
  await swarm?.close();
  swarm = null;
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
    await swarm.untilComplete(60_000);
    const want = sha256File(file);
    for (const dir of swarm.leecherDirs) expect(sha256File(path.join(dir, 'pex.bin'))).toBe(want);
  });
});
