import { describe, expect, it } from 'vitest';
import { BLOCK_BYTES, MAX_LATE_REQUESTS_TRACKED } from '../limits';
import {
  DEFAULT_PEER_REQQ,
  INITIAL_QUEUE_DEPTH,
  MIN_QUEUE_DEPTH,
  REQUEST_QUEUE_SECONDS,
  RequestPipeline,
} from './request-pipeline';

const B = BLOCK_BYTES;
const T0 = 1_000_000;

function pipeline(maxQueueDepth = 500): RequestPipeline {
  return new RequestPipeline({ maxQueueDepth, requestTimeoutMs: 60_000, snubMs: 60_000, now: T0 });
}

const ref = (index: number, n: number): { index: number; begin: number; length: number } => ({
  index,
  begin: n * B,
  length: B,
});

describe('RequestPipeline rules', () => {
  it('keeps a block in flight once', () => {
    const p = pipeline();
    expect(p.add(ref(1, 0), T0)).toBe(true);
    expect(p.add(ref(1, 0), T0)).toBe(false);
    expect(p.size).toBe(1);
    expect(p.has(1, 0)).toBe(true);
  });

  it('matches a block only with the requested length', () => {
    const p = pipeline();
    p.add(ref(1, 0), T0);
    expect(p.onBlock(1, 0, B - 1, T0)).toBe('unrequested');
    expect(p.onBlock(1, 0, B, T0)).toBe('requested');
    expect(p.onBlock(1, 0, B, T0)).toBe('unrequested');
    expect(p.size).toBe(0);
  });

  it('accepts the block of a cancelled request once, as late', () => {
    const p = pipeline();
    p.add(ref(2, 3), T0);
    expect(p.cancel(2, 3 * B, B)).toBe(true);
    expect(p.cancel(2, 3 * B, B)).toBe(false);
    expect(p.onBlock(2, 3 * B, B, T0)).toBe('late');
    expect(p.onBlock(2, 3 * B, B, T0)).toBe('unrequested');
  });

  it('a reject of a request we gave up on forgets it: its block will not come', () => {
    const p = pipeline();
    p.add(ref(2, 0), T0);
    p.add(ref(2, 1), T0);
    expect(p.onReject(2, 0, B)).toBe(true);
    p.cancel(2, B, B);
    expect(p.onReject(2, B, B)).toBe(false);
    expect(p.onBlock(2, B, B, T0)).toBe('unrequested');
  });

  it('a BEP 3 choke drops every request, remembered as late', () => {
    const p = pipeline();
    p.add(ref(4, 0), T0);
    p.add(ref(4, 1), T0);
    expect(p.dropAll()).toEqual([ref(4, 0), ref(4, 1)]);
    expect(p.size).toBe(0);
    expect(p.onBlock(4, B, B, T0)).toBe('late');
  });

  it('remembers at most MAX_LATE_REQUESTS_TRACKED late requests, forgetting the oldest', () => {
    const p = pipeline();
    for (let i = 0; i <= MAX_LATE_REQUESTS_TRACKED; i++) {
      p.add(ref(i, 0), T0);
      p.cancel(i, 0, B);
    }
    expect(p.onBlock(0, 0, B, T0)).toBe('unrequested');
    expect(p.onBlock(MAX_LATE_REQUESTS_TRACKED, 0, B, T0)).toBe('late');
  });

  it('expires requests past the timeout, but waits three times as long while blocks flow', () => {
    const p = pipeline();
    p.add(ref(1, 0), T0);
    p.add(ref(1, 1), T0);
    p.add(ref(1, 2), T0);
    // A block 50 s in: the others are queued behind, not lost.
    expect(p.onBlock(1, 0, B, T0 + 50_000)).toBe('requested');
    expect(p.expire(T0 + 61_000)).toEqual([]);
    // No progress for over half the timeout: given up.
    expect(p.expire(T0 + 81_000)).toEqual([ref(1, 1), ref(1, 2)]);
    expect(p.onBlock(1, B, B, T0 + 82_000)).toBe('late');
  });

  it('a peer with requests pending and no block for snubMs is snubbed; a block clears it', () => {
    const p = pipeline();
    expect(p.tick(T0 + 120_000, 0)).toBe(false); // nothing pending: not snubbing
    p.add(ref(1, 0), T0 + 120_000);
    p.add(ref(1, 1), T0 + 120_000);
    expect(p.tick(T0 + 179_000, 0)).toBe(false);
    expect(p.tick(T0 + 180_000, 0)).toBe(true);
    expect(p.tick(T0 + 181_000, 0)).toBe(false); // reported once
    expect(p.snubbed).toBe(true);
    expect(p.desiredDepth(10_000_000)).toBe(1);
    p.onBlock(1, 0, B, T0 + 182_000);
    expect(p.snubbed).toBe(false);
  });

  it('slow start: begins at INITIAL_QUEUE_DEPTH and grows by one per block', () => {
    const p = pipeline();
    expect(p.desiredDepth(0)).toBe(INITIAL_QUEUE_DEPTH);
    for (let i = 0; i < 5; i++) {
      p.add(ref(1, i), T0);
      p.onBlock(1, i * B, B, T0);
    }
    expect(p.desiredDepth(0)).toBe(INITIAL_QUEUE_DEPTH + 5);
  });

  it('slow start ends when a tick no longer raises the rate by 10 %, then depth follows the rate', () => {
    const p = pipeline();
    p.add(ref(1, 0), T0);
    p.onBlock(1, 0, B, T0);
    p.tick(T0 + 1_000, 1_000_000);
    p.add(ref(1, 1), T0);
    p.onBlock(1, B, B, T0);
    p.tick(T0 + 2_000, 1_050_000); // +5 %: slow start is over
    expect(p.desiredDepth(0)).toBe(MIN_QUEUE_DEPTH);
    const rate = 100 * B;
    expect(p.desiredDepth(rate)).toBe(100 * REQUEST_QUEUE_SECONDS);
  });

  it("is capped by the peer's reqq and by our ceiling", () => {
    const p = pipeline(300);
    const fast = 1_000 * B;
    expect(p.desiredDepth(fast)).toBe(DEFAULT_PEER_REQQ);
    p.peerReqq = 4_000;
    expect(p.desiredDepth(fast)).toBe(300);
  });

  it('clear forgets everything and says how many were in flight', () => {
    const p = pipeline();
    p.add(ref(1, 0), T0);
    p.add(ref(1, 1), T0);
    p.cancel(1, 0, B);
    expect(p.clear()).toBe(1);
    expect(p.onBlock(1, 0, B, T0)).toBe('unrequested');
  });
});
