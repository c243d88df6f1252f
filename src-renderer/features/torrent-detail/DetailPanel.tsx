import { useRef, type KeyboardEvent } from 'react';
import type { DetailTopic } from '../../../src-shared/contract';
import type { TorrentId } from '../../../src-shared/model';
import { formatBytes, formatPercent } from '../../lib/format';
import { stateLabels } from '../../store/selectors';
import { useStore } from '../../store/store';
import { CopyMagnetButton } from '../magnet/CopyMagnetButton';
import { FilesTab } from './FilesTab';
import { LogTab } from './LogTab';
import { PeersTab } from './PeersTab';
import { PiecesTab } from './PiecesTab';
import { SeedingTab } from './SeedingTab';
import { TrackersTab } from './TrackersTab';
import { useDetailWatch } from './use-detail-watch';
import { SetLocationButton } from '../set-location/SetLocationButton';
// --- error texts (issue 19) ---
import { TorrentErrorLine } from './TorrentErrorLine';
import './torrent-detail.css';

const tabs: { topic: DetailTopic; label: string }[] = [
  { topic: 'peers', label: 'Peers' },
  { topic: 'pieces', label: 'Pieces' },
  { topic: 'trackers', label: 'Trackers' },
  { topic: 'files', label: 'Files' },
  { topic: 'seeding', label: 'Seeding' },
  { topic: 'log', label: 'Log' },
];

function Header({ id }: { id: TorrentId }) {
  const t = useStore((s) => s.torrents.get(id));
  if (!t) return null;
  return (
    <div className="detail-header">
      <span className="detail-name" title={t.name}>
        {t.name}
      </span>
      <span className="state-label" data-state={t.state}>
        {stateLabels[t.state]}
      </span>
      <span className="detail-meta">
        {formatPercent(t.progress)} of {formatBytes(t.sizeBytes)} · {t.pieceCount.toLocaleString()}{' '}
        × {formatBytes(t.pieceLength)}
      </span>
      <SetLocationButton id={id} />
      <CopyMagnetButton id={id} />
      {t.error && <TorrentErrorLine error={t.error} code={t.errorCode} />}
    </div>
  );
}

/**
 * The details of one torrent in tabs. Only the open tab is rendered and watched: switching tabs
 * re-subscribes with that tab's topic, so hidden tabs cost nothing on either side.
 */
export function DetailPanel({ id }: { id: TorrentId }) {
  const tab = useStore((s) => s.detailTab);
  const setTab = useStore((s) => s.setDetailTab);
  useDetailWatch(id, tab);
  const tabRefs = useRef(new Map<DetailTopic, HTMLButtonElement>());

  const onTabKey = (e: KeyboardEvent) => {
    const at = tabs.findIndex((t) => t.topic === tab);
    let to = -1;
    if (e.key === 'ArrowRight') to = (at + 1) % tabs.length;
    else if (e.key === 'ArrowLeft') to = (at - 1 + tabs.length) % tabs.length;
    else if (e.key === 'Home') to = 0;
    else if (e.key === 'End') to = tabs.length - 1;
    if (to < 0) return;
    e.preventDefault();
    const next = tabs[to]!.topic;
    setTab(next);
    tabRefs.current.get(next)?.focus();
  };

  return (
    <section className="detail-panel" aria-label="Torrent details">
      <div className="detail-top">
        <div className="tab-list" role="tablist" aria-label="Details" onKeyDown={onTabKey}>
          {tabs.map((t) => (
            <button
              key={t.topic}
              ref={(el) => {
                if (el) tabRefs.current.set(t.topic, el);
              }}
              type="button"
              role="tab"
              id={`tab-${t.topic}`}
              aria-selected={tab === t.topic}
              aria-controls="detail-tabpanel"
              tabIndex={tab === t.topic ? 0 : -1}
              className="tab"
              onClick={() => setTab(t.topic)}
            >
              {t.label}
            </button>
          ))}
        </div>
        <Header id={id} />
      </div>
      <div
        className="tab-panel"
        role="tabpanel"
        id="detail-tabpanel"
        aria-labelledby={`tab-${tab}`}
      >
        {tab === 'peers' && <PeersTab />}
        {tab === 'pieces' && <PiecesTab />}
        {tab === 'trackers' && <TrackersTab />}
        {tab === 'files' && <FilesTab id={id} />}
        {tab === 'seeding' && <SeedingTab />}
        {tab === 'log' && <LogTab />}
      </div>
    </section>
  );
}
