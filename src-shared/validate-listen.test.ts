import { describe, expect, it } from 'vitest';
import { validateRequest } from './validate';

describe('settings.set: listen interface and port (issues 18, 21)', () => {
  it('takes an address, the wildcard, or empty, trimmed', () => {
    expect(
      validateRequest('settings.set', { listenInterface: ' 127.0.0.1 ', randomPortOnStart: true }),
    ).toEqual({ listenInterface: '127.0.0.1', randomPortOnStart: true });
    expect(validateRequest('settings.set', { listenInterface: '' })).toEqual({
      listenInterface: '',
    });
    expect(validateRequest('settings.set', { listenInterface: '::' })).toEqual({
      listenInterface: '::',
    });
  });

  it('refuses names, ports, brackets and non-strings', () => {
    for (const bad of ['localhost', '1.2.3.4:80', '[::1]', '999.1.1.1', 7]) {
      expect(() => validateRequest('settings.set', { listenInterface: bad })).toThrow(
        /listenInterface/,
      );
    }
    expect(() => validateRequest('settings.set', { randomPortOnStart: 1 })).toThrow(
      /randomPortOnStart/,
    );
    expect(() => validateRequest('settings.set', { listenPort: 0 })).toThrow(/listenPort/);
  });

  it('takes [v6]:port DHT bootstrap entries and refuses malformed brackets', () => {
    expect(validateRequest('settings.set', { dhtBootstrap: ['[::1]:6881'] })).toEqual({
      dhtBootstrap: ['[::1]:6881'],
    });
    expect(() => validateRequest('settings.set', { dhtBootstrap: ['[::1:6881'] })).toThrow(
      /dhtBootstrap\[0\]/,
    );
  });
});
