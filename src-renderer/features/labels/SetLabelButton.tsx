import { useMemo, useState } from 'react';
import type { TorrentId, TorrentSummary } from '../../../src-shared/model';
import { knownLabels, labelProblem, normalizeLabel } from '../../../src-shared/model';
import { getClient } from '../../api/client';
import { errorText } from '../../lib/error-text';
import { useStore } from '../../store/store';
import { Modal } from '../add-and-seed/Modal';
import './labels.css';

/** "Label…" on the selection (issue 21): pick a label in use or type a new one; empty clears. */
export function SetLabelButton({ ids }: { ids: TorrentId[] }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        className="button button-small set-label-button"
        disabled={ids.length === 0}
        onClick={() => setOpen(true)}
      >
        Label…
      </button>
      {open && <SetLabelDialog ids={ids} onClose={() => setOpen(false)} />}
    </>
  );
}

function SetLabelDialog({ ids, onClose }: { ids: TorrentId[]; onClose(): void }) {
  const torrents = useStore((s) => s.torrents);
  const labelPaths = useStore((s) => s.settings?.labelSavePaths);
  const pushToast = useStore((s) => s.pushToast);
  const chosen = ids.map((id) => torrents.get(id)).filter((t): t is TorrentSummary => !!t);
  const current = new Set(chosen.map((t) => t.label ?? ''));
  const [text, setText] = useState(current.size === 1 ? [...current][0]! : '');
  const [busy, setBusy] = useState(false);
  const options = useMemo(
    () =>
      knownLabels(
        [...torrents.values()].map((t) => t.label),
        labelPaths ?? {},
      ),
    [torrents, labelPaths],
  );
  const problem = labelProblem(text);

  const save = async () => {
    if (problem) return;
    setBusy(true);
    try {
      await getClient().invoke('torrent.setLabel', { ids, label: normalizeLabel(text) });
      onClose();
    } catch (err) {
      pushToast({ level: 'error', title: 'Could not set the label', ...errorText(err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      title="Label"
      subtitle={chosen.length === 1 ? chosen[0]!.name : `${chosen.length} torrents`}
      onClose={onClose}
      testId="label-dialog"
      footer={
        <>
          <span className="footer-note" role="alert">
            {problem ? `The label ${problem}.` : ''}
          </span>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className="button button-primary"
            disabled={busy || !!problem}
            onClick={() => void save()}
          >
            Set label
          </button>
        </>
      }
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <div className="field">
          <label className="field-label" htmlFor="label-text">
            Label
          </label>
          <input
            id="label-text"
            className="input"
            list="label-options"
            value={text}
            autoFocus
            placeholder="None"
            onChange={(e) => setText(e.target.value)}
          />
          <datalist id="label-options">
            {options.map((l) => (
              <option key={l} value={l} />
            ))}
          </datalist>
          <div className="hint">Pick one in use or type a new one; empty removes the label.</div>
        </div>
      </form>
    </Modal>
  );
}
