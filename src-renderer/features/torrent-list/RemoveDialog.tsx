import { useEffect, useRef } from 'react';
import { useFocusTrap } from '../../components/focus-trap';

export interface RemoveDialogProps {
  names: string[];
  onCancel(): void;
  onRemove(deleteData: boolean): void;
}

/**
 * Asks how to remove: keep the downloaded data (the safe default, focused first) or delete it.
 * A native modal <dialog> with the shared focus trap: Tab cycles inside, Escape cancels.
 */
export function RemoveDialog({ names, onCancel, onRemove }: RemoveDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const keep = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    // Taken before showModal moves focus in: where focus goes back on close (issue 19).
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!d.open) d.showModal();
    keep.current?.focus();
    return () => {
      d.close();
      if (opener?.isConnected) opener.focus();
    };
  }, []);
  // A native modal dialog lets Tab leave for the browser's own controls: the shared trap keeps
  // it cycling inside and gives focus back to the opener (issue 19).
  useFocusTrap(ref, onCancel, () => keep.current);
  const title = names.length === 1 ? `Remove “${names[0]}”?` : `Remove ${names.length} torrents?`;
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby="remove-title"
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
    >
      <h2 id="remove-title" className="dialog-title">
        {title}
      </h2>
      {names.length > 1 && (
        <ul className="dialog-list">
          {names.slice(0, 6).map((n, i) => (
            <li key={i}>{n}</li>
          ))}
          {names.length > 6 && <li>and {names.length - 6} more</li>}
        </ul>
      )}
      <p className="dialog-text">
        Removing stops sharing. You can keep what was downloaded, or delete it from disk too.
      </p>
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
        <span className="dialog-spacer" />
        <button type="button" className="button button-danger" onClick={() => onRemove(true)}>
          Remove and delete data
        </button>
        <button
          ref={keep}
          type="button"
          className="button button-primary"
          onClick={() => onRemove(false)}
        >
          Remove, keep data
        </button>
      </div>
    </dialog>
  );
}
