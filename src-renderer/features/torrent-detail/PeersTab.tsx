import { useState } from 'react';
import type { PeerSnapshot, PeerSource } from '../../../src-shared/model';
import { VirtualList } from '../../components/virtual-list/VirtualList';
import { formatBytes, formatPercent, formatRate } from '../../lib/format';
import { flagLegend, peerFlagLetters } from '../../store/detail-selectors';
import { useStore } from '../../store/store';

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
] as const;

function PeerRow({ p }: { p: PeerSnapshot }) {
  const letters = peerFlagLetters(p.flags);
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
    </>
  );
}

/** Connected peers, live and virtualised, with a legend for the flag letters. */
export function PeersTab() {
  const peers = useStore((s) => s.peers);
  const [legend, setLegend] = useState(false);
  if (peers === null) return <div className="tab-waiting">Loading peers…</div>;
  return (
    <div className="tab-body peers-tab">
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
      <VirtualList
        label="Peers"
        items={peers}
        rowPx={rowPx}
        rowKey={(p) => p.key}
        renderRow={(p) => <PeerRow p={p} />}
        header={columns.map(([label, cls]) => (
          <span key={label} className={`vcell ${cls}`} role="columnheader">
            {label}
          </span>
        ))}
        empty={<div className="tab-empty">No peers connected right now.</div>}
      />
    </div>
  );
}
