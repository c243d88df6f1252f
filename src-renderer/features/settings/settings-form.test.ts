import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../../src-shared/model';
import { toForm, toPatch, trackerNeedsRestart } from './settings-form';

const current = { ...defaultSettings('/home/me/Downloads'), uploadLimitBps: 512 * 1024 };

describe('settings form', () => {
  it('shows rates in KiB/s and saves an untouched form as an empty patch', () => {
    const form = toForm(current);
    expect(form.uploadLimitKiB).toBe('512');
    expect(form.downloadLimitKiB).toBe('0');
    expect(toPatch(form, current)).toEqual({ patch: {}, errors: null });
  });

  it('sends only what changed, rates in bytes per second', () => {
    const form = {
      ...toForm(current),
      downloadLimitKiB: '2048',
      listenPort: ' 51413 ',
      trackerMode: 'open' as const,
      trackerHttpPort: '7070',
    };
    const { patch } = toPatch(form, current);
    expect(patch).toEqual({
      listenPort: 51413,
      downloadLimitBps: 2048 * 1024,
      tracker: { httpPort: 7070, mode: 'open' },
    });
    expect(trackerNeedsRestart(patch!)).toBe(true);
    expect(trackerNeedsRestart({ listenPort: 1 })).toBe(false);
  });

  it('switches PEX and LSD off and on (issue 17)', () => {
    expect(toForm(current)).toMatchObject({ pexEnabled: true, lsdEnabled: true });
    const off = toPatch({ ...toForm(current), pexEnabled: false, lsdEnabled: false }, current);
    expect(off.patch).toEqual({ pexEnabled: false, lsdEnabled: false });
    const lsdOnly = { ...current, pexEnabled: false, lsdEnabled: false };
    expect(toPatch({ ...toForm(lsdOnly), lsdEnabled: true }, lsdOnly).patch).toEqual({
      lsdEnabled: true,
    });
  });

  it('sends the peer transports when changed (uTP, issue 18)', () => {
    expect(current.transports).toBe('both');
    const { patch } = toPatch({ ...toForm(current), transports: 'tcp' }, current);
    expect(patch).toEqual({ transports: 'tcp' });
  });

  it('names each bad field', () => {
    const form = {
      ...toForm(current),
      listenPort: '70000',
      maxConnections: 'many',
      downloadDir: '  ',
      trackerHttp: false,
      trackerUdp: false,
      trackerHost: '',
    };
    expect(toPatch(form, current)).toEqual({
      patch: null,
      errors: {
        listenPort: 'Between 1 and 65535',
        maxConnections: 'Enter a whole number',
        downloadDir: 'Choose a folder',
        trackerHost: 'Enter an address, e.g. 0.0.0.0',
        trackerHttp: 'Enable HTTP, UDP or both',
      },
    });
  });

  // --- encryption, MSE/PE (issue 18) ---
  it('shows the encryption policy and saves a change of it alone', () => {
    const form = toForm(current);
    expect(form.encryption).toBe('prefer');
    expect(toPatch({ ...form, encryption: 'require' }, current)).toEqual({
      patch: { encryption: 'require' },
      errors: null,
    });
  });
});

// --- theme (issue 19) ---
describe('settings form: theme (issue 19)', () => {
  it('shows the theme and saves a change of it alone', () => {
    const form = toForm(current);
    expect(form.theme).toBe('system');
    expect(toPatch({ ...form, theme: 'dark' }, current)).toEqual({
      patch: { theme: 'dark' },
      errors: null,
    });
    expect(toPatch(form, current)).toEqual({ patch: {}, errors: null });
  });
});
