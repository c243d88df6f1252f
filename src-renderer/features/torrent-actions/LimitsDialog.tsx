/**
 * "Limits…" (issue 21): a torrent's own download and upload rates (under the global limits),
 * its peer cap, and when seeding stops (ratio, time) with what happens then.
 */
import { useState } from 'react';
import { defaultTorrentLimits, type TorrentSummary } from '../../../src-shared/model';
import { getClient } from '../../api/client';
import { toApiError } from '../../api/api-error';
import { useStore } from '../../store/store';
import { Modal } from '../add-and-seed/Modal';
import { formToLimits, limitsToForm, type LimitsForm } from './limits-form';

export function LimitsDialog({
  torrents,
  onClose,
}: {
  torrents: TorrentSummary[];
  onClose(): void;
}) {
  const pushToast = useStore((s) => s.pushToast);
  const globalRatio = useStore((s) => s.settings?.seedRatioLimit ?? 0);
  const first = torrents[0];
  const [form, setForm] = useState<LimitsForm>(
    limitsToForm(first?.actions?.limits ?? defaultTorrentLimits),
  );
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (!first) return null;
  const set = (patch: Partial<LimitsForm>) => {
    setForm({ ...form, ...patch });
    setError(null);
  };

  const save = async () => {
    const r = formToLimits(form);
    if (!r.ok) return setError(r.problem);
    setBusy(true);
    try {
      await getClient().invoke('torrent.setLimits', {
        ids: torrents.map((t) => t.id),
        ...r.limits,
      });
      onClose();
    } catch (err) {
      setError(toApiError(err).message);
      pushToast({
        level: 'error',
        title: 'Could not set the limits',
        message: toApiError(err).message,
      });
    } finally {
      setBusy(false);
    }
  };

  const number = (id: string, label: string, key: keyof LimitsForm, unit: string) => (
    <div className="field limits-field">
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      <div className="field-row">
        <input
          id={id}
          className="input limits-input"
          inputMode="numeric"
          placeholder="No limit"
          value={form[key] as string}
          onChange={(e) => set({ [key]: e.target.value })}
        />
        <span className="muted">{unit}</span>
      </div>
    </div>
  );

  return (
    <Modal
      title="Limits"
      subtitle={torrents.length === 1 ? first.name : `${torrents.length} torrents`}
      onClose={onClose}
      testId="limits-dialog"
      footer={
        <>
          <span className="footer-note" role="alert">
            {error ?? ''}
          </span>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className="button button-primary"
            disabled={busy}
            onClick={() => void save()}
          >
            Save
          </button>
        </>
      }
    >
      <form
        className="limits-form"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        {number('limit-down', 'Download rate', 'downKiB', 'KiB/s')}
        {number('limit-up', 'Upload rate', 'upKiB', 'KiB/s')}
        {number('limit-peers', 'Max peers', 'maxPeers', 'connections')}
        <fieldset className="limits-fieldset">
          <legend className="field-label">Stop seeding at ratio</legend>
          <label className="check">
            <input
              type="radio"
              name="ratio-mode"
              checked={form.ratioMode === 'global'}
              onChange={() => set({ ratioMode: 'global' })}
            />
            As in Settings ({globalRatio > 0 ? globalRatio : 'no limit'})
          </label>
          <label className="check">
            <input
              type="radio"
              name="ratio-mode"
              checked={form.ratioMode === 'none'}
              onChange={() => set({ ratioMode: 'none' })}
            />
            Never
          </label>
          <label className="check">
            <input
              type="radio"
              name="ratio-mode"
              checked={form.ratioMode === 'own'}
              onChange={() => set({ ratioMode: 'own' })}
            />
            At
            <input
              className="input limits-input"
              aria-label="Ratio"
              inputMode="decimal"
              value={form.ratio}
              disabled={form.ratioMode !== 'own'}
              onChange={(e) => set({ ratio: e.target.value })}
            />
          </label>
        </fieldset>
        {number('limit-seed-time', 'Stop seeding after', 'seedMinutes', 'minutes')}
        <div className="field">
          <label className="field-label" htmlFor="limit-action">
            When a seeding limit is reached
          </label>
          <select
            id="limit-action"
            className="input"
            value={form.onLimit}
            onChange={(e) => set({ onLimit: e.target.value as LimitsForm['onLimit'] })}
          >
            <option value="pause">Pause the torrent</option>
            <option value="remove">Remove the torrent (keep its files)</option>
          </select>
        </div>
        <p className="hint">Empty means no limit of its own; the global limits still apply.</p>
      </form>
    </Modal>
  );
}
