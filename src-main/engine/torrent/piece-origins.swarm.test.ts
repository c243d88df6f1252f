/**
 * Piece origins over a real loopback swarm (issue 19): a download from two seeders credits
 * pieces to both, and the origins come back after a restart from the resume data.
 */
import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir, waitFor } from '../../testing/fixtures';
import { createTestSwarm, TEST_SESSION_OPTIONS } from '../../testing/swarm';
import type { TestSwarm } from '../../testing/swarm';
import { seededRandom } from '../time/clock';
import { PieceState } from '../../../src-shared/model';
import { Session } from '../session';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

describe('piece origins in a swarm', () => {
  it('credits pieces to both seeders and keeps them across a restart', async () => {
    const content = tempDir('origins-content');
    cleanup.push(() => fs.rmSync(content, { recursive: true, force: true }));
    const file = path.join(content, 'data.bin');
    // 128 pieces of 16 KiB: enough for rarest-first to spread requests over both seeders.
    fs.writeFileSync(file, seededRandom(19).bytes(2 * 1024 * 1024));
    const dataDir = tempDir('origins-data');
    cleanup.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
    const swarm: TestSwarm = await createTestSwarm({
      contentPath: file,
      seeders: 2,
      leechers: 1,
      pieceLength: 16 * 1024,
      configure: (role) => (role === 'leecher' ? { dataDir } : {}),
    });
    cleanup.push(() => swarm.close());
    await swarm.untilComplete(60_000);
    const id = swarm.meta.infoHashHex;
    const leecher = swarm.leechers[0]!;
    const before = leecher.pieceMap(id);
    const origins = before.origins!;
    const peers = before.originPeers!;
    expect(origins.length).toBe(128);
    // Every downloaded piece has an origin, and the table names both seeders by their ports.
    expect(origins.every((o) => o >= 1 && o <= peers.length)).toBe(true);
    const seederPorts = swarm.seeders.map((s) => `127.0.0.1:${s.listenPort}`).sort();
    const credited = [...new Set(origins)].map((o) => peers[o - 1]!.address).sort();
    expect(credited).toEqual(seederPorts);
    expect(peers.reduce((n, p) => n + p.pieces, 0)).toBe(128);
    expect(peers.every((p) => p.bytes > 0 && p.client.length > 0)).toBe(true);

    // Restart the leecher on the same data folder: the resume data brings the origins back.
    swarm.leechers.splice(0, 1);
    await leecher.close();
    const again = await Session.open({ ...TEST_SESSION_OPTIONS, dataDir });
    cleanup.push(() => again.close());
    await waitFor(() => again.summary(id)?.state === 'seeding', 'the restored torrent to seed');
    const after = again.pieceMap(id);
    expect(after.states.every((s) => s === PieceState.have)).toBe(true);
    expect([...after.origins!]).toEqual([...origins]);
    expect(after.originPeers!.map((p) => [p.address, p.client, p.pieces])).toEqual(
      peers.map((p) => [p.address, p.client, p.pieces]),
    );
  });
});
