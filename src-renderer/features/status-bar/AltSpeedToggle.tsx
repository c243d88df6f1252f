import { useState } from 'react';
import { getClient } from '../../api/client';
import { errorText } from '../../lib/error-text';
import { useStore } from '../../store/store';
import { altSpeedTogglePatch, altSpeedToggleView } from './alt-speed-toggle';
import './alt-speed.css';

/**
 * The status bar's turtle (issue 21): a toggle button for the alternative speed limits, pressed
 * while they are in force (by hand or by schedule), with the global limits the engine applies.
 */
export function AltSpeedToggle() {
  const status = useStore((s) => s.session?.altSpeed);
  const settings = useStore((s) => s.settings);
  const setSettings = useStore((s) => s.setSettings);
  const pushToast = useStore((s) => s.pushToast);
  const [busy, setBusy] = useState(false);
  if (!status) return null; // a host that predates the alt limits
  const view = altSpeedToggleView(status);

  const toggle = async () => {
    setBusy(true);
    try {
      const client = getClient();
      const current = settings ?? (await client.invoke('settings.get', {}));
      setSettings(await client.invoke('settings.set', altSpeedTogglePatch(status, current)));
    } catch (err) {
      pushToast({
        level: 'error',
        title: 'Could not switch the alternative speed limits',
        ...errorText(err),
      });
    } finally {
      setBusy(false);
    }
  };

  return (
    <button
      type="button"
      className="status-item alt-speed-toggle"
      aria-label="Alternative speed limits"
      aria-pressed={view.pressed}
      title={view.title}
      data-testid="alt-speed-toggle"
      data-by-schedule={status.bySchedule ? 'true' : undefined}
      disabled={busy}
      onClick={() => void toggle()}
    >
      <svg className="alt-speed-icon" viewBox="0 0 24 16" width="22" height="15" aria-hidden="true">
        {/* A turtle: shell, head, feet. */}
        <path d="M4 11 C4 5 8 2 12 2 C16 2 19 5 19 11 Z" fill="currentColor" />
        <circle cx="21" cy="9" r="2.2" fill="currentColor" />
        <rect x="5" y="11" width="3" height="3" rx="1" fill="currentColor" />
        <rect x="15" y="11" width="3" height="3" rx="1" fill="currentColor" />
        <path d="M4 10 L1 11" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
      </svg>
      {view.pressed && (
        <span className="alt-speed-limits" data-testid="alt-speed-limits">
          {view.text}
        </span>
      )}
    </button>
  );
}
