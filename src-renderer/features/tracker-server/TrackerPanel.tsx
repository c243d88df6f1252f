/**
 * The Tracker panel (issue 6): the embedded tracker's swarms (info-hash, our torrent's name when
 * it is ours, seeders, leechers, snatches) from `tracker.stats`, and the selected swarm's peers
 * from `tracker.swarm`, refreshed while it is shown.
 */
import { useEffect, useMemo, useState } from 'react';
import type { SwarmStats } from '../../../src-shared/model';
import { getClient } from '../../api/client';
import { toApiError } from '../../api/api-error';
import { formatBytes } from '../../lib/format';
import { useStore } from '../../store/store';
import { Modal } from '../add-and-seed/Modal';
import { shortHash, swarmRows } from './swarm-rows';
import './tracker.css';

/** The selected swarm's peer list is asked for again at this pace. */
const swarmRefreshMs = 2000;

function ago(at: number, now: number): string {
  const s = Math.max(0, Math.round((now - at) / 1000));
  return s < 60 ? `${s}s ago` : `${Math.floor(s / 60)}m ago`;
}

function SwarmPeers({ infoHash }: { infoHash: string }) {
  const [swarm, setSwarm] = useState<SwarmStats | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    let live = true;
    const load = () =>
      getClient()
        .invoke('tracker.swarm', { infoHash })
        .then(
          (s) => {
            if (!live) return;
            setSwarm(s);
            setError(null);
            setNow(Date.now());
          },
          (err: unknown) => live && setError(toApiError(err).message),
        );
    void load();
    const timer = setInterval(() => void load(), swarmRefreshMs);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [infoHash]);
  const peers = swarm?.peers ?? [];
  return (
    <section className="swarm-peers" aria-label="Peers in the swarm" data-testid="swarm-peers">
      <h3>
        Peers <span className="muted mono">{shortHash(infoHash)}</span>
      </h3>
      {error && <div className="form-error">{error}</div>}
      {swarm === null && !error ? (
        <p className="muted">Loading…</p>
      ) : peers.length === 0 ? (
        <p className="muted">No peers have announced recently.</p>
      ) : (
        <table className="data-table">
          <thead>
            <tr>
              <th>Address</th>
              <th>Client</th>
              <th>Role</th>
              <th className="num">Left</th>
              <th className="num">Uploaded</th>
              <th className="num">Downloaded</th>
              <th className="num">Last seen</th>
            </tr>
          </thead>
          <tbody>
            {peers.map((p) => (
              <tr key={`${p.address}:${p.port}:${p.peerIdHex}`}>
                <td className="mono">
                  {p.address.includes(':') ? `[${p.address}]` : p.address}:{p.port}
                </td>
                <td>{p.client || <span className="muted">unknown</span>}</td>
                <td>
                  <span className="role" data-role={p.seeding ? 'seeder' : 'leecher'}>
                    {p.seeding ? 'seeder' : 'leecher'}
                  </span>
                </td>
                <td className="num">{formatBytes(p.left)}</td>
                <td className="num">{formatBytes(p.uploaded)}</td>
                <td className="num">{formatBytes(p.downloaded)}</td>
                <td className="num">{ago(p.lastSeenAt, now)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function TrackerPanel() {
  const open = useStore((s) => s.trackerPanelOpen);
  const tracker = useStore((s) => s.tracker);
  const torrents = useStore((s) => s.torrents);
  const selected = useStore((s) => s.selectedSwarm);
  const selectSwarm = useStore((s) => s.selectSwarm);
  const close = useStore((s) => s.closeTrackerPanel);
  const openSettings = useStore((s) => s.openSettings);
  const rows = useMemo(() => swarmRows(tracker?.swarms ?? [], torrents), [tracker, torrents]);
  if (!open) return null;
  const running = tracker?.running ?? false;
  return (
    <Modal
      title="Tracker"
      subtitle={
        running && tracker
          ? `${rows.length} ${rows.length === 1 ? 'swarm' : 'swarms'} · ${tracker.peers} peers · ${tracker.announcesPerSec.toFixed(1)} announces/s · ${tracker.mode === 'open' ? 'open' : 'allow-list'} mode`
          : 'The embedded tracker is off.'
      }
      onClose={close}
      size="wide"
      testId="tracker-panel"
    >
      {!running ? (
        <div className="panel-empty">
          <p>Turn the embedded tracker on to let peers find each other through this computer.</p>
          <button type="button" className="button button-primary" onClick={openSettings}>
            Open settings
          </button>
        </div>
      ) : rows.length === 0 ? (
        <div className="panel-empty">
          <p>No swarms yet. Torrents that list this tracker appear here when a peer announces.</p>
        </div>
      ) : (
        <div className="tracker-layout">
          <table className="data-table swarm-table" aria-label="Swarms">
            <thead>
              <tr>
                <th>Torrent</th>
                <th>Info-hash</th>
                <th className="num">Seeders</th>
                <th className="num">Leechers</th>
                <th className="num">Snatches</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr
                  key={r.infoHash}
                  className="swarm-row"
                  aria-selected={r.infoHash === selected}
                  tabIndex={0}
                  onClick={() => selectSwarm(r.infoHash)}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter' || e.key === ' ') {
                      e.preventDefault();
                      selectSwarm(r.infoHash);
                    }
                  }}
                >
                  <td>{r.name ?? <span className="muted">not in Swarmscope</span>}</td>
                  <td className="mono" title={r.infoHash}>
                    {shortHash(r.infoHash)}
                  </td>
                  <td className="num">{r.seeders}</td>
                  <td className="num">{r.leechers}</td>
                  <td className="num">{r.snatches}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {selected ? (
            <SwarmPeers infoHash={selected} />
          ) : (
            <p className="muted swarm-hint">Select a swarm to see its peers.</p>
          )}
        </div>
      )}
    </Modal>
  );
}
