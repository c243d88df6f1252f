import { useMemo } from 'react';
import { formatRate } from '../../lib/format';
import { totals } from '../../store/selectors';
import { useStore } from '../../store/store';

const connectionLabels = {
  connecting: 'Connecting…',
  open: 'Connected',
  reconnecting: 'Reconnecting…',
} as const;

/** Global rates, peers, the listen port and the tracker state, always visible. */
export function StatusBar() {
  const session = useStore((s) => s.session);
  const torrents = useStore((s) => s.torrents);
  const connection = useStore((s) => s.connection);
  const sum = useMemo(() => totals(torrents), [torrents]);
  return (
    <footer className="status-bar" aria-label="Status">
      <span className="status-item" data-connection={connection}>
        <span className="status-dot" aria-hidden="true" />
        {connectionLabels[connection]}
      </span>
      <span className="status-item" title="Download rate">
        ↓ {formatRate(session?.downRateBps ?? 0)}
      </span>
      <span className="status-item" title="Upload rate">
        ↑ {formatRate(session?.upRateBps ?? 0)}
      </span>
      <span className="status-item">
        {sum.count} {sum.count === 1 ? 'torrent' : 'torrents'}
      </span>
      <span className="status-item">{session?.peers ?? 0} peers</span>
      <span className="status-spacer" />
      <span className="status-item">Tracker {session?.trackerRunning ? 'running' : 'off'}</span>
      <span className="status-item" data-testid="listen-port">
        Port {session?.listenPort ?? '—'}
      </span>
    </footer>
  );
}
