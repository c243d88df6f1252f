/**
 * The one reader of `TimelineView` (format in src-shared/model/timeline.ts): it keeps the lanes
 * of one torrent and applies a full view or a delta to them, in the renderer and in the host's
 * tests alike.
 *
 * Invariants:
 * - A delta applies only on top of the view it was made from (`from === cursor`); otherwise
 *   nothing changes and `applyTimelineView` returns false (the next full view repairs it).
 * - Each lane's rows stay in id order: a new id is appended, a known one replaced in place.
 * - Rows older than the window (ended before `now - windowMs`) leave from the front, and a lane
 *   never keeps more than `maxRowsPerLane`, so memory is bounded as on the engine's side.
 */
import {
  timelineOpen,
  timelineRowStride,
  type TimelineLane,
  type TimelineView,
} from './model/timeline';

const S = timelineRowStride;

/** One lane's rows: `[lane, id, kind, t0, t1, a, b, c]` each, `count` of them from `rows[0]`. */
export interface TimelineLaneData {
  meta: TimelineLane;
  rows: Float64Array;
  count: number;
}

export interface TimelineState {
  cursor: number;
  now: number;
  windowMs: number;
  /** Lanes by id, in the order they began. */
  lanes: Map<number, TimelineLaneData>;
  /** Bumped by every change: the painter redraws when it moves. */
  version: number;
}

export function emptyTimeline(): TimelineState {
  return { cursor: 0, now: 0, windowMs: 0, lanes: new Map(), version: 0 };
}

/** Applies a view in place; false (state unchanged) for a delta that does not follow it. */
export function applyTimelineView(
  state: TimelineState,
  view: TimelineView,
  maxRowsPerLane = 3_000,
): boolean {
  if (view.full) state.lanes.clear();
  else if (view.from !== state.cursor) return false;
  for (const id of view.removedLanes) state.lanes.delete(id);
  for (const meta of view.lanes) {
    const lane = state.lanes.get(meta.id);
    if (lane) lane.meta = meta;
    else state.lanes.set(meta.id, { meta, rows: new Float64Array(16 * S), count: 0 });
  }
  const ev = view.events;
  for (let o = 0; o + S <= ev.length; o += S) {
    const lane = state.lanes.get(ev[o]!);
    if (lane) upsertRow(lane, ev, o);
  }
  const horizon = view.now - view.windowMs;
  for (const lane of state.lanes.values()) trimLane(lane, horizon, maxRowsPerLane);
  state.cursor = view.cursor;
  state.now = view.now;
  state.windowMs = view.windowMs;
  state.version++;
  return true;
}

function upsertRow(lane: TimelineLaneData, src: Float64Array, o: number): void {
  const id = src[o + 1]!;
  const lastId = lane.count > 0 ? lane.rows[(lane.count - 1) * S + 1]! : -1;
  let at: number;
  if (id > lastId) {
    if ((lane.count + 1) * S > lane.rows.length) {
      const grown = new Float64Array(lane.rows.length * 2);
      grown.set(lane.rows.subarray(0, lane.count * S));
      lane.rows = grown;
    }
    at = lane.count++;
  } else {
    at = findRow(lane, id);
    // A row already gone from our window: nothing to change.
    if (at < 0) return;
  }
  lane.rows.set(src.subarray(o, o + S), at * S);
}

/** The index of the row with this id (binary search: ids grow along a lane), or -1. */
export function findRow(lane: TimelineLaneData, id: number): number {
  let lo = 0;
  let hi = lane.count - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = lane.rows[mid * S + 1]!;
    if (v === id) return mid;
    if (v < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

function trimLane(lane: TimelineLaneData, horizon: number, cap: number): void {
  let drop = Math.max(0, lane.count - cap);
  while (drop < lane.count) {
    const t1 = lane.rows[drop * S + 4]!;
    if (t1 === timelineOpen || t1 >= horizon) break;
    drop++;
  }
  if (drop === 0) return;
  lane.rows.copyWithin(0, drop * S, lane.count * S);
  lane.count -= drop;
}
