import { formatBytes, formatRate, formatRatio } from '../../lib/format';
import { chartSlots } from './rate-chart-path';
import { useStore } from '../../store/store';
import { formatSince } from './relative-time';
import { RateChart } from './RateChart';
import { useNow } from './use-now';

function windowLabel(seconds: number): string {
  return seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`;
}

/** What this torrent gave back: uploaded, ratio, time seeding, peers served, the upload rate. */
export function SeedingTab() {
  const seeding = useStore((s) => s.seeding);
  const now = useNow(1000);
  if (seeding === null) return <div className="tab-waiting">Loading seeding statistics…</div>;
  const history = seeding.upRateHistoryBps;
  const current = history.length > 0 ? history[history.length - 1]! : 0;
  const peak = history.reduce((m, x) => Math.max(m, x), 0);
  const stats: [string, string, string][] = [
    ['Uploaded', formatBytes(seeding.uploadedBytes), 'uploaded'],
    ['Ratio', formatRatio(seeding.ratio), 'ratio'],
    [
      'Seeding for',
      seeding.seedingSince === null ? 'Not complete yet' : formatSince(seeding.seedingSince, now),
      'since',
    ],
    ['Peers served', String(seeding.peersServed), 'served'],
    ['Upload rate', formatRate(current), 'rate'],
    ['Peak', formatRate(peak), 'peak'],
  ];
  return (
    <div className="tab-body seeding-tab">
      <dl className="stat-grid">
        {stats.map(([label, value, key]) => (
          <div key={key} className="stat" data-stat={key}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <figure className="chart-box">
        <figcaption>Upload rate, last {windowLabel(chartSlots(history.length))}</figcaption>
        <RateChart samplesBps={history} />
      </figure>
    </div>
  );
}
