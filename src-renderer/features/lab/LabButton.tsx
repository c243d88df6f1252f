/**
 * The toolbar's lab entry (issue 19): "New lab swarm…" opens the dialog; while a lab is open it
 * reads "Lab" and shows or hides the Lab view.
 */
import { useStore } from '../../store/store';

export function LabButton() {
  const hasLab = useStore((s) => s.lab !== null);
  const shown = useStore((s) => s.labViewShown);
  const openLabDialog = useStore((s) => s.openLabDialog);
  const showLabView = useStore((s) => s.showLabView);
  if (!hasLab) {
    return (
      <button type="button" className="button" onClick={openLabDialog}>
        New lab swarm…
      </button>
    );
  }
  return (
    <button
      type="button"
      className="button"
      aria-pressed={shown}
      onClick={() => showLabView(!shown)}
      title={shown ? 'Hide the lab' : 'Show the lab'}
    >
      Lab
    </button>
  );
}
