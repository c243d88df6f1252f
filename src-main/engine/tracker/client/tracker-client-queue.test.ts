/**
 * TrackerClient with the session's announce queue (issue 20), against our tracker on loopback:
 * which class each announce waits in, and that `stopped` still goes out first and bounded.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { TRACKER_STOP_TIMEOUT_MS } from '../../limits';
import { ManualClock, seededRandom, systemClock } from '../../time/clock';
import { startTestTracker } from '../server/testing/loopback';
import { AnnounceQueue } from './announce-queue';
import type { AnnouncePriority, AnnounceSlot } from './announce-queue';
import { TrackerClient } from './tracker-client';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function until(cond: () => boolean, ms = 3000): Promise<void> {
  for (let waited = 0; !cond(); waited += 10) {
    if (waited >= ms) throw new Error('condition not met in time');
    await new Promise<void>((r) => systemClock.setTimeout(r, 10));
  }
}

/** A queue that records the class of every slot it grants. */
function recordingQueue(clock: ManualClock, maxInFlight: number) {
  const q = new AnnounceQueue({ clock, maxInFlight, backgroundPerSec: 20, slotTimeoutMs: 30_000 });
  const granted: AnnouncePriority[] = [];
  const acquire = q.acquire.bind(q);
  q.acquire = async (p, signal) => {
    const slot = await acquire(p, signal);
    granted.push(p);
    return slot;
  };
  cleanups.push(() => q.close());
  return { q, granted };
}

async function setup(left: number, maxInFlight = 4) {
  const t = await startTestTracker();
  cleanups.push(() => t.stop());
  const clock = new ManualClock();
  const { q, granted } = recordingQueue(clock, maxInFlight);
  const infoHash = new Uint8Array(20).fill(left > 0 ? 0x21 : 0x22);
  const hex = Buffer.from(infoHash).toString('hex');
  const client = new TrackerClient({
    infoHash,
    peerId: new Uint8Array(20).fill(7),
    port: 7100,
    announceList: [[t.httpUrl]],
    isPrivate: false,
    clock,
    random: seededRandom(3),
    stats: () => ({ uploaded: 0, downloaded: 0, left }),
    onPeers: () => {},
    queue: q,
  });
  cleanups.push(() => client.stop());
  const inSwarm = (): boolean => {
    const s = t.server.swarm(hex);
    return !!s && s.seeders + s.leechers > 0;
  };
  return { t, clock, q, granted, client, inSwarm };
}

describe('TrackerClient with an announce queue', () => {
  it("announces a seed's started as background, a download's as urgent", async () => {
    const seed = await setup(0);
    seed.client.start();
    seed.clock.advance(0);
    await until(seed.inSwarm);
    expect(seed.granted).toEqual(['background']);
    const leech = await setup(100);
    leech.client.start();
    leech.clock.advance(0);
    await until(leech.inSwarm);
    expect(leech.granted).toEqual(['urgent']);
  });

  it('sends a re-announce asked for by hand as urgent, an idle one as background', async () => {
    const s = await setup(0);
    s.client.start();
    s.clock.advance(0);
    await until(() => s.client.statuses()[0]?.state === 'working');
    s.client.announceNow({ force: true });
    s.clock.advance(2_000);
    await until(() => s.granted.length === 2);
    await until(() => s.client.statuses()[0]?.state === 'working');
    s.client.announceNow({ force: true, background: true });
    s.clock.advance(2_000);
    await until(() => s.granted.length === 3);
    expect(s.granted).toEqual(['background', 'urgent', 'background']);
  });

  it('leaves the queue when stopped while waiting, without announcing', async () => {
    const s = await setup(0, 1);
    const blocker = await s.q.acquire('urgent');
    s.client.start();
    s.clock.advance(0);
    expect(s.q.queued).toBe(1);
    await s.client.stop();
    expect(s.q.queued).toBe(0);
    expect(s.granted).toEqual(['urgent']); // the blocker's only
    expect(s.inSwarm()).toBe(false);
    blocker.release();
  });

  it('sends stopped ahead of waiting background announces', async () => {
    const s = await setup(0, 1);
    s.client.start();
    s.clock.advance(0);
    await until(s.inSwarm);
    const blocker = await s.q.acquire('urgent');
    // Other seeds' announces queue up behind the blocker.
    const others: Promise<AnnounceSlot>[] = [];
    for (let i = 0; i < 5; i++) others.push(s.q.acquire('background'));
    const stopping = s.client.stop();
    await new Promise((r) => setImmediate(r));
    blocker.release();
    await stopping;
    expect(s.granted.slice(0, 3)).toEqual(['background', 'urgent', 'stopped']);
    expect(s.inSwarm()).toBe(false);
    for (const o of others)
      void o.then(
        (slot) => slot.release(),
        () => {},
      );
  });

  it('counts the interval from when the announce went out, not from when it queued', async () => {
    const s = await setup(0, 1);
    const blocker = await s.q.acquire('urgent');
    const queuedAt = s.clock.now();
    s.client.start();
    s.clock.advance(0);
    s.clock.advance(40_000); // forty seconds behind other announces
    blocker.release();
    await until(() => s.client.statuses()[0]?.state === 'working');
    // The test tracker's interval (defaultTrackerServerSettings: 1800 s).
    expect(s.client.statuses()[0]?.nextAnnounceAt).toBe(queuedAt + 40_000 + 1_800_000);
  });

  it('gives up on stopped within the stop timeout when no slot frees', async () => {
    const s = await setup(0, 1);
    s.client.start();
    s.clock.advance(0);
    await until(s.inSwarm);
    const blocker = await s.q.acquire('urgent');
    let stopped = false;
    const stopping = s.client.stop().then(() => (stopped = true));
    await new Promise((r) => setImmediate(r));
    s.clock.advance(TRACKER_STOP_TIMEOUT_MS - 1);
    await new Promise((r) => setImmediate(r));
    expect(stopped).toBe(false);
    s.clock.advance(1);
    await stopping;
    expect(stopped).toBe(true);
    expect(s.q.queued).toBe(0);
    expect(s.inSwarm()).toBe(true); // the tracker never heard it; it times us out itself
    blocker.release();
  });
});
