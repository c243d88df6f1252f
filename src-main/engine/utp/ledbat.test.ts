/**
 * The congestion window against recorded delay traces (issue 18). A trace is one ack per entry:
 * the time it arrived and the one-way delay the remote measured; the sender keeps its window full.
 * The base delay of each trace is a large arbitrary clock offset, as between two real hosts.
 */
import { describe, expect, it } from 'vitest';
import {
  INITIAL_TIMEOUT_MS,
  Ledbat,
  MAX_CWND_INCREASE_BYTES_PER_RTT,
  MIN_TIMEOUT_MS,
  MIN_WINDOW_BYTES,
  PACKET_PAYLOAD_BYTES,
  TARGET_DELAY_US,
} from './ledbat';

/** The other host's clock is this far ahead of ours (microseconds, modulo 2^32). */
const OFFSET_US = 3_000_000_000;

interface TracePoint {
  atMs: number;
  delayUs: number;
}

/** One ack per packet every `stepMs`, delays from `delayAt`. */
function trace(n: number, stepMs: number, delayAt: (i: number) => number): TracePoint[] {
  return Array.from({ length: n }, (_, i) => ({ atMs: i * stepMs, delayUs: delayAt(i) }));
}

function play(l: Ledbat, points: TracePoint[], windowFull = true): number[] {
  const windows: number[] = [];
  for (const p of points) {
    l.onAck({
      nowMs: p.atMs,
      ackedBytes: PACKET_PAYLOAD_BYTES,
      delaySampleUs: (OFFSET_US + p.delayUs) >>> 0,
      windowFull,
    });
    windows.push(l.cwnd);
  }
  return windows;
}

/** A steady window out of slow start, as after the first loss. */
function steady(cwnd: number): Ledbat {
  const l = new Ledbat();
  // Teach it the base delay (20 ms), then leave slow start at a known window.
  play(l, [{ atMs: 0, delayUs: 20_000 }]);
  l.slowStart = false;
  l.cwnd = cwnd;
  return l;
}

describe('LEDBAT', () => {
  it('slow start doubles the window per round trip while the delay stays low', () => {
    const l = new Ledbat();
    const start = l.cwnd;
    // Two windows' worth of acks at 20 ms of constant delay.
    play(
      l,
      trace(start / PACKET_PAYLOAD_BYTES, 1, () => 20_000),
    );
    expect(l.cwnd).toBe(2 * start);
    expect(l.slowStart).toBe(true);
  });

  it('constant low delay: the window grows by up to 3000 bytes a round trip', () => {
    const l = steady(20 * PACKET_PAYLOAD_BYTES);
    const before = l.cwnd;
    // One round trip: a window's worth of acks, queuing delay zero.
    const windows = play(
      l,
      trace(20, 5, () => 20_000),
    );
    expect(windows.every((w, i) => i === 0 || w > (windows[i - 1] as number))).toBe(true);
    const grown = l.cwnd - before;
    expect(grown).toBeGreaterThan(0.9 * MAX_CWND_INCREASE_BYTES_PER_RTT);
    expect(grown).toBeLessThanOrEqual(MAX_CWND_INCREASE_BYTES_PER_RTT);
  });

  it('does not grow a window it is not using, but still shrinks it', () => {
    const l = steady(20 * PACKET_PAYLOAD_BYTES);
    play(
      l,
      trace(20, 5, () => 20_000),
      false,
    );
    expect(l.cwnd).toBe(20 * PACKET_PAYLOAD_BYTES);
    play(
      l,
      trace(20, 5, () => 20_000 + 2 * TARGET_DELAY_US),
      false,
    );
    expect(l.cwnd).toBeLessThan(20 * PACKET_PAYLOAD_BYTES);
  });

  it('delay above the target: the window shrinks, faster the further above', () => {
    const a = steady(40 * PACKET_PAYLOAD_BYTES);
    const b = steady(40 * PACKET_PAYLOAD_BYTES);
    // A queue builds: 150 ms and 300 ms over a 20 ms base.
    play(
      a,
      trace(40, 5, () => 20_000 + 150_000),
    );
    play(
      b,
      trace(40, 5, () => 20_000 + 300_000),
    );
    expect(a.cwnd).toBeLessThan(40 * PACKET_PAYLOAD_BYTES);
    expect(b.cwnd).toBeLessThan(a.cwnd);
    expect(a.queuingDelayUs).toBe(150_000);
  });

  it('settles near the target: a rising queue turns growth into shrinking', () => {
    const l = steady(30 * PACKET_PAYLOAD_BYTES);
    // The queue grows 5 ms per ack from nothing to 200 ms (a bottleneck filling up).
    const windows = play(
      l,
      trace(40, 5, (i) => 20_000 + i * 5_000),
    );
    const peak = Math.max(...windows);
    const peakAt = windows.indexOf(peak);
    // It grew while under 100 ms of queue, and shrank after.
    expect(peakAt).toBeGreaterThan(15);
    expect(peakAt).toBeLessThan(25);
    expect(windows[windows.length - 1]).toBeLessThan(peak);
  });

  it('the base delay forgets samples older than its history', () => {
    const l = new Ledbat();
    play(l, [{ atMs: 0, delayUs: 5_000 }]);
    expect(l.baseDelayUs).toBe((OFFSET_US + 5_000) >>> 0);
    // The route changed: delays are 50 ms from now on; after two minutes that is the base.
    play(
      l,
      trace(5, 60_000, () => 50_000).map((p) => ({ ...p, atMs: p.atMs + 60_000 })),
    );
    expect(l.baseDelayUs).toBe((OFFSET_US + 50_000) >>> 0);
  });

  it('loss halves the window and ends slow start', () => {
    const l = new Ledbat();
    play(
      l,
      trace(10, 1, () => 20_000),
    );
    const before = l.cwnd;
    l.onLoss();
    expect(l.cwnd).toBe(before / 2);
    expect(l.slowStart).toBe(false);
    // Never below one packet.
    for (let i = 0; i < 20; i++) l.onLoss();
    expect(l.cwnd).toBe(MIN_WINDOW_BYTES);
  });

  it('a timeout resets the window to the minimum and doubles the timeout', () => {
    const l = steady(50 * PACKET_PAYLOAD_BYTES);
    expect(l.timeoutMs).toBe(INITIAL_TIMEOUT_MS);
    l.onTimeout();
    expect(l.cwnd).toBe(MIN_WINDOW_BYTES);
    expect(l.timeoutMs).toBe(2 * INITIAL_TIMEOUT_MS);
  });

  it('estimates the round trip and timeout as BEP 29 says', () => {
    const l = new Ledbat();
    l.onRttSample(100);
    expect(l.rttMs).toBe(100);
    // 100 + 4 x 50 = 300 ms, below the floor.
    expect(l.timeoutMs).toBe(MIN_TIMEOUT_MS);
    l.onRttSample(1_000);
    // rtt_var: 50 + (900 - 50) / 4 = 262.5; rtt: 100 + 900 / 8 = 212.5.
    expect(l.rttVarMs).toBe(262.5);
    expect(l.rttMs).toBe(212.5);
    expect(l.timeoutMs).toBe(212.5 + 4 * 262.5);
  });
});
