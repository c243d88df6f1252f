/**
 * "New lab swarm…" (issue 19): content (generated of a size, or a file on the host), how many
 * leechers, seeders, freeloaders and corrupt peers, each peer's upload limit, arrival spread and
 * churn. Creating it starts the lab on the host and shows the Lab view. A Modal: labelled, focus
 * kept inside, Escape closes.
 */
import { useState, type FormEvent } from 'react';
import { getClient } from '../../api/client';
import { toApiError } from '../../api/api-error';
import { useStore } from '../../store/store';
import { Modal } from '../add-and-seed/Modal';
import { usePathPicker } from '../file-browser/use-path-picker';
import { defaultLabForm, labConfigFromForm, type LabForm } from './lab-form';
import './lab.css';

interface NumberFieldProps {
  id: string;
  label: string;
  hint: string;
  value: string;
  min: number;
  max: number;
  step?: number;
  onChange(v: string): void;
}

function NumberField({ id, label, hint, value, min, max, step, onChange }: NumberFieldProps) {
  return (
    <div className="field lab-field">
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      <input
        id={id}
        className="input"
        type="number"
        inputMode="decimal"
        min={min}
        max={max}
        step={step ?? 1}
        value={value}
        aria-describedby={`${id}-hint`}
        onChange={(e) => onChange(e.target.value)}
      />
      <div id={`${id}-hint`} className="lab-hint">
        {hint}
      </div>
    </div>
  );
}

export function NewLabDialog() {
  const open = useStore((s) => s.labDialogOpen);
  return open ? <NewLabForm /> : null;
}

function NewLabForm() {
  const close = useStore((s) => s.closeLabDialog);
  const applyLabState = useStore((s) => s.applyLabState);
  const showLabView = useStore((s) => s.showLabView);
  const [form, setForm] = useState<LabForm>(defaultLabForm);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const { pick, browser } = usePathPicker();
  const set = (patch: Partial<LabForm>) => {
    setForm((f) => ({ ...f, ...patch }));
    setError(null);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const parsed = labConfigFromForm(form);
    if ('error' in parsed) {
      setError(parsed.error);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const lab = await getClient().invoke('lab.create', parsed.config);
      applyLabState(lab);
      showLabView(true);
      close();
    } catch (err) {
      setError(toApiError(err).message);
    } finally {
      setBusy(false);
    }
  };

  const chooseFile = async () => {
    try {
      const path = await pick('file');
      if (path) set({ filePath: path, source: 'file' });
    } catch (err) {
      setError(toApiError(err).message);
    }
  };

  return (
    <Modal
      title="New lab swarm"
      subtitle="Real Swarmscope peers on this machine, each in its own process, with their own tracker"
      onClose={close}
      testId="lab-dialog"
      footer={
        <div className="button-row">
          <button type="button" className="button" onClick={close}>
            Cancel
          </button>
          <button
            type="submit"
            form="lab-form"
            className="button button-primary"
            disabled={busy}
            aria-busy={busy}
          >
            {busy ? 'Starting…' : 'Start lab'}
          </button>
        </div>
      }
    >
      <form id="lab-form" className="lab-form" onSubmit={(e) => void submit(e)} noValidate>
        <fieldset className="lab-fieldset">
          <legend className="field-label">Content</legend>
          <label className="check">
            <input
              type="radio"
              name="lab-source"
              checked={form.source === 'generated'}
              onChange={() => set({ source: 'generated' })}
              data-autofocus
            />
            Generated content of
            <input
              className="input lab-inline-input"
              type="number"
              min={1}
              max={1024}
              aria-label="Content size in MiB"
              value={form.sizeMiB}
              disabled={form.source !== 'generated'}
              onChange={(e) => set({ sizeMiB: e.target.value })}
            />
            MiB
          </label>
          <label className="check">
            <input
              type="radio"
              name="lab-source"
              checked={form.source === 'file'}
              onChange={() => set({ source: 'file' })}
            />
            A file
          </label>
          {form.source === 'file' && (
            <div className="field-row">
              <input
                className="input"
                aria-label="File to share"
                placeholder="/path/to/file"
                value={form.filePath}
                onChange={(e) => set({ filePath: e.target.value })}
              />
              <button type="button" className="button" onClick={() => void chooseFile()}>
                Choose…
              </button>
            </div>
          )}
        </fieldset>
        <div className="lab-grid">
          <NumberField
            id="lab-leechers"
            label="Leechers"
            hint="1 to 50 honest downloaders"
            min={1}
            max={50}
            value={form.leechers}
            onChange={(v) => set({ leechers: v })}
          />
          <NumberField
            id="lab-seeders"
            label="Seeders"
            hint="1 to 5, holding everything"
            min={1}
            max={5}
            value={form.seeders}
            onChange={(v) => set({ seeders: v })}
          />
          <NumberField
            id="lab-freeloaders"
            label="Freeloaders"
            hint="Download, never upload"
            min={0}
            max={10}
            value={form.freeloaders}
            onChange={(v) => set({ freeloaders: v })}
          />
          <NumberField
            id="lab-corrupt"
            label="Corrupt peers"
            hint="Send bad blocks; get banned"
            min={0}
            max={5}
            value={form.corrupt}
            onChange={(v) => set({ corrupt: v })}
          />
          <NumberField
            id="lab-upload"
            label="Upload limit per peer (KiB/s)"
            hint="0 for unlimited"
            min={0}
            max={1048576}
            value={form.uploadLimitKiBps}
            onChange={(v) => set({ uploadLimitKiBps: v })}
          />
          <NumberField
            id="lab-arrival"
            label="Arrival spread (s)"
            hint="Leechers join evenly over this time"
            min={0}
            max={600}
            value={form.arrivalSpreadSec}
            onChange={(v) => set({ arrivalSpreadSec: v })}
          />
          <NumberField
            id="lab-churn"
            label="Churn (peers per minute)"
            hint="Leave, and return 5 s later"
            min={0}
            max={60}
            step={0.5}
            value={form.churnPerMin}
            onChange={(v) => set({ churnPerMin: v })}
          />
        </div>
        {error && (
          <div className="form-error" role="alert">
            {error}
          </div>
        )}
      </form>
      {browser}
    </Modal>
  );
}
