import { describe, expect, it } from 'vitest';
import { defaultSettings, type AltSpeedSchedule, type Settings } from '../../../src-shared/model';
import { ManualClock } from '../time/clock';
import { TokenBucket } from '../net/token-bucket';
import { AltSpeed, effectiveLimits, inScheduleWindow } from './alt-speed';

/** A local-time instant; 7 December 2026 is a Monday, so day d of that week is 6 + d. */
function at(weekday: number, hh: number, mm: number, ss = 0): number {
  const date = weekday === 0 ? 13 : 6 + weekday; // Sunday ends the week (the 13th)
  return new Date(2026, 11, date, hh, mm, ss).getTime();
}
const MON = 1;
const FRI = 5;
const SAT = 6;
const SUN = 0;

function schedule(patch: Partial<AltSpeedSchedule>): AltSpeedSchedule {
  return { enabled: true, from: '08:00', to: '20:00', days: [1, 2, 3, 4, 5], ...patch };
}

function settings(patch: Partial<Settings>): Settings {
  return {
    ...defaultSettings('/tmp/x'),
    downloadLimitBps: 1_000_000,
    uploadLimitBps: 500_000,
    altDownloadLimitBps: 50_000,
    altUploadLimitBps: 20_000,
    ...patch,
  };
}

describe('inScheduleWindow (issue 21)', () => {
  it('holds from "from" up to, not including, "to" on the chosen days', () => {
    const s = schedule({});
    expect(new Date(at(MON, 12, 0)).getDay()).toBe(1);
    expect(new Date(at(SUN, 12, 0)).getDay()).toBe(0);
    expect(inScheduleWindow(s, at(MON, 7, 59, 59))).toBe(false);
    expect(inScheduleWindow(s, at(MON, 8, 0))).toBe(true);
    expect(inScheduleWindow(s, at(MON, 19, 59, 59))).toBe(true);
    expect(inScheduleWindow(s, at(MON, 20, 0))).toBe(false);
    expect(inScheduleWindow(s, at(FRI, 12, 0))).toBe(true);
    expect(inScheduleWindow(s, at(SAT, 12, 0))).toBe(false);
    expect(inScheduleWindow(s, at(SUN, 12, 0))).toBe(false);
  });

  it('crosses midnight into the day after the one it starts on', () => {
    const s = schedule({ from: '22:00', to: '06:00', days: [FRI] });
    expect(inScheduleWindow(s, at(FRI, 21, 59))).toBe(false);
    expect(inScheduleWindow(s, at(FRI, 22, 0))).toBe(true);
    expect(inScheduleWindow(s, at(FRI, 23, 59))).toBe(true);
    expect(inScheduleWindow(s, at(SAT, 0, 0))).toBe(true);
    expect(inScheduleWindow(s, at(SAT, 5, 59))).toBe(true);
    expect(inScheduleWindow(s, at(SAT, 6, 0))).toBe(false);
    // Friday's early hours belong to Thursday's window, which is not chosen.
    expect(inScheduleWindow(s, at(FRI, 3, 0))).toBe(false);
    expect(inScheduleWindow(s, at(SAT, 22, 30))).toBe(false);
    // Saturday night's window runs into Sunday.
    const weekend = schedule({ from: '23:00', to: '01:00', days: [SAT] });
    expect(inScheduleWindow(weekend, at(SUN, 0, 30))).toBe(true);
    expect(inScheduleWindow(weekend, at(MON, 0, 30))).toBe(false);
  });

  it('takes the whole day when from equals to, and never holds when off or malformed', () => {
    const allDay = schedule({ from: '00:00', to: '00:00', days: [SAT, SUN] });
    expect(inScheduleWindow(allDay, at(SAT, 0, 0))).toBe(true);
    expect(inScheduleWindow(allDay, at(SUN, 23, 59))).toBe(true);
    expect(inScheduleWindow(allDay, at(MON, 0, 0))).toBe(false);
    expect(inScheduleWindow(schedule({ enabled: false }), at(MON, 12, 0))).toBe(false);
    expect(inScheduleWindow(schedule({ from: '8:00' }), at(MON, 12, 0))).toBe(false);
    expect(inScheduleWindow(schedule({ to: '24:00' }), at(MON, 12, 0))).toBe(false);
    expect(inScheduleWindow(schedule({ days: [] }), at(MON, 12, 0))).toBe(false);
    const broken = { enabled: true, from: '08:00', to: '20:00' } as unknown as AltSpeedSchedule;
    expect(inScheduleWindow(broken, at(MON, 12, 0))).toBe(false);
  });
});

