/**
 * Alternative speed limits (issue 21): a second pair of global rates, the "turtle" mode, on
 * while the status bar's toggle is on or while the weekly schedule's window holds, in local time.
 *
 * `effectiveLimits` is pure: settings and an instant in, the global rates out. `AltSpeed` applies
 * it to the session's global buckets when settings change and at each minute boundary (through
 * the injected Clock), and says when the schedule turned the mode on or off.
 */
import type { AltSpeedSchedule, AltSpeedStatus, Settings } from '../../../src-shared/model';
import { parseClockTime } from '../../../src-shared/model';
import type { Clock, TimerHandle } from '../time/clock';
import type { TokenBucket } from '../net/token-bucket';

const MINUTE_MS = 60_000;

/**
 * Whether `now` (epoch ms) falls inside the schedule's window, in the machine's local time.
 * `from` < `to`: that span on each chosen day. `from` > `to`: the window crosses midnight and
 * belongs to the day it starts on (Friday 22:00–06:00 holds on Saturday 05:59). `from` = `to`:
 * the whole of each chosen day. A malformed time never holds (validation refuses one anyway).
 */
export function inScheduleWindow(schedule: AltSpeedSchedule, now: number): boolean {
  // settings.json is read as saved: a hand-edited schedule missing parts never holds.
  if (!schedule?.enabled || !Array.isArray(schedule.days)) return false;
  const from = parseClockTime(schedule.from);
  const to = parseClockTime(schedule.to);
  if (from === null || to === null) return false;
  const d = new Date(now);
  const day = d.getDay();
  const minute = d.getHours() * 60 + d.getMinutes();
  const on = (weekday: number) => schedule.days.includes(weekday as AltSpeedSchedule['days'][0]);
  if (from === to) return on(day);
  if (from < to) return on(day) && minute >= from && minute < to;
  if (minute >= from) return on(day);
  return minute < to && on((day + 6) % 7);
}

/** The global rates in force at `now`: the alt pair while the toggle or the schedule says so. */
export function effectiveLimits(settings: Settings, now: number): AltSpeedStatus {
  const scheduled = inScheduleWindow(settings.altSpeedSchedule, now);
  const active = settings.altSpeedEnabled || scheduled;
  return {
    active,
    bySchedule: active && !settings.altSpeedEnabled,
    downloadLimitBps: active ? settings.altDownloadLimitBps : settings.downloadLimitBps,
    uploadLimitBps: active ? settings.altUploadLimitBps : settings.uploadLimitBps,
  };
}

/** Milliseconds from `now` to the next whole minute (local minutes start on UTC ones). */
function toNextMinute(now: number): number {
  const rest = MINUTE_MS - (now % MINUTE_MS);
  return rest === 0 ? MINUTE_MS : rest;
}

export interface AltSpeedDeps {
  clock: Clock;
  settings: () => Settings;
  down: TokenBucket;
  up: TokenBucket;
  /** The schedule switched the mode on or off by itself (not after a settings change). */
  switched: (status: AltSpeedStatus) => void;
}

/** Keeps the global buckets at `effectiveLimits`, re-checked on each minute boundary. */
export class AltSpeed {
  private timer: TimerHandle | null = null;
  private current: AltSpeedStatus;

  constructor(private readonly deps: AltSpeedDeps) {
    this.current = effectiveLimits(deps.settings(), deps.clock.now());
    this.set(this.current);
  }

  /** What is in force now. */
  status(): AltSpeedStatus {
    return { ...this.current };
  }

  /** After a settings change: the new rates apply at once. */
  apply(): AltSpeedStatus {
    this.current = effectiveLimits(this.deps.settings(), this.deps.clock.now());
    this.set(this.current);
    return this.status();
  }

  /** Check the schedule at each minute boundary until `stop`. */
  start(): void {
    if (this.timer) return;
    const arm = () => {
      this.timer = this.deps.clock.setTimeout(() => {
        this.timer = null;
        const before = this.current.active;
        this.apply();
        if (this.current.active !== before) this.deps.switched(this.status());
        arm();
      }, toNextMinute(this.deps.clock.now()));
    };
    arm();
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = null;
  }

  private set(s: AltSpeedStatus): void {
    if (this.deps.down.rateBps !== s.downloadLimitBps) this.deps.down.setRate(s.downloadLimitBps);
    if (this.deps.up.rateBps !== s.uploadLimitBps) this.deps.up.setRate(s.uploadLimitBps);
  }
}
