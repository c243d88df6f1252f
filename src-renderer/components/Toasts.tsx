import { useEffect } from 'react';
import { useStore, type Toast } from '../store/store';
import { ErrorDetails } from './ErrorDetails';

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
      </div>
      <button className="toast-close" aria-label="Dismiss" onClick={() => dismiss(toast.id)}>
        ×
      </button>
    </div>
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
