import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../../src-shared/model';
import { toForm, toPatch, trackerNeedsRestart, trackerAction } from './settings-form';

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

// --- settings apply on Save (issue 21) ---
describe('the tracker switch acts on Save only (issue 21)', () => {
  it('shows the saved state of the switch and keeps it out of the settings patch', () => {
    const on = { ...current, tracker: { ...current.tracker, enabled: true } };
    expect(toForm(current).trackerEnabled).toBe(false);
    expect(toForm(on).trackerEnabled).toBe(true);
    expect(toPatch({ ...toForm(current), trackerEnabled: true }, current)).toEqual({
      patch: {},
      errors: null,
    });
  });

  it('starts, stops or restarts the tracker from the switch and the saved patch', () => {
    expect(trackerAction(true, false, {})).toBe('start');
    expect(trackerAction(false, true, {})).toBe('stop');
    expect(trackerAction(true, true, { tracker: { httpPort: 7000 } })).toBe('restart');
    expect(trackerAction(true, true, { logLevel: 'debug' })).toBeNull();
    expect(trackerAction(false, false, { tracker: { httpPort: 7000 } })).toBeNull();
  });
});
