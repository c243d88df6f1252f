/**
 * The Tracker view (issues 6 and 21): a pane above the torrent list, not a modal, so the list
 * stays usable while the embedded tracker is watched. It shows the tracker's swarms (our
 * torrent's name when it is ours, seeders, leechers, completed) from `tracker.stats`, and the
 * selected swarm's peers from `tracker.swarm`, refreshed while it is shown.
 *
 * A peer reports Left, Uploaded and Downloaded only when it announces (about every interval,
 * 30 minutes by default), so each row says "as of" its last announce; the relative times tick
 * every second. Shown and hidden by the toolbar's Tracker button and the status bar's tracker
 * item (`trackerPanelOpen` in the store).
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { SwarmStats } from '../../../src-shared/model';
import { getClient } from '../../api/client';
import { toApiError } from '../../api/api-error';
import { formatBytes } from '../../lib/format';
import { useStore } from '../../store/store';
import { peerRows, shortHash, swarmRows, swarmSummary, type SwarmRow } from './swarm-rows';
import './tracker.css';

/** The selected swarm's peer list is asked for again at this pace. */
const swarmRefreshMs = 2000;
/** "as of 42 s ago" moves on at this pace. */
const tickMs = 1000;

/** The wall clock, re-read every `tickMs` while mounted: relative times stay true. */
function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), tickMs);
    return () => clearInterval(timer);
  }, []);
  return now;
}

