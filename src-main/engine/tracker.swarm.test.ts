import { afterEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import fs from 'node:fs';
import { createTestSwarm } from '../testing/swarm';
import type { TestSwarm } from '../testing/swarm';
import { sha256File, tempDir, waitFor, writeFile } from '../testing/fixtures';
import { TrackerServer } from './tracker/server';
import { defaultTrackerServerSettings } from '../../src-shared/model';
import { systemClock, systemRandom } from './time/clock';

let swarm: TestSwarm | null = null;
let server: TrackerServer | null = null;
let dir: string | null = null;

afterEach(async () => {
  await swarm?.close();
  await server?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  swarm = server = dir = null;
});

async function startTracker(): Promise<{ http: string; udp: string; server: TrackerServer }> {
  const s = new TrackerServer({ clock: systemClock, random: systemRandom });
  const stats = await s.start({
    ...defaultTrackerServerSettings,
    enabled: true,
    host: '127.0.0.1',
    httpPort: 0,
    udpPort: 0,
    mode: 'open',
  });
  if (!stats.running) throw new Error(`tracker did not start: ${stats.error}`);
  return {
    http: `http://127.0.0.1:${stats.httpPort}/announce`,
    udp: `udp://127.0.0.1:${stats.udpPort}/announce`,
    server: s,
  };
}

describe('our client with our tracker', () => {
  for (const proto of ['http', 'udp'] as const) {
    it(`finds peers through the embedded tracker over ${proto} and completes`, async () => {
      const t = await startTracker();
      server = t.server;
      dir = tempDir('tracker-swarm');
      const file = path.join(dir, 'content', `payload-${proto}.bin`);
      writeFile(file, 3 * 1024 * 1024 + 77, 11);
      swarm = await createTestSwarm({
        contentPath: file,
        seeders: 1,
        leechers: 3,
        pieceLength: 64 * 1024,
        trackers: [proto === 'http' ? t.http : t.udp],
        connectByAddress: false,
      });
      await swarm.untilComplete(60_000);
      const want = sha256File(file);
      for (const d of swarm.leecherDirs)
        expect(sha256File(path.join(d, path.basename(file)))).toBe(want);
      const swarmStats = t.server.swarm(swarm.meta.infoHashHex);
      expect(swarmStats).not.toBeNull();
      expect(swarmStats!.seeders + swarmStats!.leechers).toBeGreaterThanOrEqual(2);
      // Completing sends a 'completed' announce: wait for it to come back before judging.
      const leecher = swarm.leechers[0]!;
      const stateNow = (): string | undefined =>
        leecher.trackers(swarm!.meta.infoHashHex)[0]?.state;
      await waitFor(() => stateNow() !== 'announcing', 'the completed announce', 10_000);
      expect(stateNow()).toBe('working');
    });
  }
});

describe('rate limits', () => {
  it('a download limit holds the transfer near its rate', async () => {
    dir = tempDir('limit');
    const file = path.join(dir, 'content', 'limited.bin');
    writeFile(file, 1024 * 1024, 5);
    const limitBps = 256 * 1024;
    swarm = await createTestSwarm({
      contentPath: file,
      seeders: 1,
      leechers: 1,
      pieceLength: 64 * 1024,
      configure: (role) => (role === 'leecher' ? { settings: { downloadLimitBps: limitBps } } : {}),
    });
    const started = performance.now();
    await swarm.untilComplete(30_000);
    const seconds = (performance.now() - started) / 1000;
    // One second of burst, then the rate: 1 MiB at 256 KiB/s cannot finish in under ~3 s.
    expect(seconds).toBeGreaterThan(2.5);
    expect(sha256File(path.join(swarm.leecherDirs[0]!, 'limited.bin'))).toBe(sha256File(file));
  });
});
