/**
 * `?` opens the keyboard shortcuts (issue 21). Mounted once by the app; ignored while another
 * dialog is up or while typing in a field.
 */
import { useEffect, useState } from 'react';
import { useStore } from '../../store/store';
import { Modal } from '../add-and-seed/Modal';
import { opensShortcutList, shortcutGroups } from './shortcut-list';
import './shortcuts.css';

function otherDialogOpen(): boolean {
  const s = useStore.getState();
  return (
    s.addQueue.length > 0 ||
    s.seedRequest !== null ||
    s.settingsOpen ||
    document.querySelector('[role="dialog"], dialog[open]') !== null
  );
}

const mac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

export function ShortcutsDialog() {
  const [open, setOpen] = useState(false);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (open || !opensShortcutList(e, e.target as HTMLElement | null)) return;
      if (otherDialogOpen()) return;
      e.preventDefault();
      setOpen(true);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open]);

  if (!open) return null;
  return (
    <Modal
      title="Keyboard shortcuts"
      onClose={() => setOpen(false)}
      testId="shortcuts-dialog"
      readOnlyBody
      footer={
        <button
          type="button"
          className="button button-primary"
          data-autofocus
          onClick={() => setOpen(false)}
        >
          Done
        </button>
      }
    >
      {shortcutGroups(mac).map((group) => (
        <section key={group.title} className="shortcut-group" aria-label={group.title}>
          <h3>{group.title}</h3>
          <dl className="shortcut-list">
            {group.shortcuts.map((s) => (
              <div key={`${group.title}-${s.action}`} className="shortcut-row">
                <dt>
                  {s.keys.map((k, i) => (
                    <kbd key={i}>{k}</kbd>
                  ))}
                </dt>
                <dd>{s.action}</dd>
              </div>
            ))}
          </dl>
        </section>
      ))}
    </Modal>
  );
}
