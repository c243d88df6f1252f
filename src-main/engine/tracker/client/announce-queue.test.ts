import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../time/clock';
import { AnnounceQueue, AnnounceQueueClosedError } from './announce-queue';
import type { AnnouncePriority, AnnounceSlot } from './announce-queue';

/** Lets the promise callbacks of granted slots run. */
const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

function queue(over: { maxInFlight?: number; backgroundPerSec?: number; slotTimeoutMs?: number }) {
  const clock = new ManualClock();
  const q = new AnnounceQueue({
    clock,
    maxInFlight: over.maxInFlight ?? 4,
    backgroundPerSec: over.backgroundPerSec ?? 10,
    slotTimeoutMs: over.slotTimeoutMs ?? 30_000,
  });
  return { clock, q };
}

/** Acquires and records each grant's class and time; never throws (rejections are kept). */
function take(
  q: AnnounceQueue,
  clock: ManualClock,
  priority: AnnouncePriority,
  signal?: AbortSignal,
): {
  slot: AnnounceSlot | null;
  at: number | null;
  error: Error | null;
  priority: AnnouncePriority;
} {
  const rec = {
    slot: null as AnnounceSlot | null,
    at: null as number | null,
    error: null as Error | null,
    priority,
  };
  q.acquire(priority, signal).then(
    (s) => {
      rec.slot = s;
      rec.at = clock.now();
    },
    (e: Error) => {
      rec.error = e;
    },
  );
  return rec;
}

