import { useEffect, useState } from 'react';
import type { TrackerServerStats } from '../../../src-shared/model';
import { getClient } from '../../api/client';
import { toApiError } from '../../api/api-error';

/**
 * The embedded tracker's stats for the status bar: asked once on each (re)connect, then kept
 * current by `tracker.stats` events. null until known.
 */
export function useTrackerStats(): TrackerServerStats | null {
  const [stats, setStats] = useState<TrackerServerStats | null>(null);
  useEffect(() => {
    const client = getClient();
    let live = true;
    const ask = () =>
      client.invoke('tracker.status', {}).then(
        (s) => live && setStats(s),
        (err: unknown) => console.warn('tracker.status failed:', toApiError(err).message),
      );
    const offStats = client.on('tracker.stats', (s) => setStats(s));
    const offConn = client.onConnection((status) => {
      if (status === 'open') void ask();
    });
    void ask();
    return () => {
      live = false;
      offStats();
      offConn();
    };
  }, []);
  return stats;
}

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
