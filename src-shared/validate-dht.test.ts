import { describe, expect, it } from 'vitest';
import { validateRequest } from './validate';

describe('settings.set: the DHT settings (issue 17)', () => {
  it('are validated at the host boundary', () => {
    expect(
      validateRequest('settings.set', {
        dhtEnabled: false,
        dhtBootstrap: ['a.org:1', '127.0.0.1:2'],
      }),
    ).toEqual({ dhtEnabled: false, dhtBootstrap: ['a.org:1', '127.0.0.1:2'] });
    expect(validateRequest('settings.set', { dhtBootstrap: [] })).toEqual({ dhtBootstrap: [] });
    expect(() => validateRequest('settings.set', { dhtEnabled: 'yes' })).toThrow(/dhtEnabled/);
    expect(() => validateRequest('settings.set', { dhtBootstrap: 'a.org:1' })).toThrow(/list/);
    expect(() => validateRequest('settings.set', { dhtBootstrap: ['a.org'] })).toThrow(
      /dhtBootstrap\[0\]/,
    );
    expect(() => validateRequest('settings.set', { dhtBootstrap: [7] })).toThrow(/host:port/);
    const many = Array.from({ length: 33 }, (_, i) => `n${i}.org:1`);
    expect(() => validateRequest('settings.set', { dhtBootstrap: many })).toThrow(/at most 32/);
  });
});
