/**
 * Which columns the torrent list shows, in what order and how wide (issue 21). Pure: the header
 * changes a `ColumnLayout` through these functions, and it is kept in localStorage under a
 * versioned key. Stored data that does not parse, or names columns we do not know, falls back to
 * the defaults column by column, so an old or hand-edited entry never breaks the list.
 *
 * Availability is not a column: `TorrentSummary` carries no distributed-copies figure yet.
 */
import type { SortKey } from '../../store/selectors';

export type ColumnId =
  | 'name'
  | 'size'
  | 'progress'
  | 'state'
  | 'down'
  | 'up'
  | 'eta'
  | 'peers'
  | 'ratio'
  | 'added'
  | 'completed'
  | 'savePath'
  | 'tracker'
  | 'availability'
  | 'label';

export interface ColumnLayout {
  /** Every known column, in display order (hidden ones keep their place for when they return). */
  order: ColumnId[];
  hidden: ColumnId[];
  /** Widths the user chose, in CSS px; absent: the stylesheet's width. */
  widths: Partial<Record<ColumnId, number>>;
}

export const allColumnIds: readonly ColumnId[] = [
  'name',
  'size',
  'progress',
  'state',
  'down',
  'up',
  'eta',
  'peers',
  'ratio',
  'added',
  'completed',
  'savePath',
  'tracker',
  'availability',
  'label',
];

/** The columns that are new in issue 21 start hidden: the list looks as before until asked. */
const hiddenByDefault: readonly ColumnId[] = [
  'added',
  'completed',
  'savePath',
  'tracker',
  'availability',
  'label',
];

/** Name is the one column that cannot be hidden; it takes the width the others leave. */
export const alwaysShown: ColumnId = 'name';

/** Bounds of a chosen width: narrower hides the header text, wider crowds out the name. */
export const minColumnPx = 48;
export const maxColumnPx = 600;
/** One arrow-key press on a resizer; with Shift, `keyStepPx * 4`. */
export const keyStepPx = 10;

export const columnStorageKey = 'swarmscope.columns.v1';

export function defaultLayout(): ColumnLayout {
  return { order: [...allColumnIds], hidden: [...hiddenByDefault], widths: {} };
}

export function isColumnId(x: unknown): x is ColumnId {
  return typeof x === 'string' && (allColumnIds as readonly string[]).includes(x);
}

export function visibleColumns(layout: ColumnLayout): ColumnId[] {
  return layout.order.filter((id) => id === alwaysShown || !layout.hidden.includes(id));
}

export function isShown(layout: ColumnLayout, id: ColumnId): boolean {
  return id === alwaysShown || !layout.hidden.includes(id);
}

/** Shows or hides a column; Name stays. */
export function toggleColumn(layout: ColumnLayout, id: ColumnId): ColumnLayout {
  if (id === alwaysShown) return layout;
  const hidden = layout.hidden.includes(id)
    ? layout.hidden.filter((h) => h !== id)
    : [...layout.hidden, id];
  return { ...layout, hidden };
}

/**
 * Moves a column one visible place left (-1) or right (+1), past any hidden columns between,
 * so that each press moves it on screen.
 */
export function moveColumn(layout: ColumnLayout, id: ColumnId, delta: -1 | 1): ColumnLayout {
  const shown = visibleColumns(layout);
  const at = shown.indexOf(id);
  const target = shown[at + delta];
  if (at < 0 || target === undefined) return layout;
  return moveColumnTo(layout, id, target, delta > 0 ? 'after' : 'before');
}

/** Drops a column before or after another (drag and drop on the header). */
export function moveColumnTo(
  layout: ColumnLayout,
  id: ColumnId,
  target: ColumnId,
  side: 'before' | 'after',
): ColumnLayout {
  if (id === target) return layout;
  const order = layout.order.filter((c) => c !== id);
  const at = order.indexOf(target);
  if (at < 0) return layout;
  order.splice(side === 'before' ? at : at + 1, 0, id);
  return { ...layout, order };
}

export function clampWidth(px: number): number {
  return Math.round(Math.max(minColumnPx, Math.min(maxColumnPx, px)));
}

export function setColumnWidth(layout: ColumnLayout, id: ColumnId, px: number): ColumnLayout {
  if (id === alwaysShown || !Number.isFinite(px)) return layout;
  return { ...layout, widths: { ...layout.widths, [id]: clampWidth(px) } };
}

export function canMove(layout: ColumnLayout, id: ColumnId, delta: -1 | 1): boolean {
  const shown = visibleColumns(layout);
  const at = shown.indexOf(id);
  return at >= 0 && shown[at + delta] !== undefined;
}

/** The sort behind each column's header. */
export const columnSortKey: Record<ColumnId, SortKey> = {
  name: 'name',
  size: 'size',
  progress: 'progress',
  state: 'state',
  down: 'down',
  up: 'up',
  eta: 'eta',
  peers: 'peers',
  ratio: 'ratio',
  added: 'added',
  completed: 'completed',
  savePath: 'savePath',
  tracker: 'tracker',
  availability: 'availability',
  label: 'label',
};

/**
 * Reads a stored layout. Anything unusable falls back to the default for that part: unknown
 * ids are dropped, missing ids return at their default place, widths are clamped.
 */
export function parseLayout(raw: string | null): ColumnLayout {
  if (raw === null) return defaultLayout();
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return defaultLayout();
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return defaultLayout();
  const d = data as Record<string, unknown>;
  if (!Array.isArray(d.order) || !Array.isArray(d.hidden)) return defaultLayout();
  const order: ColumnId[] = [];
  for (const id of d.order) if (isColumnId(id) && !order.includes(id)) order.push(id);
  // A column added in a later version appears after the one it follows by default.
  allColumnIds.forEach((id, i) => {
    if (order.includes(id)) return;
    const before = allColumnIds[i - 1];
    const at = before === undefined ? -1 : order.indexOf(before);
    order.splice(at + 1, 0, id);
  });
  const hidden = d.hidden.filter((id): id is ColumnId => isColumnId(id) && id !== alwaysShown);
  const widths: Partial<Record<ColumnId, number>> = {};
  if (typeof d.widths === 'object' && d.widths !== null && !Array.isArray(d.widths)) {
    for (const [id, px] of Object.entries(d.widths as Record<string, unknown>)) {
      if (isColumnId(id) && id !== alwaysShown && typeof px === 'number' && Number.isFinite(px)) {
        widths[id] = clampWidth(px);
      }
    }
  }
  return { order, hidden: [...new Set(hidden)], widths };
}

export function serializeLayout(layout: ColumnLayout): string {
  return JSON.stringify(layout);
}

type Storage = Pick<globalThis.Storage, 'getItem' | 'setItem'>;

export function loadLayout(storage: Storage | undefined): ColumnLayout {
  try {
    return parseLayout(storage?.getItem(columnStorageKey) ?? null);
  } catch {
    return defaultLayout(); // storage itself may throw (blocked by the browser)
  }
}

export function saveLayout(storage: Storage | undefined, layout: ColumnLayout): void {
  try {
    storage?.setItem(columnStorageKey, serializeLayout(layout));
  } catch {
    // Full or blocked: the layout still applies for this session.
  }
}
