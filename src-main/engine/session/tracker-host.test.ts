import { afterEach, describe, expect, it } from 'vitest';
import type { TrackerServerSettings, TrackerServerStats } from '../../../src-shared/model';
import { loopbackTrackerSettings } from '../tracker/server/testing/loopback';
import { ManualClock, seededRandom } from '../time/clock';
import { MemoryLogger } from '../log/logger';
import { TRACKER_STATS_INTERVAL_MS, TrackerHost } from './tracker-host';

let host: TrackerHost | null = null;
afterEach(async () => {
  await host?.stop();
  host = null;
});

const settings: TrackerServerSettings = loopbackTrackerSettings;

function make(clock: ManualClock, seen: TrackerServerStats[]): TrackerHost {
  host = new TrackerHost({
    clock,
    random: seededRandom(1),
    logger: new MemoryLogger('error'),
    isAllowed: () => true,
    changed: (stats) => seen.push(stats),
  });
  return host;
}

describe('TrackerHost', () => {
  it('starts the server, pushes its stats every interval, and stops the pushes', async () => {
    const clock = new ManualClock();
    const seen: TrackerServerStats[] = [];
    const h = make(clock, seen);
    const stats = await h.start(settings);
    expect(stats.running).toBe(true);
    expect(stats.httpPort).toBeGreaterThan(0);
    expect(h.running).toBe(true);
    expect(seen).toHaveLength(0);
    clock.advance(TRACKER_STATS_INTERVAL_MS * 3);
    expect(seen).toHaveLength(3);
    expect(seen.every((s) => s.running)).toBe(true);
    await h.stop();
    expect(h.running).toBe(false);
    expect(clock.pending).toBe(0);
    clock.advance(TRACKER_STATS_INTERVAL_MS * 3);
    expect(seen).toHaveLength(3);
  });

  it('while stopped, reports the URLs the settings would announce', () => {
    const h = make(new ManualClock(), []);
    const stats = h.stats({ ...settings, httpPort: 7000, udpPort: 7001, host: '127.0.0.1' });
    expect(stats.running).toBe(false);
    expect(stats.announceUrls.join(' ')).toContain(':7000');
    expect(stats.announceUrls.join(' ')).toContain(':7001');
    expect(h.swarm('AB'.repeat(20))).toBeNull();
  });

  it('a restart replaces the running server (one at a time)', async () => {
    const clock = new ManualClock();
    const seen: TrackerServerStats[] = [];
    const h = make(clock, seen);
    await h.start(settings);
    const second = await h.start(settings);
    expect(second.running).toBe(true);
    expect(second.httpPort).not.toBe(null);
    // One timer: one push per interval, not two.
    const before = seen.length;
    clock.advance(TRACKER_STATS_INTERVAL_MS);
    expect(seen.length - before).toBe(1);
  });
});
