/**
 * Keeps the tracker slice live: `tracker.status` whenever the connection (re)opens, then every
 * `tracker.stats` event. Renders nothing; mounted once by the app.
 */
import { useEffect } from 'react';
import { getClient } from '../../api/client';
import { useStore } from '../../store/store';
import './tracker.css';

export function TrackerFeed() {
  const connection = useStore((s) => s.connection);
  const applyTrackerStats = useStore((s) => s.applyTrackerStats);
  useEffect(() => getClient().on('tracker.stats', applyTrackerStats), [applyTrackerStats]);
  useEffect(() => {
    if (connection !== 'open') return;
    getClient()
      .invoke('tracker.status', {})
      .then(applyTrackerStats, () => undefined); // the next tracker.stats event fills it in
  }, [connection, applyTrackerStats]);
  return null;
}

export function TrackerButton() {
  const running = useStore((s) => s.tracker?.running ?? false);
  const openTrackerPanel = useStore((s) => s.openTrackerPanel);
  return (
    <button
      type="button"
      className="button"
      data-tracker={running ? 'running' : 'off'}
      onClick={openTrackerPanel}
      title={running ? 'The embedded tracker is running' : 'The embedded tracker is off'}
    >
      <span className="tracker-dot" aria-hidden="true" />
      Tracker
    </button>
  );
}
