import type { TrackerServerStats } from '../../../src-shared/model';

/** "Tracker off", "Tracker running · 2 URLs", or the bind error. */
export function trackerStatusText(
  stats: TrackerServerStats | null,
  runningFlag: boolean,
): { text: string; state: 'off' | 'running' | 'error'; title: string } {
  if (stats === null)
    return runningFlag
      ? { text: 'Tracker running', state: 'running', title: '' }
      : { text: 'Tracker off', state: 'off', title: 'The embedded tracker is off' };
  if (stats.running) {
    const n = stats.announceUrls.length;
    return {
      text: `Tracker running · ${n} ${n === 1 ? 'URL' : 'URLs'}`,
      state: 'running',
      title: stats.announceUrls.join('\n'),
    };
  }
  if (stats.error) return { text: 'Tracker error', state: 'error', title: stats.error };
  return { text: 'Tracker off', state: 'off', title: 'The embedded tracker is off' };
}
