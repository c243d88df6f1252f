/**
 * Labels (issue 21): one free-text label per torrent, for grouping and filtering the list, and
 * a default save folder per label that the add dialog uses when that label is chosen.
 */

/** A label is a short name people read in a column and a filter; longer ones are refused. */
export const maxLabelChars = 64;
/** Labels with a saved folder; far more than anyone names by hand. */
export const maxLabelSavePaths = 256;

/**
 * The label as stored: trimmed, inner runs of white space made one space. Null for an empty
 * text (no label); throws nothing — `labelProblem` says why a text is refused.
 */
export function normalizeLabel(text: string): string | null {
  const t = text.trim().replace(/\s+/g, ' ');
  return t === '' ? null : t;
}

/** Why a label text cannot be used, or null when it can (after `normalizeLabel`). */
export function labelProblem(text: string): string | null {
  const t = normalizeLabel(text) ?? '';
  if (t.length > maxLabelChars) return `must be at most ${maxLabelChars} characters`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(t)) return 'must not contain control characters';
  return null;
}

/** Every label in use or with a saved folder, sorted for a menu (case-insensitive). */
export function knownLabels(
  inUse: Iterable<string | null | undefined>,
  savePaths: Record<string, string> = {},
): string[] {
  const all = new Set<string>(Object.keys(savePaths));
  for (const l of inUse) if (l) all.add(l);
  return [...all].sort((a, b) => a.localeCompare(b, undefined, { sensitivity: 'base' }));
}

/** The folder a new torrent with this label saves to: the label's, else the download folder. */
export function labelSavePath(
  settings: { downloadDir: string; labelSavePaths: Record<string, string> },
  label: string | null,
): string {
  const own = label ? settings.labelSavePaths[label] : undefined;
  return own && own.trim() !== '' ? own : settings.downloadDir;
}
