import type { TrackerStatus } from '../../../src-shared/model';
import { useStore } from '../../store/store';
import { formatRelative } from './relative-time';
import { useNow } from './use-now';

const stateLabels: Record<TrackerStatus['state'], string> = {
  idle: 'Idle',
  announcing: 'Announcing…',
  working: 'Working',
  error: 'Error',
  disabled: 'Disabled',
};

const count = (n: number | null) => (n === null ? '—' : String(n));

/** The torrent's trackers by tier: status, announce times, swarm counts and the last error. */
export function TrackersTab() {
  const trackers = useStore((s) => s.trackers);
  const now = useNow(1000);
  if (trackers === null) return <div className="tab-waiting">Loading trackers…</div>;
  if (trackers.length === 0)
    return (
      <div className="tab-empty">
        This torrent lists no trackers; peers come from the ones you add or that connect to you.
      </div>
    );
  return (
    <div className="tab-body">
      <div className="table-scroll">
        <table className="detail-table" aria-label="Trackers">
          <thead>
            <tr>
              <th className="t-url">URL</th>
              <th className="t-tier num">Tier</th>
              <th className="t-state">Status</th>
              <th className="t-time">Last announce</th>
              <th className="t-time">Next announce</th>
              <th className="t-n num">Seeders</th>
              <th className="t-n num">Leechers</th>
              <th className="t-err">Last error</th>
            </tr>
          </thead>
          <tbody>
            {trackers.map((t) => (
              <tr key={`${t.tier}-${t.url}`} data-tracker-state={t.state}>
                <td className="t-url mono" title={t.url}>
                  {t.url}
                </td>
                <td className="t-tier num">{t.tier + 1}</td>
                <td className="t-state">
                  <span className="tracker-state" data-tracker-state={t.state}>
                    {stateLabels[t.state]}
                  </span>
                </td>
                <td className="t-time">{formatRelative(t.lastAnnounceAt, now)}</td>
                <td className="t-time">{formatRelative(t.nextAnnounceAt, now)}</td>
                <td className="t-n num">{count(t.seeders)}</td>
                <td className="t-n num">{count(t.leechers)}</td>
                <td
                  className="t-err"
                  data-error={t.lastError || t.warning ? '' : undefined}
                  title={t.lastError ?? t.warning ?? undefined}
                >
                  {t.lastError ?? (t.warning ? `Warning: ${t.warning}` : '—')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
