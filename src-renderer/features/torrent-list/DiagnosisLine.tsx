import type { TorrentSummary } from '../../../src-shared/model';
import { useNow } from '../torrent-detail/use-now';
import { diagnosisWords } from './diagnosis-text';
import './diagnosis.css';

function Line({ t, now }: { t: TorrentSummary; now: number }) {
  const w = diagnosisWords(t, now);
  if (!w) return null;
  return (
    <span className="diagnosis-line" data-severity={w.severity} title={w.full}>
      {w.line}
      {/* The tooltip's sentence, for screen readers too. */}
      <span className="sr-only"> — {w.full}</span>
    </span>
  );
}

/** A stalled torrent's line counts its seconds: only such a line ticks. */
function TickingLine({ t }: { t: TorrentSummary }) {
  return <Line t={t} now={useNow(1000)} />;
}

/**
 * Why the torrent does not move, or moves slowly (issue 19), in one line: the torrent row and
 * the detail header show it.
 */
export function DiagnosisLine({ t }: { t: TorrentSummary }) {
  if (!t.diagnosis) return null;
  return t.state === 'stalled' ? <TickingLine t={t} /> : <Line t={t} now={0} />;
}
