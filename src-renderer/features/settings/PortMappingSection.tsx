/**
 * The Settings dialog's port-mapping section (issue 18): the switch, applied at once through
 * `settings.set` (the host maps or unmaps live), and the current state under it: the external
 * address and port with the protocol, or why the router did not forward the port.
 */
import { useState } from 'react';
import type { Settings } from '../../../src-shared/model';
import {
  portMappingDetail,
  portMappingLine,
  summarizePortMapping,
} from '../../../src-shared/port-mapping-summary';
import { getClient } from '../../api/client';
import { toApiError } from '../../api/api-error';
import { useStore } from '../../store/store';
import '../status-bar/port-mapping.css';

export function PortMappingSection({ settings }: { settings: Settings }) {
  const setSettings = useStore((s) => s.setSettings);
  const status = useStore((s) => s.session?.portMapping);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const apply = async (portMapping: boolean) => {
    setBusy(true);
    try {
      setSettings(await getClient().invoke('settings.set', { portMapping }));
      setError(null);
    } catch (err) {
      setError(toApiError(err).message);
    } finally {
      setBusy(false);
    }
  };

  const summary = summarizePortMapping(status);
  return (
    <section className="settings-section" aria-labelledby="set-port-mapping">
      <h3 id="set-port-mapping">Port mapping</h3>
      <label className="switch">
        <input
          type="checkbox"
          role="switch"
          data-testid="port-mapping-switch"
          checked={settings.portMapping ?? true}
          disabled={busy}
          aria-describedby="set-port-mapping-state"
          onChange={(e) => void apply(e.target.checked)}
        />
        <span className="switch-track" aria-hidden="true" />
        Port mapping (UPnP / NAT-PMP)
      </label>
      <div
        id="set-port-mapping-state"
        className="hint port-mapping-state"
        role="status"
        data-port-mapping={summary.kind}
        data-testid="port-mapping-state"
      >
        <div>{portMappingLine(summary)}</div>
        <div>{portMappingDetail(summary)}</div>
      </div>
      {error && <div className="form-error">{error}</div>}
    </section>
  );
}
