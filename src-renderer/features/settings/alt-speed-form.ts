/**
 * The Settings' alternative speed section (issue 21) as form fields, to and from the
 * `settings.set` patch: limits in KiB/s (empty or 0 = unlimited), and the weekly schedule.
 */
import type { AltSpeedSchedule, Settings, Weekday } from '../../../src-shared/model';
import { parseClockTime } from '../../../src-shared/model';

const KiB = 1024;
/** The largest limit the form takes, in KiB/s (about 100 GiB/s): beyond any real link. */
const maxKiB = 100 * 1024 * 1024;

export interface AltSpeedForm {
  downKiB: string;
  upKiB: string;
  scheduleEnabled: boolean;
  from: string;
  to: string;
  days: Weekday[];
}

export type AltSpeedPatch = Pick<
  Settings,
  'altDownloadLimitBps' | 'altUploadLimitBps' | 'altSpeedSchedule'
>;

/** Monday first, as people read a week; the values are `Date.getDay` numbers. */
export const weekdayChoices: readonly { day: Weekday; short: string; name: string }[] = [
  { day: 1, short: 'Mon', name: 'Monday' },
  { day: 2, short: 'Tue', name: 'Tuesday' },
  { day: 3, short: 'Wed', name: 'Wednesday' },
  { day: 4, short: 'Thu', name: 'Thursday' },
  { day: 5, short: 'Fri', name: 'Friday' },
  { day: 6, short: 'Sat', name: 'Saturday' },
  { day: 0, short: 'Sun', name: 'Sunday' },
];

export function altSpeedForm(s: AltSpeedPatch): AltSpeedForm {
  const kib = (bps: number) => (bps > 0 ? String(Math.round(bps / KiB)) : '');
  return {
    downKiB: kib(s.altDownloadLimitBps),
    upKiB: kib(s.altUploadLimitBps),
    scheduleEnabled: s.altSpeedSchedule.enabled,
    from: s.altSpeedSchedule.from,
    to: s.altSpeedSchedule.to,
    days: [...s.altSpeedSchedule.days].sort(),
  };
}

export function altSpeedPatch(
  f: AltSpeedForm,
): { ok: true; patch: AltSpeedPatch } | { ok: false; problem: string } {
  const rate = (text: string, what: string): number | string => {
    const t = text.trim();
    if (t === '') return 0;
    if (!/^\d+$/.test(t) || Number(t) > maxKiB)
      return `${what} is a whole number of KiB/s (empty for unlimited).`;
    return Number(t) * KiB;
  };
  const down = rate(f.downKiB, 'The alternative download limit');
  if (typeof down === 'string') return { ok: false, problem: down };
  const up = rate(f.upKiB, 'The alternative upload limit');
  if (typeof up === 'string') return { ok: false, problem: up };
  if (parseClockTime(f.from) === null || parseClockTime(f.to) === null)
    return { ok: false, problem: 'The schedule needs a start and an end time, as HH:MM.' };
  if (f.scheduleEnabled && f.days.length === 0)
    return { ok: false, problem: 'Choose at least one day for the schedule.' };
  const schedule: AltSpeedSchedule = {
    enabled: f.scheduleEnabled,
    from: f.from,
    to: f.to,
    days: [...new Set(f.days)].sort(),
  };
  return {
    ok: true,
    patch: { altDownloadLimitBps: down, altUploadLimitBps: up, altSpeedSchedule: schedule },
  };
}

/** A sentence for the window, e.g. "22:00 to 06:00 the next day, on Fri and Sat". */
export function scheduleSummary(f: AltSpeedForm): string {
  if (!f.scheduleEnabled) return 'Only when switched on in the status bar.';
  const from = parseClockTime(f.from);
  const to = parseClockTime(f.to);
  if (from === null || to === null || f.days.length === 0) return '';
  const days = weekdayChoices
    .filter((c) => f.days.includes(c.day))
    .map((c) => c.short)
    .join(', ');
  const span =
    from === to
      ? 'All day'
      : from < to
        ? `${f.from} to ${f.to}`
        : `${f.from} to ${f.to} the next day`;
  return `${span}, on ${f.days.length === 7 ? 'every day' : days} (this computer's time).`;
}
