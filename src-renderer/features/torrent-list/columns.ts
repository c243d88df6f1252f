import type { SortKey } from '../../store/selectors';

export interface Column {
  key: SortKey;
  label: string;
  /** Numeric columns are right-aligned so digits line up. */
  numeric: boolean;
  className: string;
}

export const columns: readonly Column[] = [
  { key: 'name', label: 'Name', numeric: false, className: 'col-name' },
  { key: 'size', label: 'Size', numeric: true, className: 'col-size' },
  { key: 'progress', label: 'Progress', numeric: false, className: 'col-progress' },
  { key: 'state', label: 'State', numeric: false, className: 'col-state' },
  { key: 'down', label: 'Down', numeric: true, className: 'col-rate' },
  { key: 'up', label: 'Up', numeric: true, className: 'col-rate col-up' },
  { key: 'eta', label: 'ETA', numeric: true, className: 'col-eta' },
  { key: 'peers', label: 'Peers', numeric: true, className: 'col-peers' },
  { key: 'ratio', label: 'Ratio', numeric: true, className: 'col-ratio' },
];
