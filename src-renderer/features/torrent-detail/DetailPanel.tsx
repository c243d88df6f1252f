import { useRef, type KeyboardEvent } from 'react';
import type { DetailTab } from '../../store/detail-slice';
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
import { SwarmTab } from './swarm-graph/SwarmTab'; // --- swarm graph (issue 19)
import { SetLocationButton } from '../set-location/SetLocationButton';
import { DiagnosisLine } from '../torrent-list/DiagnosisLine'; // --- explainer (issue 19)
// --- error texts (issue 19) ---
import { TorrentErrorLine } from './TorrentErrorLine';
import './torrent-detail.css';
import { TimelineTab } from './timeline/TimelineTab'; // --- timeline (issue 19)

const tabs: { topic: DetailTab; label: string }[] = [
  { topic: 'peers', label: 'Peers' },
  { topic: 'pieces', label: 'Pieces' },
  { topic: 'trackers', label: 'Trackers' },
  { topic: 'files', label: 'Files' },
  { topic: 'seeding', label: 'Seeding' },
  { topic: 'log', label: 'Log' },
  { topic: 'swarm', label: 'Swarm' }, // --- swarm graph (issue 19)
  { topic: 'timeline', label: 'Timeline' }, // --- timeline (issue 19)
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
      {!t.error && t.state !== 'paused' && <DiagnosisLine t={t} />}
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
  const tabRefs = useRef(new Map<DetailTab, HTMLButtonElement>());

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
        {tab === 'swarm' && <SwarmTab />}
        {tab === 'timeline' && <TimelineTab />}
      </div>
    </section>
  );
}