function clockTime(at: number): string {
  return new Date(at).toLocaleTimeString([], {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

function SwarmPeers({ row, intervalSec }: { row: SwarmRow; intervalSec: number | null }) {
  const infoHash = row.infoHash;
  const [swarm, setSwarm] = useState<SwarmStats | null>(null);
  const [gone, setGone] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const now = useNow();
  useEffect(() => {
    let live = true;
    setSwarm(null);
    setGone(false);
    const load = () =>
      getClient()
        .invoke('tracker.swarm', { infoHash })
        .then(
          (s) => {
            if (!live) return;
            setSwarm(s);
            setGone(s === null);
            setError(null);
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
  const rows = useMemo(
    () => peerRows(swarm?.peers ?? [], now, intervalSec),
    [swarm, now, intervalSec],
  );
  const every =
    intervalSec === null
      ? 'at each announce'
      : `at each announce, about every ${Math.round(intervalSec / 60)} min`;
  return (
    <section className="swarm-peers" aria-labelledby="swarm-peers-title" data-testid="swarm-peers">
      <h3 id="swarm-peers-title">
        {row.name ?? 'Swarm'} <span className="muted mono">{shortHash(infoHash)}</span>
      </h3>
      <p className="swarm-summary" data-testid="swarm-summary">
        {swarmSummary(swarm ?? row)}
      </p>
      {error && (
        <div className="form-error" role="alert">
          {error}
        </div>
      )}
      {gone ? (
        <p className="muted-readable">This swarm has no peers left: they stopped or timed out.</p>
      ) : swarm === null && !error ? (
        <p className="muted-readable">Loading…</p>
      ) : rows.length === 0 ? (
        <p className="muted-readable">No peers have announced recently.</p>
      ) : (
        <>
          <p className="swarm-note" id="swarm-peers-note">
            Left, Uploaded and Downloaded are what each peer reported {every}; they are not live.
          </p>
          {/* Focusable so that a keyboard can scroll it when it is wider than the view. */}
          <div className="table-x" tabIndex={0} role="region" aria-label="Peers, scrollable">
            <table className="data-table peer-table" aria-describedby="swarm-peers-note">
              <thead>
                <tr>
                  <th scope="col">Address</th>
                  <th scope="col" className="col-client">
                    Client
                  </th>
                  <th scope="col">Role</th>
                  <th scope="col" className="num">
                    Left
                  </th>
                  <th scope="col" className="num">
                    Uploaded
                  </th>
                  <th scope="col" className="num">
                    Downloaded
                  </th>
                  <th scope="col">Reported</th>
                  <th scope="col" className="col-event">
                    Event
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((p) => (
                  <tr key={p.key} data-testid="swarm-peer">
                    <td className="mono" title={p.client ?? undefined}>
                      {p.endpoint}
                    </td>
                    <td className="col-client">
                      {p.client ?? <span className="muted-readable">unknown</span>}
                    </td>
                    <td>
                      <span className="role" data-role={p.seeding ? 'seeder' : 'leecher'}>
                        {p.seeding ? 'seeder' : 'leecher'}
                      </span>
                    </td>
                    <td className="num">{formatBytes(p.left)}</td>
                    <td className="num">{formatBytes(p.uploaded)}</td>
                    <td className="num">{formatBytes(p.downloaded)}</td>
                    <td className="as-of" data-late={p.late}>
                      <time
                        dateTime={new Date(p.asOfAt).toISOString()}
                        title={`Last announce at ${clockTime(p.asOfAt)}`}
                      >
                        {p.asOf}
                      </time>
                      {p.late && (
                        <span
                          className="late-badge"
                          title="No announce for longer than the interval: this peer may have left. The tracker drops it at twice the interval."
                        >
                          late
                        </span>
                      )}
                    </td>
                    <td className="col-event">{p.event}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

export function TrackerView() {
  const shown = useStore((s) => s.trackerPanelOpen);
  return shown ? <TrackerViewBody /> : null;
}

function TrackerViewBody() {
  const tracker = useStore((s) => s.tracker);
  const torrents = useStore((s) => s.torrents);
  const intervalSec = useStore((s) => s.settings?.tracker.intervalSec ?? null);
  const selected = useStore((s) => s.selectedSwarm);
  const selectSwarm = useStore((s) => s.selectSwarm);
  const hide = useStore((s) => s.closeTrackerPanel);
  const openSettings = useStore((s) => s.openSettings);
  const rows = useMemo(() => swarmRows(tracker?.swarms ?? [], torrents), [tracker, torrents]);
  const heading = useRef<HTMLHeadingElement>(null);
  // Opened from a button: take keyboard focus to the view, as a tab switch does.
  useEffect(() => heading.current?.focus(), []);
  const running = tracker?.running ?? false;
  const selectedRow = rows.find((r) => r.infoHash === selected) ?? null;
  return (
    <section
      className="tracker-view"
      aria-labelledby="tracker-view-title"
      data-testid="tracker-view"
    >
      <header className="tracker-header">
        <div className="tracker-title">
          <h2 id="tracker-view-title" tabIndex={-1} ref={heading}>
            Tracker
          </h2>
          <span className="tracker-subtitle" data-testid="tracker-subtitle">
            {running && tracker
              ? `${rows.length} ${rows.length === 1 ? 'swarm' : 'swarms'} · ${tracker.peers} ${tracker.peers === 1 ? 'peer' : 'peers'} · ${tracker.announcesPerSec.toFixed(1)} announces/s · ${tracker.mode === 'open' ? 'open' : 'allow-list'} mode`
              : 'The embedded tracker is off.'}
          </span>
        </div>
        <div className="tracker-actions">
          <button type="button" className="button" onClick={openSettings}>
            Tracker settings…
          </button>
          <button type="button" className="button" onClick={hide}>
            Hide
          </button>
        </div>
      </header>
      {!running ? (
        <div className="panel-empty">
          <p>Turn the embedded tracker on to let peers find each other through this computer.</p>
        </div>
      ) : rows.length === 0 ? (
        <div className="panel-empty">
          <p>No swarms yet. Torrents that list this tracker appear here when a peer announces.</p>
        </div>
      ) : (
        <div className="tracker-layout">
          <div
            className="table-x swarm-list"
            tabIndex={0}
            role="region"
            aria-label="Swarms, scrollable"
          >
            <table className="data-table swarm-table" aria-label="Swarms">
              <thead>
                <tr>
                  <th scope="col">Torrent</th>
                  <th scope="col" className="num">
                    Seeders
                  </th>
                  <th scope="col" className="num">
                    Leechers
                  </th>
                  <th scope="col" className="num">
                    Completed
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr
                    key={r.infoHash}
                    className="swarm-row"
                    data-selected={r.infoHash === selected}
                    onClick={() => selectSwarm(r.infoHash)}
                  >
                    <td title={r.infoHash}>
                      {/* The button carries keyboard access and the selected state. */}
                      <button
                        type="button"
                        className="swarm-pick"
                        aria-pressed={r.infoHash === selected}
                        onClick={(e) => {
                          e.stopPropagation();
                          selectSwarm(r.infoHash);
                        }}
                      >
                        <span className="swarm-name">
                          {r.name ?? <span className="muted-readable">not in Swarmscope</span>}
                        </span>
                        <span className="swarm-hash mono muted-readable">
                          {shortHash(r.infoHash)}
                        </span>
                      </button>
                    </td>
                    <td className="num">{r.seeders}</td>
                    <td className="num">{r.leechers}</td>
                    <td className="num">{r.snatches}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {selectedRow ? (
            <SwarmPeers key={selectedRow.infoHash} row={selectedRow} intervalSec={intervalSec} />
          ) : (
            <p className="muted-readable swarm-hint">Select a swarm to see its peers.</p>
          )}
        </div>
      )}
    </section>
  );
}
