/**
 * The Settings dialog's Labels section (issue 21): a default save folder per label, which the
 * add dialog uses when that label is chosen. Applied with its own button, as the Queue section.
 */
import { useState } from 'react';
import type { Settings } from '../../../src-shared/model';
import { getClient } from '../../api/client';
import { toApiError } from '../../api/api-error';
import { useStore } from '../../store/store';
import { usePathPicker } from '../file-browser/use-path-picker';
import { labelFolderRows, labelFoldersPatch, type LabelFolderRow } from './label-folders';

export function LabelFoldersSection({ settings }: { settings: Settings }) {
  const setSettings = useStore((s) => s.setSettings);
  const saved = labelFolderRows(settings.labelSavePaths ?? {});
  const [rows, setRows] = useState<LabelFolderRow[]>(saved);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const { pick, browser } = usePathPicker();
  const changed = JSON.stringify(rows) !== JSON.stringify(saved);
  const update = (i: number, patch: Partial<LabelFolderRow>) => {
    setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
    setError(null);
  };

  const apply = async () => {
    const r = labelFoldersPatch(rows);
    if (!r.ok) return setError(r.problem);
    setBusy(true);
    try {
      const next = await getClient().invoke('settings.set', { labelSavePaths: r.map });
      setSettings(next);
      setRows(labelFolderRows(next.labelSavePaths));
    } catch (err) {
      setError(toApiError(err).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="settings-section" aria-labelledby="set-labels">
      <h3 id="set-labels">Labels</h3>
      <div className="hint">New torrents with one of these labels save to its folder.</div>
      {rows.map((row, i) => (
        <div className="field-row" key={i} role="group" aria-label={`Label ${i + 1}`}>
          <input
            className="input"
            aria-label="Label name"
            placeholder="Label"
            value={row.label}
            onChange={(e) => update(i, { label: e.target.value })}
          />
          <input
            className="input mono"
            aria-label="Label folder"
            placeholder="Folder"
            spellCheck={false}
            value={row.folder}
            onChange={(e) => update(i, { folder: e.target.value })}
          />
          <button
            type="button"
            className="button"
            onClick={() =>
              void pick('folder', row.folder || settings.downloadDir).then(
                (p) => p && update(i, { folder: p }),
              )
            }
          >
            Browse…
          </button>
          <button
            type="button"
            className="button"
            aria-label={`Remove ${row.label || 'this label'}`}
            onClick={() => setRows(rows.filter((_, j) => j !== i))}
          >
            Remove
          </button>
        </div>
      ))}
      {error && <div className="form-error">{error}</div>}
      <div className="field-row">
        <button
          type="button"
          className="button"
          onClick={() => setRows([...rows, { label: '', folder: '' }])}
        >
          Add a label folder
        </button>
        <button
          type="button"
          className="button"
          disabled={busy || !changed}
          onClick={() => void apply()}
        >
          Apply label folders
        </button>
      </div>
      {browser}
    </section>
  );
}
