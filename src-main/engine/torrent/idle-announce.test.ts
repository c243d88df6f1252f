import { describe, expect, it } from 'vitest';
import { IdleSeedAnnounce } from './idle-announce';

const T0 = 1_000_000;

describe('IdleSeedAnnounce', () => {
  it('asks again while seeding to too few peers', () => {
    expect(new IdleSeedAnnounce(20, 2).due(T0, true, 1, T0 - 20)).toBe(true);
  });

  it('does not ask while downloading or with enough peers', () => {
    const idle = new IdleSeedAnnounce(20, 2);
    expect(idle.due(T0, false, 0, T0 - 20)).toBe(false);
    expect(idle.due(T0, true, 2, T0 - 20)).toBe(false);
  });

  it('asks at most once a period', () => {
    const idle = new IdleSeedAnnounce(20, 2);
    expect(idle.due(T0, true, 0, T0 - 20)).toBe(true);
    expect(idle.due(T0 + 19, true, 0, T0 - 20)).toBe(false);
    expect(idle.due(T0 + 20, true, 0, T0 - 20)).toBe(true);
  });

  it('waits a period after seeding began', () => {
    const idle = new IdleSeedAnnounce(20, 2);
    expect(idle.due(T0, true, 0, T0 - 5)).toBe(false);
    expect(idle.due(T0 + 20, true, 0, T0 - 5)).toBe(true);
  });
});
