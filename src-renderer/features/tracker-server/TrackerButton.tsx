/**
 * The toolbar's Tracker button: shows whether the embedded tracker runs, and shows or hides the
 * Tracker view above the list (issue 21: a view, not a modal).
 */
import { useStore } from '../../store/store';
import './tracker.css';

export function TrackerButton() {
  const running = useStore((s) => s.tracker?.running ?? false);
  const shown = useStore((s) => s.trackerPanelOpen);
  const show = useStore((s) => s.openTrackerPanel);
  const hide = useStore((s) => s.closeTrackerPanel);
  return (
    <button
      type="button"
      className="button"
      data-tracker={running ? 'running' : 'off'}
      aria-pressed={shown}
      onClick={shown ? hide : show}
      title={`${running ? 'The embedded tracker is running' : 'The embedded tracker is off'} · ${shown ? 'hide' : 'show'} the Tracker view`}
    >
      <span className="tracker-dot" aria-hidden="true" />
      Tracker
    </button>
  );
}
