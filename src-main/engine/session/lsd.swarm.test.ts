/**
 * Local Service Discovery on loopback (issue 17): a seeder and a leecher with LSD on and no
 * tracker find each other by multicast on 127.0.0.1 (a test port, so no other run hears them).
 */
import { afterEach, describe, expect, it } from 'vitest';
import dgram from 'node:dgram';
import fs from 'node:fs';
import path from 'node:path';
import { createTestSwarm } from '../../testing/swarm';
import type { TestSwarm } from '../../testing/swarm';
import { sha256File, tempDir, writeFile } from '../../testing/fixtures';

let swarm: TestSwarm | null = null;
let contentDir: string | null = null;

afterEach(async () => {
  await swarm?.close();
  swarm = null;
  if (contentDir) fs.rmSync(contentDir, { recursive: true, force: true });
  contentDir = null;
});

async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const { port } = s.address();
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('LSD swarm', () => {
  it('two sessions with LSD on and no tracker find each other and complete', async () => {
    const port = await freeUdpPort();
    contentDir = tempDir('lsd-content');
    const file = path.join(contentDir, 'lsd.bin');
    writeFile(file, 512 * 1024);
    swarm = await createTestSwarm({
      contentPath: file,
      seeders: 1,
      leechers: 1,
      pieceLength: 32 * 1024,
      connectByAddress: false,
      configure: () => ({ lsd: { port, interface: '127.0.0.1' } }),
    });
    const [seeder] = swarm.seeders;
    const [leecher] = swarm.leechers;
    if (!seeder || !leecher) throw new Error('swarm not built');
    expect(leecher.lsdRunning).toBe(true);
    await swarm.untilComplete(30_000);
    expect(fs.readFileSync(path.join(swarm.leecherDirs[0] as string, 'lsd.bin')).length).toBe(
      512 * 1024,
    );
    expect(sha256File(path.join(swarm.leecherDirs[0] as string, 'lsd.bin'))).toBe(sha256File(file));
    const id = swarm.meta.infoHashHex;
    // Each learnt the other's address from LSD, and from nothing else.
    for (const s of [seeder, leecher])
      expect(s.torrent(id)?.peerSourceCounts()).toEqual({ lsd: 1 });
  });

  it('LSD stays off when the setting is off', async () => {
    const port = await freeUdpPort();
    contentDir = tempDir('lsd-content');
    const file = path.join(contentDir, 'lsd.bin');
    writeFile(file, 64 * 1024);
    swarm = await createTestSwarm({
      contentPath: file,
      seeders: 1,
      leechers: 1,
      connectByAddress: false,
      configure: () => ({ lsd: { port, interface: '127.0.0.1' }, settings: { lsdEnabled: false } }),
    });
    expect(swarm.leechers[0]?.lsdRunning).toBe(false);
    await swarm.leechers[0]?.updateSettings({ lsdEnabled: true });
    expect(swarm.leechers[0]?.lsdRunning).toBe(true);
    await swarm.leechers[0]?.updateSettings({ lsdEnabled: false });
    expect(swarm.leechers[0]?.lsdRunning).toBe(false);
  });
});
