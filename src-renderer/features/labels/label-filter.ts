/**
 * The list's label filter (issue 21): all torrents, those without a label, or one label's.
 * The value is the `<select>`'s: '' for all, `noLabel` for none, else the label itself.
 */
import type { TorrentSummary } from '../../../src-shared/model';
import { knownLabels } from '../../../src-shared/model';

/** No label can hold a control character (model/labels.ts), so this never names one. */
export const noLabel = '\u0000none';

export function filterByLabel(rows: readonly TorrentSummary[], value: string): TorrentSummary[] {
  if (value === '') return [...rows];
  if (value === noLabel) return rows.filter((t) => !t.label);
  return rows.filter((t) => t.label === value);
}

/** The labels in the list, each with how many torrents carry it, sorted. */
export function labelCounts(
  torrents: Iterable<TorrentSummary>,
): { label: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const t of torrents) if (t.label) counts.set(t.label, (counts.get(t.label) ?? 0) + 1);
  return knownLabels(counts.keys()).map((label) => ({ label, count: counts.get(label)! }));
}
