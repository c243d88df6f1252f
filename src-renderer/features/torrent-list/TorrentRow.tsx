import { memo } from 'react';
import type { TorrentSummary } from '../../../src-shared/model';
import { ProgressBar } from '../../components/ProgressBar';
import { formatBytes, formatEta, formatRate, formatRatio } from '../../lib/format';
import { stateLabels } from '../../store/selectors';

function etaText(t: TorrentSummary): string {
  if (t.state === 'seeding' || t.progress >= 1) return '—';
  if (t.state === 'paused' || t.state === 'error') return '—';
  return formatEta(t.etaSec);
}

/** One torrent; memoised, so a delta re-renders only the rows whose summary changed. */
export const TorrentRow = memo(function TorrentRow({ t }: { t: TorrentSummary }) {
  const progress = t.state === 'checking' ? t.checkProgress : t.progress;
  return (
    <tr className="torrent-row" data-state={t.state} data-id={t.id}>
      <td className="col-name" title={t.name}>
        <span className="torrent-name">{t.name}</span>
        {t.private && <span className="badge">private</span>}
      </td>
      <td className="col-size num">{formatBytes(t.sizeBytes)}</td>
      <td className="col-progress">
        <ProgressBar value={progress} state={t.state} />
      </td>
      <td className="col-state" title={t.error ?? undefined}>
        <span className="state-label" data-state={t.state}>
          {stateLabels[t.state]}
        </span>
        {t.error && <span className="state-error">{t.error}</span>}
      </td>
      <td className="col-rate num">{formatRate(t.downRateBps)}</td>
      <td className="col-rate num">{formatRate(t.upRateBps)}</td>
      <td className="col-eta num">{etaText(t)}</td>
      <td className="col-peers num" title={`${t.peers} peers, ${t.seeds} of them seeds`}>
        {t.peers} / {t.seeds}
      </td>
      <td className="col-ratio num">{formatRatio(t.ratio)}</td>
    </tr>
  );
});
