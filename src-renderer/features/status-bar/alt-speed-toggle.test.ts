import { describe, expect, it } from 'vitest';
import { altSpeedTogglePatch, altSpeedToggleView } from './alt-speed-toggle';

const schedule = { enabled: true, from: '08:00', to: '20:00', days: [1, 2] as (1 | 2)[] };
const off = { active: false, bySchedule: false, downloadLimitBps: 0, uploadLimitBps: 0 };
const manual = { active: true, bySchedule: false, downloadLimitBps: 51_200, uploadLimitBps: 0 };
const scheduled = { ...manual, bySchedule: true };

describe('the status bar turtle (issue 21)', () => {
  it('is pressed while the alt limits are in force, and shows them', () => {
    expect(altSpeedToggleView(off)).toMatchObject({ pressed: false, text: '' });
    expect(altSpeedToggleView(manual)).toMatchObject({
      pressed: true,
      text: '↓ 50.0 KiB/s ↑ unlimited',
    });
    expect(altSpeedToggleView(scheduled).title).toMatch(/by schedule.*pause the schedule/);
    expect(altSpeedToggleView(undefined).pressed).toBe(false);
  });

  it('turns on, turns off, and pauses the schedule when only it holds them on', () => {
    const settings = { altSpeedEnabled: false, altSpeedSchedule: schedule };
    expect(altSpeedTogglePatch(off, settings)).toEqual({ altSpeedEnabled: true });
    expect(altSpeedTogglePatch(manual, { ...settings, altSpeedEnabled: true })).toEqual({
      altSpeedEnabled: false,
    });
    expect(altSpeedTogglePatch(scheduled, settings)).toEqual({
      altSpeedEnabled: false,
      altSpeedSchedule: { ...schedule, enabled: false },
    });
  });
});
