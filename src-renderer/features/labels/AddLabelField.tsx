import { useMemo } from 'react';
import { knownLabels, labelProblem } from '../../../src-shared/model';
import { useStore } from '../../store/store';

/** The add dialog's Label field (issue 21): a label in use, one with a folder, or a new one. */
export function AddLabelField(p: { value: string; onChange(value: string): void }) {
  const torrents = useStore((s) => s.torrents);
  const labelPaths = useStore((s) => s.settings?.labelSavePaths);
  const options = useMemo(
    () =>
      knownLabels(
        [...torrents.values()].map((t) => t.label),
        labelPaths ?? {},
      ),
    [torrents, labelPaths],
  );
  const problem = labelProblem(p.value);
  return (
    <div className="field">
      <label className="field-label" htmlFor="add-label">
        Label
      </label>
      <input
        id="add-label"
        className="input"
        list="add-label-options"
        value={p.value}
        placeholder="None"
        spellCheck={false}
        onChange={(e) => p.onChange(e.target.value)}
      />
      <datalist id="add-label-options">
        {options.map((l) => (
          <option key={l} value={l} />
        ))}
      </datalist>
      {problem && <div className="form-error">The label {problem}.</div>}
    </div>
  );
}
