/**
 * The Settings dialog's DHT section (issue 17): the switch, applied at once, and the bootstrap
 * list, applied with its own button. Both go through `settings.set`, which the host validates
 * and applies live (the node starts, stops or restarts with the new list).
 */
import { useState } from 'react';
import type { Settings } from '../../../src-shared/model';
import { getClient } from '../../api/client';
import { toApiError } from '../../api/api-error';
import { useStore } from '../../store/store';
import { bootstrapToText, parseBootstrapText } from './dht-settings';

export function DhtSection({ settings }: { settings: Settings }) {
  const setSettings = useStore((s) => s.setSettings);
  const dht = useStore((s) => s.session?.dht);
  const [text, setText] = useState(() => bootstrapToText(settings.dhtBootstrap ?? []));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const apply = async (patch: { dhtEnabled?: boolean; dhtBootstrap?: string[] }) => {
    setBusy(true);
    try {
      setSettings(await getClient().invoke('settings.set', patch));
      setError(null);
    } catch (err) {
      setError(toApiError(err).message);
    } finally {
      setBusy(false);
    }
  };

  const applyList = () => {
    const parsed = parseBootstrapText(text);
    if (parsed.error !== null) {
      setError(parsed.error);
      return;
    }
    void apply({ dhtBootstrap: parsed.list });
  };

  const changed = text !== bootstrapToText(settings.dhtBootstrap ?? []);
  return (
    <section className="settings-section" aria-labelledby="set-dht">
      <h3 id="set-dht">DHT</h3>
      <label className="switch">
        <input
          type="checkbox"
          role="switch"
          data-testid="dht-switch"
          checked={settings.dhtEnabled}
          disabled={busy}
          onChange={(e) => void apply({ dhtEnabled: e.target.checked })}
        />
        <span className="switch-track" aria-hidden="true" />
        Find peers on the DHT (never for private torrents)
      </label>
      <div className="hint" role="status">
        {dht?.running ? `${dht.nodes} ${dht.nodes === 1 ? 'node' : 'nodes'} in the table` : 'Off'}
      </div>
      <div className="field">
        <label className="field-label" htmlFor="set-dht-bootstrap">
          Bootstrap nodes
        </label>
        <textarea
          id="set-dht-bootstrap"
          className="input mono"
          rows={3}
          spellCheck={false}
          value={text}
          aria-invalid={error ? true : undefined}
          onChange={(e) => setText(e.target.value)}
        />
        {error ? (
          <div className="form-error">{error}</div>
        ) : (
          <div className="hint">
            One host:port or [IPv6]:port per line: where the DHT starts from
          </div>
        )}
        <div className="field-row">
          <button type="button" className="button" disabled={busy || !changed} onClick={applyList}>
            Apply list
          </button>
        </div>
      </div>
    </section>
  );
}
