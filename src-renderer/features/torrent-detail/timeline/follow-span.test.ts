import { describe, expect, it } from 'vitest';
import type { TimelineLaneData } from '../../../../src-shared/timeline-delta';
import { firstOpenedAt, followSpan, minFitSpanMs } from './follow-span';

function lane(openedAt: number): TimelineLaneData {
  return {
    meta: {
      id: openedAt,
      address: '127.0.0.1',
      port: 6881,
      client: 'x',
      transport: 'tcp',
      encrypted: false,
      incoming: false,
      openedAt,
      closedAt: null,
      closeReason: null,
    },
    rows: new Float64Array(0),
    count: 0,
  };
}

describe('the Timeline fits a young history while following', () => {
  it('finds the oldest lane', () => {
    expect(firstOpenedAt([])).toBeNull();
    expect(firstOpenedAt([lane(5_000), lane(2_000), lane(9_000)])).toBe(2_000);
  });

  it('shows the whole history with room before it, not two minutes of empty axis', () => {
    // 60 s of history: 66 s shown, so the lanes fill the view.
    expect(followSpan(120_000, 1_000_000, 1_060_000)).toBe(66_000);
  });

  it('never fits below the shortest view, nor beyond the opening span', () => {
    expect(followSpan(120_000, 1_000_000, 1_005_000)).toBe(minFitSpanMs);
    expect(followSpan(120_000, null, 1_000_000)).toBe(minFitSpanMs);
    expect(followSpan(120_000, 1_000_000, 1_000_000 + 600_000)).toBe(120_000);
    // A span shorter than the shortest fit (the user zoomed in) is kept.
    expect(followSpan(10_000, 1_000_000, 1_060_000)).toBe(10_000);
  });
});
