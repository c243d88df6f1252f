import { memo, type MouseEvent } from 'react';
import type { TorrentSummary } from '../../../src-shared/model';
import { ProgressBar } from '../../components/ProgressBar';
import { formatBytes, formatEta, formatPercent, formatRate, formatRatio } from '../../lib/format';
import { stateLabels } from '../../store/selectors';
import { fetchingText } from '../magnet/magnet-text';
import { DiagnosisLine } from './DiagnosisLine';
import { saysMoreThanState } from './diagnosis-text';

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

export interface TorrentRowProps {
  t: TorrentSummary;
  selected: boolean;
  focused: boolean;
  onPick(id: string, e: MouseEvent): void;
}

/** One torrent, one fixed-height line; memoised, so a delta re-renders only changed rows. */
export const TorrentRow = memo(function TorrentRow({
  t,
  selected,
  focused,
  onPick,
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
      <td className="col-name" title={t.name}>
        <span className="torrent-name">{t.name}</span>
        {t.private && <span className="badge">private</span>}
        {saysMoreThanState(t) && <DiagnosisLine t={t} />}
      </td>
      <td className="col-size num">{formatBytes(t.sizeBytes)}</td>
      {t.state === 'fetching-metadata' ? (
        // A magnet has no progress yet: its state, with the peer count, takes both cells.
        <td className="col-progress" colSpan={2}>
          <span className="state-label" data-state={t.state}>
            {stateText(t)}
          </span>
        </td>
      ) : (
        <>
          <td className="col-progress">
            <ProgressBar value={progress} state={t.state} />
          </td>
          <td className="col-state" title={t.error ?? undefined}>
            <span className="state-label" data-state={t.state}>
              {stateText(t)}
            </span>
          </td>
        </>
      )}
      <td className="col-rate num">{formatRate(t.downRateBps)}</td>
      <td className="col-rate col-up num">{formatRate(t.upRateBps)}</td>
      <td className="col-eta num">{etaText(t)}</td>
      <td className="col-peers num" title={`${t.peers} peers, ${t.seeds} of them seeds`}>
        {t.peers} / {t.seeds}
      </td>
      <td className="col-ratio num">{formatRatio(t.ratio)}</td>
    </tr>
  );
});
