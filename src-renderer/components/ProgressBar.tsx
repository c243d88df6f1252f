import type { TorrentState } from '../../src-shared/model';
import { formatPercent } from '../lib/format';

/** A thin bar with the percentage beside it; the colour follows the torrent's state. */
export function ProgressBar({
  value,
  state,
  label = 'Progress',
}: {
  value: number;
  state: TorrentState;
  /** The bar's accessible name (axe: every progressbar has one). */
  label?: string;
}) {
  const clamped = Math.max(0, Math.min(1, value));
  return (
    <div className="progress" data-state={state}>
      <div
        className="progress-track"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(clamped * 100)}
      >
        <div className="progress-fill" style={{ width: `${clamped * 100}%` }} />
      </div>
      <span className="progress-label">{formatPercent(clamped)}</span>
    </div>
  );
}
