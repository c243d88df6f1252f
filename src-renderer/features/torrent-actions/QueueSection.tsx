/**
 * The Settings dialog's Queue section (issue 21): how many downloads and seeds run at once
 * (the rest wait as "Queued #n"), and the global seed-ratio limit with its action. Applied
 * with its own button, through `settings.set`, which the engine applies at once.
 */
import { useState } from 'react';
import type { Settings } from '../../../src-shared/model';
import { getClient } from '../../api/client';
import { toApiError } from '../../api/api-error';
import { useStore } from '../../store/store';
import { queueForm, queuePatch, type QueueForm } from './queue-settings';

export function QueueSection({ settings }: { settings: Settings }) {
  const setSettings = useStore((s) => s.setSettings);
  const [form, setForm] = useState<QueueForm>(() => queueForm(settings));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const changed = JSON.stringify(form) !== JSON.stringify(queueForm(settings));
  const set = (patch: Partial<QueueForm>) => {
    setForm({ ...form, ...patch });
    setError(null);
  };

  const apply = async () => {
    const r = queuePatch(form);
    if (!r.ok) return setError(r.problem);
    setBusy(true);
    try {
      setSettings(await getClient().invoke('settings.set', r.patch));
    } catch (err) {
      setError(toApiError(err).message);
    } finally {
      setBusy(false);
    }
  };

  const field = (id: string, label: string, key: 'downloads' | 'seeds' | 'ratio', hint: string) => (
    <div className="field field-number">
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      <input
        id={id}
        className="input num-input"
        inputMode={key === 'ratio' ? 'decimal' : 'numeric'}
        placeholder="No limit"
        value={form[key]}
        onChange={(e) => set({ [key]: e.target.value })}
      />
      <div className="hint">{hint}</div>
    </div>
  );

  return (
    <section className="settings-section" aria-labelledby="set-queue">
      <h3 id="set-queue">Queue</h3>
      {field(
        'set-queue-downloads',
        'Active downloads',
        'downloads',
        'The others wait, queued in order',
      )}
      {field('set-queue-seeds', 'Active seeds', 'seeds', 'Force start passes the queue')}
      {field(
        'set-queue-ratio',
        'Stop seeding at ratio',
        'ratio',
        'Torrents may set their own (Limits…)',
      )}
      <div className="field">
        <label className="field-label" htmlFor="set-queue-action">
          Then
        </label>
        <select
          id="set-queue-action"
          className="input"
          value={form.action}
          onChange={(e) => set({ action: e.target.value as QueueForm['action'] })}
        >
          <option value="pause">Pause the torrent</option>
          <option value="remove">Remove the torrent (keep its files)</option>
        </select>
      </div>
      {error && <div className="form-error">{error}</div>}
      <div className="field-row">
        <button
          type="button"
          className="button"
          disabled={busy || !changed}
          onClick={() => void apply()}
        >
          Apply queue settings
        </button>
      </div>
    </section>
  );
}
