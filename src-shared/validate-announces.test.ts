import { describe, expect, it } from 'vitest';
import { validateRequest } from './validate';
import { defaultMaxConcurrentAnnounces, defaultSettings } from './model';

describe('settings.set: the announce concurrency (issue 20)', () => {
  it('takes a whole number from 1 to 500, and defaults to 20', () => {
    expect(defaultSettings('/d').maxConcurrentAnnounces).toBe(defaultMaxConcurrentAnnounces);
    expect(defaultMaxConcurrentAnnounces).toBe(20);
    for (const n of [1, 20, 500]) {
      expect(validateRequest('settings.set', { maxConcurrentAnnounces: n })).toEqual({
        maxConcurrentAnnounces: n,
      });
    }
    for (const bad of [0, 501, 2.5, '20', null]) {
      expect(() => validateRequest('settings.set', { maxConcurrentAnnounces: bad })).toThrow(
        /maxConcurrentAnnounces/,
      );
    }
  });
});
