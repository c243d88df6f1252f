/**
 * The status bar's alternative-speed ("turtle") toggle (issue 21), as data: whether it is
 * pressed, what it says, and the `settings.set` patch a click sends.
 *
 * A click while the schedule alone holds the alt limits on turns them off by pausing the
 * schedule too (qBittorrent does the same): a toggle that cannot turn off would be a lie.
 */
import type { AltSpeedStatus, Settings } from '../../../src-shared/model';
import { formatRate } from '../../lib/format';

export interface AltSpeedToggleView {
  pressed: boolean;
  /** Shown beside the turtle while on: the global limits in force. */
  text: string;
  title: string;
}

type ToggleSettings = Pick<Settings, 'altSpeedEnabled' | 'altSpeedSchedule'>;

function limit(bps: number): string {
  return bps > 0 ? formatRate(bps) : 'unlimited';
}

export function altSpeedToggleView(status: AltSpeedStatus | undefined): AltSpeedToggleView {
  if (!status) return { pressed: false, text: '', title: 'Alternative speed limits' };
  const limits = `↓ ${limit(status.downloadLimitBps)} ↑ ${limit(status.uploadLimitBps)}`;
  if (!status.active)
    return {
      pressed: false,
      text: '',
      title: `Alternative speed limits are off (now ${limits}). Click to slow down.`,
    };
  return {
    pressed: true,
    text: limits,
    title: status.bySchedule
      ? `Alternative speed limits are on by schedule (${limits}). Click to turn them off and pause the schedule.`
      : `Alternative speed limits are on (${limits}). Click to turn them off.`,
  };
}

/** What a click sends: turn on, or turn off (and pause the schedule if it holds them on). */
export function altSpeedTogglePatch(
  status: AltSpeedStatus | undefined,
  settings: ToggleSettings,
): Partial<ToggleSettings> {
  if (!status?.active) return { altSpeedEnabled: true };
  if (status.bySchedule)
    return {
      altSpeedEnabled: false,
      altSpeedSchedule: { ...settings.altSpeedSchedule, enabled: false },
    };
  return { altSpeedEnabled: false };
}
