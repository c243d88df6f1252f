/**
 * The Settings dialog's Alternative speed section (issue 21): the "turtle" limits, and the
 * weekly window that turns them on. Applied with its own button through `settings.set`; the
 * engine applies it at once (the status bar's toggle shows the result).
 */
import { useState } from 'react';
import type { Settings, Weekday } from '../../../src-shared/model';
import { getClient } from '../../api/client';
import { toApiError } from '../../api/api-error';
import { useStore } from '../../store/store';
import {
  altSpeedForm,
  altSpeedPatch,
  scheduleSummary,
  weekdayChoices,
  type AltSpeedForm,
} from './alt-speed-form';
import './alt-speed-section.css';

export function AltSpeedSection({ settings }: { settings: Settings }) {
  const setSettings = useStore((s) => s.setSettings);
  const status = useStore((s) => s.session?.altSpeed);
  const [form, setForm] = useState<AltSpeedForm>(() => altSpeedForm(settings));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const changed = JSON.stringify(form) !== JSON.stringify(altSpeedForm(settings));
  const set = (patch: Partial<AltSpeedForm>) => {
    setForm({ ...form, ...patch });
    setError(null);
  };
  const toggleDay = (day: Weekday, on: boolean) =>
    set({ days: on ? [...form.days, day].sort() : form.days.filter((d) => d !== day) });

  const apply = async () => {
    const r = altSpeedPatch(form);
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

  const rate = (id: string, label: string, key: 'downKiB' | 'upKiB') => (
    <div className="field field-number">
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      <input
        id={id}
        className="input num-input"
        inputMode="numeric"
        placeholder="Unlimited"
        value={form[key]}
        onChange={(e) => set({ [key]: e.target.value })}
      />
      <div className="hint">KiB/s; empty for unlimited</div>
    </div>
  );

  return (
    <section className="settings-section" aria-labelledby="set-alt-speed">
      <h3 id="set-alt-speed">Alternative speed</h3>
      <p className="hint" data-testid="alt-speed-state">
        {status?.active
          ? `In force now${status.bySchedule ? ', by the schedule' : ''}.`
          : 'Not in force now.'}{' '}
        The turtle in the status bar switches them by hand.
      </p>
      <div className="field-grid">
        {rate('set-alt-down', 'Download limit', 'downKiB')}
        {rate('set-alt-up', 'Upload limit', 'upKiB')}
      </div>
      <label className="switch">
        <input
          type="checkbox"
          role="switch"
          checked={form.scheduleEnabled}
          onChange={(e) => set({ scheduleEnabled: e.target.checked })}
        />
        <span className="switch-track" aria-hidden="true" />
        Turn them on by schedule
      </label>
      <fieldset className="alt-speed-schedule" disabled={!form.scheduleEnabled}>
        <legend className="alt-speed-legend">Schedule</legend>
        <div className="field-grid">
          <div className="field">
            <label className="field-label" htmlFor="set-alt-from">
              From
            </label>
            <input
              id="set-alt-from"
              type="time"
              className="input"
              value={form.from}
              onChange={(e) => set({ from: e.target.value })}
            />
          </div>
          <div className="field">
            <label className="field-label" htmlFor="set-alt-to">
              To
            </label>
            <input
              id="set-alt-to"
              type="time"
              className="input"
              value={form.to}
              onChange={(e) => set({ to: e.target.value })}
            />
          </div>
        </div>
        <div className="alt-speed-days" role="group" aria-label="Days">
          {weekdayChoices.map((c) => (
            <label key={c.day} className="alt-speed-day" title={c.name}>
              <input
                type="checkbox"
                aria-label={c.name}
                checked={form.days.includes(c.day)}
                onChange={(e) => toggleDay(c.day, e.target.checked)}
              />
              {c.short}
            </label>
          ))}
        </div>
      </fieldset>
      <div className="hint">{scheduleSummary(form)}</div>
      {error && <div className="form-error">{error}</div>}
      <div className="field-row">
        <button
          type="button"
          className="button"
          disabled={busy || !changed}
          onClick={() => void apply()}
        >
          Apply alternative speed
        </button>
      </div>
    </section>
  );
}