describe('effectiveLimits (issue 21)', () => {
  it('gives the normal limits, the alt ones while toggled on, and while the schedule holds', () => {
    const off = settings({});
    expect(effectiveLimits(off, at(MON, 12, 0))).toEqual({
      active: false,
      bySchedule: false,
      downloadLimitBps: 1_000_000,
      uploadLimitBps: 500_000,
    });
    expect(effectiveLimits(settings({ altSpeedEnabled: true }), at(MON, 12, 0))).toEqual({
      active: true,
      bySchedule: false,
      downloadLimitBps: 50_000,
      uploadLimitBps: 20_000,
    });
    const scheduled = settings({ altSpeedSchedule: schedule({}) });
    expect(effectiveLimits(scheduled, at(MON, 12, 0))).toEqual({
      active: true,
      bySchedule: true,
      downloadLimitBps: 50_000,
      uploadLimitBps: 20_000,
    });
    expect(effectiveLimits(scheduled, at(MON, 21, 0)).active).toBe(false);
    expect(effectiveLimits(scheduled, at(MON, 21, 0)).downloadLimitBps).toBe(1_000_000);
    // Toggled on inside the window: on, and not only by the schedule.
    const both = settings({ altSpeedEnabled: true, altSpeedSchedule: schedule({}) });
    expect(effectiveLimits(both, at(MON, 12, 0)).bySchedule).toBe(false);
    // An alt limit of 0 is "unlimited", as the normal ones.
    const unlimited = settings({ altSpeedEnabled: true, altDownloadLimitBps: 0 });
    expect(effectiveLimits(unlimited, at(MON, 12, 0)).downloadLimitBps).toBe(0);
  });
});

describe('AltSpeed: the global buckets follow the schedule on the clock (issue 21)', () => {
  it('switches at the window edges, on the minute, and stops cleanly', () => {
    const clock = new ManualClock(at(MON, 7, 58, 30));
    let current = settings({ altSpeedSchedule: schedule({}) });
    const down = new TokenBucket(clock, current.downloadLimitBps);
    const up = new TokenBucket(clock, current.uploadLimitBps);
    const switched: boolean[] = [];
    const alt = new AltSpeed({
      clock,
      settings: () => current,
      down,
      up,
      switched: (s) => switched.push(s.active),
    });
    alt.start();
    expect(down.rateBps).toBe(1_000_000);
    clock.advance(90_000 - 1); // 07:59:59.999
    expect(down.rateBps).toBe(1_000_000);
    expect(switched).toEqual([]);
    clock.advance(1); // 08:00:00
    expect(down.rateBps).toBe(50_000);
    expect(up.rateBps).toBe(20_000);
    expect(alt.status()).toMatchObject({ active: true, bySchedule: true });
    expect(switched).toEqual([true]);
    clock.advance(12 * 60 * 60_000); // 20:00
    expect(down.rateBps).toBe(1_000_000);
    expect(switched).toEqual([true, false]);
    // The toggle, after a settings change: at once, and not reported as the schedule's doing.
    current = { ...current, altSpeedEnabled: true };
    expect(alt.apply()).toMatchObject({ active: true, bySchedule: false });
    expect(up.rateBps).toBe(20_000);
    clock.advance(5 * 60_000);
    expect(switched).toEqual([true, false]);
    alt.stop();
    expect(clock.pending).toBe(0);
  });

  it('applies the limits in force when built (a restart inside the window)', () => {
    const clock = new ManualClock(at(MON, 12, 0));
    const current = settings({ altSpeedSchedule: schedule({}) });
    const down = new TokenBucket(clock, current.downloadLimitBps);
    const up = new TokenBucket(clock, current.uploadLimitBps);
    new AltSpeed({ clock, settings: () => current, down, up, switched: () => {} });
    expect(down.rateBps).toBe(50_000);
    expect(up.rateBps).toBe(20_000);
  });
});
