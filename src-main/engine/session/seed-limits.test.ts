import { describe, expect, it } from 'vitest';
import { defaultTorrentLimits, type TorrentLimits } from '../../../src-shared/model';
import { seedLimitReached } from './seed-limits';

const global = { seedRatioLimit: 0, seedLimitAction: 'pause' as const };
const input = (
  limits: Partial<TorrentLimits>,
  extra: Partial<Parameters<typeof seedLimitReached>[0]> = {},
) => ({
  limits: { ...defaultTorrentLimits, ...limits },
  global,
  ratio: 0,
  seedingSince: 0,
  now: 0,
  ...extra,
});

describe('seedLimitReached (issue 21)', () => {
  it('acts when the torrent reaches its own ratio limit, with its own action', () => {
    expect(seedLimitReached(input({ ratioLimit: 2, onLimit: 'remove' }, { ratio: 1.99 }))).toBe(
      null,
    );
    expect(seedLimitReached(input({ ratioLimit: 2, onLimit: 'remove' }, { ratio: 2 }))).toBe(
      'remove',
    );
  });

  it('uses the global ratio limit and action when the torrent has none', () => {
    const g = { seedRatioLimit: 1.5, seedLimitAction: 'remove' as const };
    expect(seedLimitReached(input({}, { global: g, ratio: 1.5 }))).toBe('remove');
    expect(seedLimitReached(input({}, { global: g, ratio: 1.4 }))).toBe(null);
  });

  it("a torrent's own 0 means no ratio limit, even under a global one", () => {
    const g = { seedRatioLimit: 1, seedLimitAction: 'pause' as const };
    expect(seedLimitReached(input({ ratioLimit: 0 }, { global: g, ratio: 50 }))).toBe(null);
  });

  it('stops after the seeding-time limit on the clock', () => {
    const since = 1_000_000;
    const limits = { seedTimeLimitMin: 30 };
    expect(
      seedLimitReached(input(limits, { seedingSince: since, now: since + 30 * 60_000 - 1 })),
    ).toBe(null);
    expect(seedLimitReached(input(limits, { seedingSince: since, now: since + 30 * 60_000 }))).toBe(
      'pause',
    );
  });

  it('never acts on a torrent that is not seeding', () => {
    expect(seedLimitReached(input({ ratioLimit: 1 }, { ratio: 5, seedingSince: null }))).toBe(null);
  });
});
