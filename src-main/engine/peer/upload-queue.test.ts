import { describe, expect, it } from 'vitest';
import { UploadQueue } from './upload-queue';

const r = (
  index: number,
  begin = 0,
  length = 16_384,
): { index: number; begin: number; length: number } => ({
  index,
  begin,
  length,
});

describe('UploadQueue rules', () => {
  it('queues a request once and refuses those over the limit', () => {
    const q = new UploadQueue(2);
    expect(q.offer(r(1), false)).toBe('queued');
    expect(q.offer(r(1), false)).toBe('duplicate');
    expect(q.offer(r(2), false)).toBe('queued');
    expect(q.offer(r(3), false)).toBe('full');
    expect(q.size).toBe(2);
    expect(q.refused).toBe(1);
  });

  it('refuses requests while we choke, except for pieces granted allowed-fast', () => {
    const q = new UploadQueue(10);
    q.grantAllowedFast(7);
    expect(q.offer(r(6), true)).toBe('choked');
    expect(q.offer(r(7), true)).toBe('queued');
    expect(q.refused).toBe(1);
  });

  it('answers each request once: take, takeBlock and choke remove it', () => {
    const q = new UploadQueue(10);
    q.offer(r(1), false);
    q.offer(r(2), false);
    expect(q.take(r(1, 0, 100))).toBe(false); // another length: not that request
    expect(q.take(r(1))).toBe(true);
    expect(q.take(r(1))).toBe(false);
    expect(q.takeBlock(2, 0, 16_384)).toBe(true);
    expect(q.takeBlock(2, 0, 16_384)).toBe(false);
  });

  it('our choke drops every request but those for allowed-fast pieces', () => {
    const q = new UploadQueue(10);
    q.grantAllowedFast(3);
    q.offer(r(1), false);
    q.offer(r(3), false);
    expect(q.choke()).toEqual([r(1)]);
    expect(q.size).toBe(1);
  });

  it('a choke or unchoke of ours resets the refusal count', () => {
    const q = new UploadQueue(1);
    q.offer(r(1), false);
    q.offer(r(2), false);
    q.offer(r(3), true);
    expect(q.refused).toBe(2);
    q.resetRefused();
    expect(q.refused).toBe(0);
  });
});
