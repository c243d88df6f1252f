/**
 * The Settings dialog's Connection section (issues 18 and 21): where peers reach us. The
 * interface (empty = every interface on both stacks, or one of the machine's addresses, which
 * the host lists through `net.interfaces`), the port with a Random button (a port from the
 * dynamic range, as qBittorrent's), the choice of a new random port at each start (as
 * Transmission's), and the port the session is bound to now. Like the rest of the dialog, the
 * fields apply on Save, when the host rebinds the listener without a restart.
 */
import { useEffect, useState } from 'react';
import type { NetAddress } from '../../../src-shared/model';
import {
  isValidListenInterface,
  randomListenPort,
  randomPortRange,
} from '../../../src-shared/model';
import { getClient } from '../../api/client';
import { useStore } from '../../store/store';
import type { FormErrors, SettingsForm } from './settings-form';
import { NumberField } from './NumberField';

export function ConnectionSection({
  form,
  errors,
  set,
}: {
  form: SettingsForm;
  errors: FormErrors;
  set<K extends keyof SettingsForm>(key: K, value: SettingsForm[K]): void;
}) {
  const boundPort = useStore((s) => s.session?.listenPort ?? null);
  const savedPort = useStore((s) => s.settings?.listenPort ?? null);
  const [addresses, setAddresses] = useState<NetAddress[]>([]);

  useEffect(() => {
    let live = true;
    // Suggestions only: a host that cannot list them still takes a typed address.
    getClient()
      .invoke('net.interfaces', {})
      .then(
        (r) => live && setAddresses(r.addresses),
        () => undefined,
      );
    return () => {
      live = false;
    };
  }, []);

  // Save's error goes as soon as the address is fixed, not only at the next Save.
  const interfaceError =
    errors.listenInterface && !isValidListenInterface(form.listenInterface)
      ? errors.listenInterface
      : undefined;
  const portPending = form.listenPort.trim() !== String(savedPort);
  // A random port at start, a taken port (the next free one is used) or the host's own option.
  const elsewhere = boundPort !== savedPort;
  return (
    <section className="settings-section" aria-labelledby="set-connection">
      <h3 id="set-connection">Connection</h3>
      <div className="field">
        <label className="field-label" htmlFor="set-listen-interface">
          Network interface
        </label>
        <input
          id="set-listen-interface"
          className="input mono"
          list="set-listen-interface-list"
          placeholder="All interfaces (IPv4 and IPv6)"
          spellCheck={false}
          value={form.listenInterface}
          aria-invalid={interfaceError ? true : undefined}
          aria-describedby="set-listen-interface-help"
          onChange={(e) => set('listenInterface', e.target.value)}
        />
        <datalist id="set-listen-interface-list">
          <option value="">All interfaces</option>
          {addresses.map((a) => (
            <option key={a.address} value={a.address}>
              {`${a.name}${a.internal ? ' (this computer only)' : ''}`}
            </option>
          ))}
        </datalist>
        <div id="set-listen-interface-help" className={interfaceError ? 'form-error' : 'hint'}>
          {interfaceError ?? 'Empty listens on every interface, IPv4 and IPv6'}
        </div>
      </div>
      <div className="field-row connection-port-row">
        <NumberField
          id="set-listen-port"
          label="Port for incoming connections"
          value={form.listenPort}
          error={errors.listenPort}
          hint="TCP and uTP; the DHT answers on it too"
          onChange={(v) => set('listenPort', v)}
        />
        <button
          type="button"
          className="button"
          title={`Pick a port from ${randomPortRange.min}–${randomPortRange.max}`}
          onClick={() => set('listenPort', String(randomListenPort(Math.random())))}
        >
          Random
        </button>
      </div>
      <label className="switch">
        <input
          type="checkbox"
          role="switch"
          checked={form.randomPortOnStart}
          onChange={(e) => set('randomPortOnStart', e.target.checked)}
        />
        <span className="switch-track" aria-hidden="true" />
        Use a random port each time the app starts
      </label>
      <div className="hint" role="status" data-testid="connection-bound-port">
        {boundPort === null
          ? 'Not listening'
          : `Listening on port ${boundPort}${
              portPending
                ? ' — the new port applies on Save'
                : elsewhere
                  ? ' (chosen at start, not the port above)'
                  : ''
            }`}
      </div>
    </section>
  );
}
