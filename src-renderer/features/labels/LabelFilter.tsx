import { useMemo } from 'react';
import type { TorrentSummary } from '../../../src-shared/model';
import { labelCounts, noLabel } from './label-filter';

/**
 * The list toolbar's label filter (issue 21); hidden until some torrent has a label. A label
 * that disappears (its last torrent relabelled) falls back to "All labels".
 */
export function LabelFilter(p: {
  torrents: ReadonlyMap<string, TorrentSummary>;
  value: string;
  onChange(value: string): void;
}) {
  const labels = useMemo(() => labelCounts(p.torrents.values()), [p.torrents]);
  if (labels.length === 0) return null;
  const value =
    p.value === '' || p.value === noLabel || labels.some((l) => l.label === p.value) ? p.value : '';
  return (
    <select
      className="input label-filter"
      aria-label="Filter by label"
      value={value}
      onChange={(e) => p.onChange(e.target.value)}
    >
      <option value="">All labels</option>
      {labels.map((l) => (
        <option key={l.label} value={l.label}>
          {l.label} ({l.count})
        </option>
      ))}
      <option value={noLabel}>No label</option>
    </select>
  );
}
