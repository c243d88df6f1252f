import { memo, type MouseEvent, type ReactNode } from 'react';
import type { TorrentSummary } from '../../../src-shared/model';
import { ProgressBar } from '../../components/ProgressBar';
import { formatBytes, formatEta, formatPercent, formatRate, formatRatio } from '../../lib/format';
import { stateLabels } from '../../store/selectors';
import { fetchingText } from '../magnet/magnet-text';
import { DiagnosisLine } from './DiagnosisLine';
import { saysMoreThanState } from './diagnosis-text';
import type { ColumnId } from './column-model'; // --- issue 21
import {
  addedText,
  availabilityText,
  labelText,
  completedText,
  savePathText,
  trackerText,
} from './column-values';

function etaText(t: TorrentSummary): string {
  if (t.state === 'seeding' || t.progress >= 1) return '—';
  if (t.state === 'paused' || t.state === 'error' || t.state === 'fetching-metadata') return '—';
  if (t.state === 'queued') return '—'; // --- issue 21: waiting, not slow
  return formatEta(t.etaSec);
}

function stateText(t: TorrentSummary): string {
  if (t.state === 'checking') return `Checking ${formatPercent(t.checkProgress)}`;
  if (t.state === 'fetching-metadata') return fetchingText(t);
  // --- issue 21: a queued torrent shows its place in line.
  if (t.state === 'queued' && t.queuePosition) return `Queued #${t.queuePosition}`;
  return stateLabels[t.state];
}

// --- column choice (issue 21) ---
function cell(id: ColumnId, t: TorrentSummary, progress: number): ReactNode {
  switch (id) {
    case 'name':
      return (
        <td key={id} className="col-name" title={t.name}>
          <span className="torrent-name">{t.name}</span>
          {t.private && <span className="badge">private</span>}
          {saysMoreThanState(t) && <DiagnosisLine t={t} />}
        </td>
      );
    case 'size':
      return (
        <td key={id} className="col-size num">
          {formatBytes(t.sizeBytes)}
        </td>
      );
    case 'progress':
      return (
        <td key={id} className="col-progress">
          {t.state === 'fetching-metadata' ? (
            <span className="state-label" data-state={t.state}>
              {stateText(t)}
            </span>
          ) : (
            <ProgressBar value={progress} state={t.state} />
          )}
        </td>
      );
    case 'state':
      return (
        <td key={id} className="col-state" title={t.error ?? undefined}>
          <span className="state-label" data-state={t.state}>
            {stateText(t)}
          </span>
        </td>
      );
    case 'down':
      return (
        <td key={id} className="col-rate num">
          {formatRate(t.downRateBps)}
        </td>
      );
    case 'up':
      return (
        <td key={id} className="col-rate col-up num">
          {formatRate(t.upRateBps)}
        </td>
      );
    case 'eta':
      return (
        <td key={id} className="col-eta num">
          {etaText(t)}
        </td>
      );
    case 'peers':
      return (
        <td key={id} className="col-peers num" title={`${t.peers} peers, ${t.seeds} of them seeds`}>
          {t.peers} / {t.seeds}
        </td>
      );
    case 'ratio':
      return (
        <td key={id} className="col-ratio num">
          {formatRatio(t.ratio)}
        </td>
      );
    case 'added':
      return (
        <td key={id} className="col-added">
          {addedText(t)}
        </td>
      );
    case 'completed':
      return (
        <td key={id} className="col-completed">
          {completedText(t)}
        </td>
      );
    case 'savePath':
      return (
        <td key={id} className="col-savepath" title={t.savePath}>
          {savePathText(t)}
        </td>
      );
    case 'tracker':
      return (
        <td key={id} className="col-tracker">
          {trackerText(t)}
        </td>
      );
    case 'label':
      return (
        <td key={id} className="col-label" title={t.label ?? undefined}>
          {labelText(t)}
        </td>
      );
    case 'availability':
      return (
        <td key={id} className="col-availability num">
          {availabilityText(t)}
        </td>
      );
  }
}

export interface TorrentRowProps {
  t: TorrentSummary;
  selected: boolean;
  focused: boolean;
  onPick(id: string, e: MouseEvent): void;
  /** The visible columns, in order (issue 21); a stable array, so rows stay memoised. */
  cols: readonly ColumnId[];
}

/** One torrent, one fixed-height line; memoised, so a delta re-renders only changed rows. */
export const TorrentRow = memo(function TorrentRow({
  t,
  selected,
  focused,
  onPick,
  cols,
}: TorrentRowProps) {
  const progress = t.state === 'checking' ? t.checkProgress : t.progress;
  return (
    <tr
      className="torrent-row"
      data-state={t.state}
      data-id={t.id}
      aria-selected={selected}
      data-focused={focused || undefined}
      onMouseDown={(e) => onPick(t.id, e)}
    >
      {/* --- column choice (issue 21): the cells the layout shows, in its order --- */}
      {cols.map((id, i) => {
        if (t.state === 'fetching-metadata' && id === 'progress' && cols[i + 1] === 'state') {
          // A magnet has no progress yet: its state, with the peer count, takes both cells.
          return (
            <td key={id} className="col-progress" colSpan={2}>
              <span className="state-label" data-state={t.state}>
                {stateText(t)}
              </span>
            </td>
          );
        }
        if (t.state === 'fetching-metadata' && id === 'state' && cols[i - 1] === 'progress') {
          return null;
        }
        return cell(id, t, progress);
      })}
    </tr>
  );
});
