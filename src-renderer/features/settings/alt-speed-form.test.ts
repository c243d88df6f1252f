import { describe, expect, it } from 'vitest';
import { altSpeedForm, altSpeedPatch, scheduleSummary } from './alt-speed-form';

const saved = {
  altDownloadLimitBps: 100 * 1024,
  altUploadLimitBps: 0,
  altSpeedSchedule: { enabled: true, from: '22:00', to: '06:00', days: [6, 5] as (5 | 6)[] },
};

describe('the alternative speed form (issue 21)', () => {
  it('round-trips the settings in KiB/s, empty for unlimited', () => {
    const form = altSpeedForm(saved);
    expect(form).toEqual({
      downKiB: '100',
      upKiB: '',
      scheduleEnabled: true,
      from: '22:00',
      to: '06:00',
      days: [5, 6],
    });
    expect(altSpeedPatch(form)).toEqual({
      ok: true,
      patch: { ...saved, altSpeedSchedule: { ...saved.altSpeedSchedule, days: [5, 6] } },
    });
  });

  it('refuses what the engine would refuse, with a sentence', () => {
    const form = altSpeedForm(saved);
    expect(altSpeedPatch({ ...form, downKiB: '1.5' })).toMatchObject({ ok: false });
    expect(altSpeedPatch({ ...form, upKiB: '-3' })).toMatchObject({ ok: false });
    expect(altSpeedPatch({ ...form, from: '' })).toMatchObject({ ok: false });
    expect(altSpeedPatch({ ...form, days: [] })).toMatchObject({
      ok: false,
      problem: 'Choose at least one day for the schedule.',
    });
    // With the schedule off, no day is needed.
    expect(altSpeedPatch({ ...form, scheduleEnabled: false, days: [] }).ok).toBe(true);
  });

  it('says the window in words, across midnight too', () => {
    const form = altSpeedForm(saved);
    expect(scheduleSummary(form)).toBe(
      "22:00 to 06:00 the next day, on Fri, Sat (this computer's time).",
    );
    expect(scheduleSummary({ ...form, from: '08:00', to: '08:00' })).toMatch(/^All day/);
    expect(scheduleSummary({ ...form, days: [0, 1, 2, 3, 4, 5, 6] })).toMatch(/every day/);
    expect(scheduleSummary({ ...form, scheduleEnabled: false })).toMatch(/status bar/);
  });
});
