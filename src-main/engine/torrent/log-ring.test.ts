import { describe, expect, it } from 'vitest';
import { LogRing } from './log-ring';

describe('LogRing', () => {
  it('keeps everything, oldest first, until full', () => {
    const ring = new LogRing<number>(3);
    ring.push(1);
    ring.push(2);
    expect(ring.toArray()).toEqual([1, 2]);
  });

  it('drops the oldest once full', () => {
    const ring = new LogRing<number>(3);
    for (let i = 1; i <= 7; i++) ring.push(i);
    expect(ring.toArray()).toEqual([5, 6, 7]);
  });
});