describe('AnnounceQueue', () => {
  it('never grants more than maxInFlight slots; a release lets the next one in', async () => {
    const { clock, q } = queue({ maxInFlight: 3 });
    const all = Array.from({ length: 10 }, () => take(q, clock, 'urgent'));
    await settle();
    expect(all.filter((r) => r.slot).length).toBe(3);
    expect(q.inFlight).toBe(3);
    expect(q.queued).toBe(7);
    all[0]!.slot!.release();
    all[0]!.slot!.release(); // twice: still one slot back
    await settle();
    expect(all.filter((r) => r.slot).length).toBe(4);
    expect(q.inFlight).toBe(3);
    // Release everything as it is granted: every waiter gets through, never more than 3 at once.
    for (let round = 0; round < 10 && all.some((r) => !r.slot); round++) {
      for (const r of all) r.slot?.release();
      await settle();
      expect(q.inFlight).toBeLessThanOrEqual(3);
    }
    expect(all.every((r) => r.slot)).toBe(true);
    q.close();
  });

  it('paces background grants: a thousand seeds spread evenly, at most the rate in any 1 s', async () => {
    const { clock, q } = queue({ maxInFlight: 20, backgroundPerSec: 20 });
    const all = Array.from({ length: 1000 }, () => take(q, clock, 'background'));
    // Each slot is given back 30 ms after it was granted, as a quick tracker would.
    for (let ms = 0; ms < 60_000 && all.some((r) => !r.slot); ms += 10) {
      await settle();
      for (const r of all) if (r.slot && clock.now() - (r.at as number) >= 30) r.slot.release();
      clock.advance(10);
    }
    await settle();
    expect(all.every((r) => r.slot)).toBe(true);
    const times = all.map((r) => r.at as number).sort((a, b) => a - b);
    // 1,000 at 20 a second: 50 s from the first grant to the last.
    expect(times[999]! - times[0]!).toBeGreaterThanOrEqual(49_000);
    expect(times[999]! - times[0]!).toBeLessThanOrEqual(51_000);
    let most = 0;
    for (let i = 0, j = 0; i < times.length; i++) {
      while (times[i]! - times[j]! >= 1000) j++;
      most = Math.max(most, i - j + 1);
    }
    expect(most).toBeLessThanOrEqual(20);
    q.close();
  });

  it('does not pace urgent and stopped announces', async () => {
    const { clock, q } = queue({ maxInFlight: 50, backgroundPerSec: 1 });
    const urgent = Array.from({ length: 20 }, () => take(q, clock, 'urgent'));
    const stopped = Array.from({ length: 20 }, () => take(q, clock, 'stopped'));
    await settle();
    expect([...urgent, ...stopped].every((r) => r.slot && r.at === clock.now())).toBe(true);
    q.close();
  });

  it('serves stopped, then urgent, then background, whatever the order they came in', async () => {
    const { clock, q } = queue({ maxInFlight: 1, backgroundPerSec: 1000 });
    const first = take(q, clock, 'background');
    await settle();
    const order: AnnouncePriority[] = [];
    const waiting = [
      take(q, clock, 'background'),
      take(q, clock, 'urgent'),
      take(q, clock, 'stopped'),
      take(q, clock, 'background'),
      take(q, clock, 'urgent'),
      take(q, clock, 'stopped'),
    ];
    first.slot!.release();
    const done = new Set<object>();
    for (let i = 0; i < waiting.length; i++) {
      clock.advance(1); // past the background pace
      await settle();
      const granted = waiting.filter((r) => r.slot && !done.has(r));
      expect(granted.length).toBe(1); // the cap: one at a time
      const next = granted[0]!;
      done.add(next);
      order.push(next.priority);
      next.slot!.release();
    }
    expect(order).toEqual(['stopped', 'stopped', 'urgent', 'urgent', 'background', 'background']);
    q.close();
  });

  it('drops a waiter whose torrent stopped while it was queued', async () => {
    const { clock, q } = queue({ maxInFlight: 1 });
    const held = take(q, clock, 'urgent');
    const stop = new AbortController();
    const gone = take(q, clock, 'background', stop.signal);
    const next = take(q, clock, 'background');
    await settle();
    expect(q.queued).toBe(2);
    stop.abort(new Error('torrent stopped'));
    await settle();
    expect(gone.error?.message).toBe('torrent stopped');
    expect(q.queued).toBe(1);
    held.slot!.release();
    clock.advance(1000);
    await settle();
    expect(gone.slot).toBeNull();
    expect(next.slot).not.toBeNull();
    // An already aborted signal never enters the queue.
    const late = take(q, clock, 'urgent', AbortSignal.abort(new Error('already')));
    await settle();
    expect(late.error?.message).toBe('already');
    q.close();
  });

  it('takes back a slot held past its timeout, aborting its request', async () => {
    const { clock, q } = queue({ maxInFlight: 1, slotTimeoutMs: 30_000 });
    const stuck = take(q, clock, 'urgent');
    const next = take(q, clock, 'urgent');
    await settle();
    expect(stuck.slot).not.toBeNull();
    clock.advance(29_999);
    await settle();
    expect(stuck.slot!.signal.aborted).toBe(false);
    expect(next.slot).toBeNull();
    clock.advance(1);
    await settle();
    expect(stuck.slot!.signal.aborted).toBe(true);
    expect(String((stuck.slot!.signal.reason as Error).message)).toMatch(/no answer within 30000/);
    expect(next.slot).not.toBeNull();
    expect(q.inFlight).toBe(1);
    stuck.slot!.release(); // late: changes nothing
    expect(q.inFlight).toBe(1);
    q.close();
  });

  it('follows a changed cap', async () => {
    const { clock, q } = queue({ maxInFlight: 1 });
    const all = Array.from({ length: 5 }, () => take(q, clock, 'urgent'));
    await settle();
    expect(q.inFlight).toBe(1);
    q.setMaxInFlight(4);
    await settle();
    expect(all.filter((r) => r.slot).length).toBe(4);
    q.close();
  });

  it('rejects every waiter, aborts held slots and leaves no timer when closed', async () => {
    const { clock, q } = queue({ maxInFlight: 3, backgroundPerSec: 1 });
    const held = [take(q, clock, 'background'), take(q, clock, 'stopped')];
    const paced = take(q, clock, 'background'); // waits on the pace timer
    await settle();
    expect(held.every((r) => r.slot)).toBe(true);
    expect(paced.slot).toBeNull();
    expect(clock.pending).toBe(3); // two slot timeouts and the pace timer
    q.close();
    await settle();
    expect(paced.error).toBeInstanceOf(AnnounceQueueClosedError);
    expect(held.every((r) => r.slot!.signal.aborted)).toBe(true);
    expect(clock.pending).toBe(0);
    const after = take(q, clock, 'urgent');
    await settle();
    expect(after.error).toBeInstanceOf(AnnounceQueueClosedError);
  });
});
