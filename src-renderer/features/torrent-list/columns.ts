import type { SortKey } from '../../store/selectors';

export interface Column {
  key: SortKey;
  label: string;
  /** Numeric columns are right-aligned so digits line up. */
  numeric: boolean;
  className: string;
  // --- legends (issue 21) ---
  /** The header's tooltip, where the label alone does not say what the cells mean. */
  hint?: string;
}

export const columns: readonly Column[] = [
  { key: 'name', label: 'Name', numeric: false, className: 'col-name' },
  { key: 'size', label: 'Size', numeric: true, className: 'col-size' },
  { key: 'progress', label: 'Progress', numeric: false, className: 'col-progress' },
  { key: 'state', label: 'State', numeric: false, className: 'col-state' },
  { key: 'down', label: 'Down', numeric: true, className: 'col-rate' },
  { key: 'up', label: 'Up', numeric: true, className: 'col-rate col-up' },
  { key: 'eta', label: 'ETA', numeric: true, className: 'col-eta' },
  {
    key: 'peers',
    // The cells read "2 / 0": the label is their legend (issue 21).
    label: 'Peers / seeds',
    numeric: true,
    className: 'col-peers',
    hint: 'Connected peers / how many of them are seeds',
  },
  { key: 'ratio', label: 'Ratio', numeric: true, className: 'col-ratio' },
];
