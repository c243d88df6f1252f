/**
 * The Settings' label folders (issue 21) as editable rows, to and from `labelSavePaths`.
 * A row with no label and no folder is ignored; any other must have both.
 */
import { labelProblem, maxLabelSavePaths, normalizeLabel } from '../../../src-shared/model';

export interface LabelFolderRow {
  label: string;
  folder: string;
}

export function labelFolderRows(map: Record<string, string>): LabelFolderRow[] {
  return Object.entries(map)
    .sort(([a], [b]) => a.localeCompare(b, undefined, { sensitivity: 'base' }))
    .map(([label, folder]) => ({ label, folder }));
}

export function labelFoldersPatch(
  rows: readonly LabelFolderRow[],
): { ok: true; map: Record<string, string> } | { ok: false; problem: string } {
  const map: Record<string, string> = {};
  for (const row of rows) {
    const label = normalizeLabel(row.label);
    const folder = row.folder.trim();
    if (label === null && folder === '') continue;
    if (label === null) return { ok: false, problem: `Name the label for ${folder}.` };
    const problem = labelProblem(label);
    if (problem) return { ok: false, problem: `The label ${label} ${problem}.` };
    if (folder === '') return { ok: false, problem: `Choose a folder for ${label}.` };
    if (label in map) return { ok: false, problem: `${label} is listed twice.` };
    map[label] = folder;
  }
  if (Object.keys(map).length > maxLabelSavePaths)
    return { ok: false, problem: `At most ${maxLabelSavePaths} labels can have a folder.` };
  return { ok: true, map };
}
