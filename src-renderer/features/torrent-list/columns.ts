import type { SortKey } from '../../store/selectors';
import { columnSortKey, type ColumnId } from './column-model';

export interface Column {
  // --- column choice (issue 21) ---
  /** The column's id in the stored layout (column-model.ts). */
  id: ColumnId;
  key: SortKey;
  label: string;
  /** Numeric columns are right-aligned so digits line up. */
  numeric: boolean;
  className: string;
  // --- legends (issue 21) ---
  /** The header's tooltip, where the label alone does not say what the cells mean. */
  hint?: string;
}

const col = (
  id: ColumnId,
  label: string,
  numeric: boolean,
  className: string,
  hint?: string,
): Column => ({
  id,
  key: columnSortKey[id],
  label,
  numeric,
  className,
  ...(hint ? { hint } : {}),
});

/** Every column the list can show, in default order (column-model.ts holds the user's choice). */
export const columns: readonly Column[] = [
  col('name', 'Name', false, 'col-name'),
  col('size', 'Size', true, 'col-size'),
  col('progress', 'Progress', false, 'col-progress'),
  col('state', 'State', false, 'col-state'),
  col('down', 'Down', true, 'col-rate'),
  col('up', 'Up', true, 'col-rate col-up'),
  col('eta', 'ETA', true, 'col-eta'),
  // The cells read "2 / 0": the label is their legend (issue 21).
  col('peers', 'Peers / seeds', true, 'col-peers', 'Connected peers / how many of them are seeds'),
  col('ratio', 'Ratio', true, 'col-ratio'),
  // --- column choice (issue 21) ---
  col('added', 'Added', false, 'col-added', 'When the torrent was added'),
  col('completed', 'Completed', false, 'col-completed', 'When the download finished'),
  col('savePath', 'Save path', false, 'col-savepath', 'The folder the data is saved in'),
  col('tracker', 'Tracker', false, 'col-tracker', "The first tracker's host"),
  col(
    'availability',
    'Availability',
    true,
    'col-availability',
    'Copies of the torrent among connected peers: the rarest piece, plus the share of pieces held more often',
  ),
  col('label', 'Label', false, 'col-label', 'The label you gave the torrent'),
];

const byId = new Map(columns.map((c) => [c.id, c]));

export function columnById(id: ColumnId): Column {
  return byId.get(id)!;
}
