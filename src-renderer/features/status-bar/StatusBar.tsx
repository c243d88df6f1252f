import { useMemo } from 'react';
import { formatRate } from '../../lib/format';
import { totals } from '../../store/selectors';
import { useStore } from '../../store/store';
import { NotificationBell } from '../notifications/NotificationBell';
import { trackerStatusText } from './tracker-status';
import { DhtStatusLine } from './DhtStatusLine';
import { PortMappingIndicator } from './PortMappingIndicator'; // --- port mapping (issue 18)
import { AltSpeedToggle } from './AltSpeedToggle'; // --- alternative speed limits (issue 21)
import './status-bar.css';

const connectionLabels = {
  connecting: 'Connecting…',
  open: 'Connected',
  reconnecting: 'Reconnecting…',
} as const;

/** Global rates, peers, the listen port, the tracker state and the connection, always visible. */
export function StatusBar() {
  const session = useStore((s) => s.session);
  const torrents = useStore((s) => s.torrents);
  const connection = useStore((s) => s.connection);
  const sum = useMemo(() => totals(torrents), [torrents]);
  const trackerStats = useStore((s) => s.tracker);
  const tracker = trackerStatusText(trackerStats, session?.trackerRunning ?? false);
  const trackerShown = useStore((s) => s.trackerPanelOpen);
  const showTracker = useStore((s) => s.openTrackerPanel);
  const hideTracker = useStore((s) => s.closeTrackerPanel);
  return (
    <footer className="status-bar" aria-label="Status">
      <span className="status-item" data-connection={connection} data-testid="connection">
        <span className="status-dot" aria-hidden="true" />
        {connectionLabels[connection]}
      </span>
      <span
        className="status-item status-rate"
        title="Download rate, all torrents"
        data-testid="down-rate"
      >
        <span className="rate-arrow down" aria-hidden="true">
          ↓
        </span>
        {formatRate(session?.downRateBps ?? 0)}
      </span>
      <span
        className="status-item status-rate"
        title="Upload rate, all torrents"
        data-testid="up-rate"
      >
        <span className="rate-arrow up" aria-hidden="true">
          ↑
        </span>
        {formatRate(session?.upRateBps ?? 0)}
      </span>
      {/* --- alternative speed limits (issue 21) --- */}
      <AltSpeedToggle />
      <span className="status-item">
        {sum.count} {sum.count === 1 ? 'torrent' : 'torrents'}
        {sum.active > 0 ? ` · ${sum.active} active` : ''}
      </span>
      <span className="status-item">
        {session?.peers ?? 0} {session?.peers === 1 ? 'peer' : 'peers'}
      </span>
      <span className="status-spacer" />
      <NotificationBell />
      {/* --- tracker view (issue 21): the item shows or hides the Tracker view --- */}
      <button
        type="button"
        className="status-item tracker-toggle"
        data-tracker={tracker.state}
        data-testid="tracker-state"
        title={`${tracker.title} · ${trackerShown ? 'hide' : 'show'} the Tracker view`}
        aria-pressed={trackerShown}
        onClick={trackerShown ? hideTracker : showTracker}
      >
        <span className="status-dot tracker-dot" aria-hidden="true" />
        {tracker.text}
      </button>
      <DhtStatusLine />
      <span className="status-item" data-testid="listen-port" title="Incoming peer connections">
        Port {session?.listenPort ?? '—'}
      </span>
      {/* --- port mapping (issue 18) --- */}
      <PortMappingIndicator />
    </footer>
  );
}
