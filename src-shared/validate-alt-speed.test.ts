import { describe, expect, it } from 'vitest';
import { validateRequest } from './validate';

describe('settings.set: the alternative speed limits (issue 21)', () => {
  const ok = { enabled: true, from: '22:00', to: '06:30', days: [5, 6] };
  it('accepts the limits, the toggle and a whole schedule', () => {
    expect(
      validateRequest('settings.set', {
        altDownloadLimitBps: 51_200,
        altUploadLimitBps: 0,
        altSpeedEnabled: true,
        altSpeedSchedule: ok,
      }),
    ).toEqual({
      altDownloadLimitBps: 51_200,
      altUploadLimitBps: 0,
      altSpeedEnabled: true,
      altSpeedSchedule: ok,
    });
    expect(validateRequest('settings.set', { altSpeedSchedule: { ...ok, days: [] } })).toEqual({
      altSpeedSchedule: { ...ok, days: [] },
    });
  });

  it('refuses bad values with the field named', () => {
    const bad = (payload: unknown, re: RegExp) =>
      expect(() => validateRequest('settings.set', payload)).toThrow(re);
    bad({ altDownloadLimitBps: -1 }, /altDownloadLimitBps/);
    bad({ altUploadLimitBps: 1.5 }, /altUploadLimitBps/);
    bad({ altSpeedEnabled: 'on' }, /altSpeedEnabled/);
    bad({ altSpeedSchedule: 'nightly' }, /altSpeedSchedule/);
    bad({ altSpeedSchedule: { ...ok, from: '24:00' } }, /from must be a time/);
    bad({ altSpeedSchedule: { ...ok, to: '6:30' } }, /to must be a time/);
    bad({ altSpeedSchedule: { ...ok, days: [7] } }, /days\[0\]/);
    bad({ altSpeedSchedule: { ...ok, days: [1, 1] } }, /repeat/);
    bad({ altSpeedSchedule: { enabled: true, from: '08:00', to: '20:00' } }, /days is required/);
    bad({ altSpeedSchedule: { ...ok, extra: 1 } }, /extra is not a known field/);
  });
});
