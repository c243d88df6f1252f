import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../../src-shared/model';
import { toForm, toPatch } from './settings-form';

const current = defaultSettings('/home/me/Downloads');

describe('settings form: the Connection section (issues 18, 21)', () => {
  it('sends a new interface (trimmed) and the random-port switch', () => {
    const form = { ...toForm(current), listenInterface: ' ::1 ', randomPortOnStart: true };
    expect(toPatch(form, current)).toEqual({
      patch: { listenInterface: '::1', randomPortOnStart: true },
      errors: null,
    });
  });

  it('sends nothing for an untouched interface, and empty means every interface', () => {
    const on = { ...current, listenInterface: '127.0.0.1' };
    expect(toPatch(toForm(on), on)).toEqual({ patch: {}, errors: null });
    expect(toPatch({ ...toForm(on), listenInterface: '' }, on).patch).toEqual({
      listenInterface: '',
    });
  });

  it('refuses a name or a port in the interface field', () => {
    for (const bad of ['localhost', '127.0.0.1:6881', '[::1]']) {
      const out = toPatch({ ...toForm(current), listenInterface: bad }, current);
      expect(out.errors).toEqual({
        listenInterface: 'An IPv4 or IPv6 address, or empty for every interface',
      });
    }
  });
});
