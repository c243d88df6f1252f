import { useEffect } from 'react';
import { useStore, type Toast } from '../store/store';
import { ErrorDetails } from './ErrorDetails';
import { getClient } from '../api/client';
import { contentPath } from './toast-action';
import { errorText } from '../lib/error-text';

/** Info toasts leave by themselves; warnings and errors stay until dismissed. */
const infoToastMs = 5000;

function ToastView({ toast }: { toast: Toast }) {
  const dismiss = useStore((s) => s.dismissToast);
  useEffect(() => {
    if (toast.level !== 'info') return;
    const timer = setTimeout(() => dismiss(toast.id), infoToastMs);
    return () => clearTimeout(timer);
  }, [toast.id, toast.level, dismiss]);
  return (
    <div
      className="toast"
      data-level={toast.level}
      role={toast.level === 'error' ? 'alert' : 'status'}
    >
      <div className="toast-text">
        <div className="toast-title">{toast.title}</div>
        {toast.message && <div className="toast-message">{toast.message}</div>}
        <ErrorDetails detail={toast.detail} />
        {toast.action && <ToastActionButton action={toast.action} />}
      </div>
      <button className="toast-close" aria-label="Dismiss" onClick={() => dismiss(toast.id)}>
        ×
      </button>
    </div>
  );
}

/** "Open folder" (desktop only: a browser cannot show the host's files). */
function ToastActionButton({ action }: { action: NonNullable<Toast['action']> }) {
  const torrent = useStore((s) => s.torrents.get(action.torrentId));
  const pushToast = useStore((s) => s.pushToast);
  const client = getClient();
  if (client.transport !== 'electron' || !torrent) return null;
  return (
    <button
      type="button"
      className="link-button toast-action"
      onClick={() =>
        void client
          .invoke('shell.showItem', { path: contentPath(torrent.savePath, torrent.name) })
          .catch((err: unknown) =>
            pushToast({ level: 'error', title: 'Could not open the folder', ...errorText(err) }),
          )
      }
    >
      Open folder
    </button>
  );
}

export function Toasts() {
  const toasts = useStore((s) => s.toasts);
  return (
    <div className="toasts" aria-live="polite">
      {toasts.map((t) => (
        <ToastView key={t.id} toast={t} />
      ))}
    </div>
  );
}
