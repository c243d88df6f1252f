import type { ReactNode } from 'react';
import { stateFilterLabels, stateFilters, type StateFilter } from '../../store/detail-selectors';

export interface ListToolbarProps {
  filter: StateFilter;
  counts: Record<StateFilter, number>;
  search: string;
  selectedCount: number;
  canPause: boolean;
  canResume: boolean;
  canRecheck: boolean;
  onFilter(f: StateFilter): void;
  onSearch(s: string): void;
  onPause(): void;
  onResume(): void;
  onRecheck(): void;
  onRemove(): void;
  /** --- issue 21: the "More actions" menu button, before Remove. */
  more?: ReactNode;
  /** --- labels (issue 21): the label filter, after the search box. */
  labels?: ReactNode;
}

/** State filter (with counts), search, and actions on the selection. */
export function ListToolbar(p: ListToolbarProps) {
  return (
    <div className="list-toolbar">
      <div className="filter-group" role="radiogroup" aria-label="Show torrents">
        {stateFilters.map((f) => (
          <button
            key={f}
            type="button"
            role="radio"
            aria-checked={p.filter === f}
            className="filter-chip"
            data-filter={f}
            data-nonzero={p.counts[f] > 0 || undefined}
            onClick={() => p.onFilter(f)}
          >
            {stateFilterLabels[f]}
            <span className="filter-count">{p.counts[f]}</span>
          </button>
        ))}
      </div>
      <input
        type="search"
        className="search-box"
        placeholder="Search torrents"
        aria-label="Search torrents"
        value={p.search}
        onChange={(e) => p.onSearch(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') p.onSearch('');
        }}
      />
      {p.labels /* --- labels (issue 21) */}
      <span className="list-toolbar-spacer" />
      <span className="selection-count" aria-live="polite">
        {p.selectedCount > 0 ? `${p.selectedCount} selected` : ''}
      </span>
      <button
        type="button"
        className="button button-small"
        disabled={!p.canResume}
        onClick={p.onResume}
        title="Resume (Space)"
      >
        Resume
      </button>
      <button
        type="button"
        className="button button-small"
        disabled={!p.canPause}
        onClick={p.onPause}
        title="Pause (Space)"
      >
        Pause
      </button>
      <button
        type="button"
        className="button button-small"
        disabled={!p.canRecheck}
        onClick={p.onRecheck}
        title="Verify local data: hash every piece again"
      >
        Verify
      </button>
      {p.more}
      <button
        type="button"
        className="button button-small"
        disabled={p.selectedCount === 0}
        onClick={p.onRemove}
        title="Remove (Delete)"
      >
        Remove…
      </button>
    </div>
  );
}
