/**
 * The per-peer timeline (issue 19): one lane per peer connection of a torrent, each a list of
 * clocked events, sent to the Timeline tab as a full view then as deltas.
 *
 * Format. Events cross as rows of `timelineRowStride` numbers in one `Float64Array`:
 *
 *   [lane, id, kind, t0, t1, a, b, c]
 *
 * - `lane` is the lane's id (`TimelineLane.id`), `id` the event's id: ids grow along a lane, so
 *   a row whose id is past the lane's last is appended and any other replaces the row it names.
 * - `t0`/`t1` are clock times in ms; an instant has `t1 === t0`; a span still open has
 *   `t1 === timelineOpen` (it runs to `now`).
 * - `a`, `b`, `c` depend on the kind (see `TimelineKind`).
 *
 * Typed arrays cross IPC by structured clone and the WebSocket as binary frames, so 200 lanes of
 * ten minutes cost 64 bytes an event, not a JSON object each.
 */

/** What each kind's `a`, `b`, `c` mean. */
export const TimelineKind = {
  /** We dialled it (a = 0) or it dialled us (a = 1). */
  connect: 0,
  /** The BitTorrent handshake completed: a = 1 over uTP (0 TCP), b = 1 when encrypted. */
  handshake: 1,
  /** Its pieces: a = pieces it has, b = 0 bitfield, 1 have-all, 2 have-none. */
  bitfield: 2,
  /** It became interested in us (a = 1) or not (a = 0). */
  peerInterest: 3,
  /** We became interested in it (a = 1) or not (a = 0). */
  ourInterest: 4,
  /** A span while it unchokes us (it may send us data). */
  peerUnchoke: 5,
  /** A span while we unchoke it (we may upload). */
  ourUnchoke: 6,
  /** Our requests to it, coalesced: a = count of blocks. */
  requests: 7,
  /** Blocks received, coalesced: a = first piece, b = bytes, c = pieces in the run. */
  run: 8,
  /** Its haves, coalesced: a = last piece announced, b = count. */
  have: 9,
  /** Its rejects of our requests, coalesced: a = first piece, b = count. */
  reject: 10,
  /** The connection closed; the reason is the lane's `closeReason`. */
  close: 11,
} as const;
export type TimelineKind = (typeof TimelineKind)[keyof typeof TimelineKind];

/** Numbers per event row (see the module comment). */
export const timelineRowStride = 8;
/** `t1` of a span that has not ended yet. */
export const timelineOpen = -1;

/** One peer connection, with what its label shows. */
export interface TimelineLane {
  /** Stable for the torrent's run: a new connection to the same address gets a new lane. */
  id: number;
  address: string;
  port: number;
  client: string;
  transport: 'tcp' | 'utp';
  encrypted: boolean;
  incoming: boolean;
  openedAt: number;
  closedAt: number | null;
  /** The CloseReason code once closed. */
  closeReason: string | null;
}

/**
 * A full view (`full: true`: replace everything) or a delta since the view whose cursor was
 * `from`. Lanes carry only new or changed labels in a delta; events only new or changed rows.
 */
export interface TimelineView {
  full: boolean;
  from: number;
  cursor: number;
  /** The engine's clock when built: open spans end here, and the window ends here. */
  now: number;
  /** How far back events are kept (ms); older ones may be dropped by both sides. */
  windowMs: number;
  lanes: TimelineLane[];
  removedLanes: number[];
  events: Float64Array;
}
