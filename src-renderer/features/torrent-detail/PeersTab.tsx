import { useRef, useState } from 'react';
import type { PeerSnapshot, PeerSource } from '../../../src-shared/model';
import { VirtualList } from '../../components/virtual-list/VirtualList';
import { formatBytes, formatPercent, formatRate } from '../../lib/format';
import { flagLegend, peerFlagLetters } from '../../store/detail-selectors';
import { useStore } from '../../store/store';
// --- explainer (issue 19) ---
import { PeerDetail } from './PeerDetail';
import { closeReasonOf, peerWhy } from './peer-why';
import { useNow } from './use-now';
import './peer-detail.css';

const rowPx = 26;

function flagTitle(letters: string): string {
  return [...letters]
    .map((l) => flagLegend.find((f) => f.letter === l))
    .filter((f) => f !== undefined)
    .map((f) => `${f.letter}: ${f.label}`)
    .join('\n');
}

/** Where each peer's address came from (issue 17). */
const sourceLabels: Record<PeerSource, string> = {
  tracker: 'Tracker',
  dht: 'DHT',
  pex: 'PEX',
  lsd: 'LSD',
  manual: 'Manual',
  incoming: 'Incoming',
  magnet: 'Magnet',
};

const columns = [
  ['Address', 'c-addr'],
  ['Client', 'c-client grow'],
  ['Source', 'c-source'],
  ['Flags', 'c-flags'],
  ['Transport', 'c-transport'],
  ['Progress', 'c-prog num'],
  ['Down', 'c-rate num'],
  ['Up', 'c-rate num'],
  ['Downloaded', 'c-bytes num'],
  ['Uploaded', 'c-bytes num'],
  ['Why', 'c-why'], // --- explainer (issue 19)
] as const;

function PeerRow({
  p,
  now,
  open,
  onOpen,
}: {
  p: PeerSnapshot;
  now: number;
  open: boolean;
  onOpen(key: string): void;
}) {
  const letters = peerFlagLetters(p.flags);
  const why = peerWhy(p, now);
  return (
    <>
      <span className="vcell c-addr" role="cell" title={p.key}>
        {p.address.includes(':') ? `[${p.address}]` : p.address}:{p.port}
      </span>
      <span className="vcell c-client grow" role="cell" title={`peer id ${p.peerIdHex}`}>
        {p.client || 'Unknown'}
      </span>
      <span className="vcell c-source" role="cell">
        {sourceLabels[p.source] ?? p.source}
      </span>
      <span className="vcell c-flags mono" role="cell" title={flagTitle(letters)}>
        {letters}
      </span>
      <span className="vcell c-transport mono" role="cell">
        {p.transport === 'utp' ? 'uTP' : 'TCP'}
      </span>
      <span className="vcell c-prog num" role="cell">
        {formatPercent(p.progress)}
      </span>
      <span className="vcell c-rate num" role="cell">
        {formatRate(p.downRateBps)}
      </span>
      <span className="vcell c-rate num" role="cell">
        {formatRate(p.upRateBps)}
      </span>
      <span className="vcell c-bytes num" role="cell">
        {formatBytes(p.downloadedBytes)}
      </span>
      <span className="vcell c-bytes num" role="cell">
        {formatBytes(p.uploadedBytes)}
      </span>
      {/* --- explainer (issue 19): the short reason; the button opens both sides in full. */}
      <span className="vcell c-why" role="cell">
        <button
          type="button"
          className="peer-why-button"
          data-peer={p.key}
          title={why.full}
          aria-label={`${p.address}:${p.port}: ${why.full} Show peer details.`}
          aria-expanded={open}
          onClick={() => onOpen(p.key)}
        >
          {why.short}
        </button>
      </span>
    </>
  );
}

/** Connected peers, live and virtualised, with a legend for the flag letters. */
export function PeersTab() {
  const peers = useStore((s) => s.peers);
  const peerCloses = useStore((s) => s.peerCloses);
  const [legend, setLegend] = useState(false);
  // --- explainer (issue 19): the peer open in the side panel; its last view outlives it.
  const [openKey, setOpenKey] = useState<string | null>(null);
  const lastSeen = useRef<PeerSnapshot | null>(null);
  const now = useNow(1000);
  if (peers === null) return <div className="tab-waiting">Loading peers…</div>;
  const live = openKey === null ? undefined : peers.find((p) => p.key === openKey);
  if (live) lastSeen.current = live;
  const shown = openKey !== null && lastSeen.current?.key === openKey ? lastSeen.current : null;
  const close = (): void => {
    const key = openKey;
    setOpenKey(null);
    // Back to the row's button, if the row is still there.
    requestAnimationFrame(() =>
      document.querySelector<HTMLButtonElement>(`.peer-why-button[data-peer="${key}"]`)?.focus(),
    );
  };
  return (
    <div className="tab-body peers-tab" data-detail-open={shown ? '' : undefined}>
      <div className="tab-toolbar">
        <span className="tab-summary">
          {peers.length} {peers.length === 1 ? 'peer' : 'peers'} connected
        </span>
        <span className="tab-spacer" />
        <button
          type="button"
          className="button button-small"
          aria-expanded={legend}
          onClick={() => setLegend(!legend)}
        >
          Flags legend
        </button>
      </div>
      {legend && (
        <dl className="flag-legend" aria-label="Peer flags">
          {flagLegend.map((f) => (
            <div key={f.letter}>
              <dt className="mono">{f.letter}</dt>
              <dd>{f.label}</dd>
            </div>
          ))}
        </dl>
      )}
      <div className="peers-split">
        <VirtualList
          label="Peers"
          items={peers}
          rowPx={rowPx}
          rowKey={(p) => p.key}
          renderRow={(p) => (
            <PeerRow p={p} now={now} open={p.key === openKey} onOpen={setOpenKey} />
          )}
          header={columns.map(([label, cls]) => (
            <span key={label} className={`vcell ${cls}`} role="columnheader">
              {label}
            </span>
          ))}
          empty={<div className="tab-empty">No peers connected right now.</div>}
        />
        {shown && (
          <PeerDetail
            peer={shown}
            gone={!live}
            closeReason={live ? null : closeReasonOf(peerCloses, shown)}
            onClose={close}
          />
        )}
      </div>
    </div>
  );
}
