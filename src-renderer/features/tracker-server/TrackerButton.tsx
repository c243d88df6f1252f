/** The toolbar's Tracker button: shows whether the embedded tracker runs, opens its panel. */
import { useStore } from '../../store/store';
import './tracker.css';

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
