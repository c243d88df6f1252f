/**
 * The detail slice: which torrents are selected in the list, which one the details panel shows,
 * its open tab, and the data of that tab as the host pushes it with `view.update`.
 *
 * Invariants:
 * - `detailId` is the torrent whose data the slice holds; an update for another id is ignored,
 *   so a late update after switching torrents never shows the wrong torrent's peers.
 * - The piece map is NOT React state: its bytes live in `pieceBuffer` (outside the store) and
 *   only `piecesVersion` changes, so a 100k-piece map never goes through React or a Map copy.
 * - The kept log is capped at `maxLogEntries`; the oldest entries go first.
 * - Selection sets are replaced, never mutated.
 */
import type { StateCreator } from 'zustand';
import type { DetailTopic, DetailUpdate } from '../../src-shared/contract';
import type {
  FileProgress,
  PeerEvent,
  PeerSnapshot,
  SeedingStats,
  TorrentId,
  TrackerStatus,
  OriginPeer, // --- piece origins (issue 19)
} from '../../src-shared/model';
import { applyPieceDelta } from '../../src-shared/piece-delta';
import type { AppState } from './store';
// --- timeline (issue 19) ---
import { applyTimelineView, emptyTimeline } from '../../src-shared/timeline-delta';
import type { TimelineState } from '../../src-shared/timeline-delta';

/**
 * The Timeline tab's lanes, outside React state like the piece map: the painter reads them on
 * its animation frame; `timelineVersion` says they changed.
 */
export const timelineBuffer: TimelineState = emptyTimeline();

function resetTimeline(t: TimelineState): void {
  Object.assign(t, emptyTimeline(), { version: t.version + 1 });
}

// --- swarm graph (issue 19) ---
/**
 * A tab of the details panel: a watched topic, or a view built from several (the Swarm tab
 * watches peers and trackers; see useDetailWatch).
 */
export type DetailTab = DetailTopic | 'swarm';

/** Log entries kept per torrent in the renderer; older ones scroll away for good. */
export const maxLogEntries = 5000;

export interface PieceBuffer {
  states: Uint8Array;
  availability: Uint16Array;
  /** Indices changed by the last delta (for incremental redraws); null after a full map. */
  changed: Uint32Array | null;
  // --- piece origins (issue 19) ---
  /** Origin slot per piece (src-shared/model/pieces.ts); empty when the host sends none. */
  origins?: Uint16Array;
  originPeers?: OriginPeer[];
}

/** The piece map of the torrent on screen, outside React state (docs/ARCHITECTURE.md section 5). */
export const pieceBuffer: PieceBuffer = {
  states: new Uint8Array(0),
  availability: new Uint16Array(0),
  changed: null,
};

/**
 * Applies a `view.update` piece payload to the buffer in place (or replaces its arrays for a full
 * map). Returns false, with the buffer untouched, when a delta does not fit it (a full map must
 * come first). The delta's format and its one reader live in src-shared (`applyPieceDelta`).
 */
export function applyPieceUpdate(
  buf: PieceBuffer,
  pieces: NonNullable<DetailUpdate['pieces']>,
): boolean {
  if ('full' in pieces) {
    buf.states = pieces.full.states.slice();
    buf.availability = pieces.full.availability.slice();
    buf.changed = null;
    // --- piece origins (issue 19) ---
    buf.origins = pieces.full.origins?.slice() ?? new Uint16Array(0);
    buf.originPeers = pieces.full.originPeers ?? [];
    return true;
  }
  if (!applyPieceDelta(buf, pieces.delta)) return false;
  buf.changed = pieces.delta.indices;
  return true;
}

export function resetPieceBuffer(buf: PieceBuffer): void {
  buf.states = new Uint8Array(0);
  buf.availability = new Uint16Array(0);
  buf.changed = null;
  // --- piece origins (issue 19) ---
  buf.origins = new Uint16Array(0);
  buf.originPeers = [];
}

/** Appends new log entries, keeping at most `cap` (the newest). Returns a new array. */
export function appendLog(
  kept: readonly PeerEvent[],
  added: readonly PeerEvent[],
  cap = maxLogEntries,
): PeerEvent[] {
  const all = kept.length + added.length;
  if (all <= cap) return [...kept, ...added];
  if (added.length >= cap) return added.slice(added.length - cap);
  return [...kept.slice(all - cap), ...added];
}

/** The new selection after a click on `id` among `orderedIds` (the list as shown). */
export function clickSelection(
  current: ReadonlySet<TorrentId>,
  anchor: TorrentId | null,
  orderedIds: readonly TorrentId[],
  id: TorrentId,
  mods: { shift: boolean; toggle: boolean },
): { selection: ReadonlySet<TorrentId>; anchor: TorrentId } {
  if (mods.shift && anchor !== null) {
    const a = orderedIds.indexOf(anchor);
    const b = orderedIds.indexOf(id);
    if (a >= 0 && b >= 0) {
      const [lo, hi] = a < b ? [a, b] : [b, a];
      const range = orderedIds.slice(lo, hi + 1);
      const next = mods.toggle ? new Set([...current, ...range]) : new Set(range);
      return { selection: next, anchor };
    }
  }
  if (mods.toggle) {
    const next = new Set(current);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    return { selection: next, anchor: id };
  }
  return { selection: new Set([id]), anchor: id };
}

export interface DetailSlice {
  selection: ReadonlySet<TorrentId>;
  /** Where shift-click ranges start. */
  selectionAnchor: TorrentId | null;
  /** The torrent the details panel shows (the last one clicked or moved to). */
  detailId: TorrentId | null;
  detailTab: DetailTab;
  peers: readonly PeerSnapshot[] | null;
  trackers: readonly TrackerStatus[] | null;
  files: readonly FileProgress[] | null;
  seeding: SeedingStats | null;
  log: readonly PeerEvent[];
  // --- explainer (issue 19) ---
  /** The latest peer closes of the watched torrent, newest last (the peer detail's reason). */
  peerCloses: readonly PeerEvent[];
  /** Bumped each time `pieceBuffer` changes. */
  piecesVersion: number;
  setSelection(
    selection: ReadonlySet<TorrentId>,
    anchor: TorrentId | null,
    detailId: TorrentId | null,
  ): void;
  setDetailTab(tab: DetailTab): void;
  /** Forget the data of the previous torrent or tab (a new watch starts). */
  resetDetailData(): void;
  applyViewUpdate(update: DetailUpdate): void;
  /** Drop ids that are gone from the list out of the selection. */
  pruneSelection(present: ReadonlyMap<TorrentId, unknown>): void;
  // --- timeline (issue 19) ---
  /** Bumped each time `timelineBuffer` changes. */
  timelineVersion: number;
  /** The piece picked elsewhere (a run on the Timeline tab) that the piece map highlights. */
  selectedPiece: number | null;
  selectPiece(piece: number | null): void;
}

type Slice<T> = StateCreator<AppState, [], [], T>;

/** --- explainer (issue 19): closes the renderer keeps for the peer detail. */
const peerClosesKept = 64;

const emptyData = {
  peers: null,
  trackers: null,
  files: null,
  seeding: null,
  log: [] as readonly PeerEvent[],
  peerCloses: [] as readonly PeerEvent[], // --- explainer (issue 19)
};

export const createDetailSlice: Slice<DetailSlice> = (set, get) => ({
  selection: new Set(),
  selectionAnchor: null,
  detailId: null,
  detailTab: 'peers',
  ...emptyData,
  piecesVersion: 0,
  // --- timeline (issue 19) ---
  timelineVersion: 0,
  selectedPiece: null,
  selectPiece: (selectedPiece) => set({ selectedPiece }),
  setSelection(selection, anchor, detailId) {
    const changedDetail = detailId !== get().detailId;
    if (changedDetail) resetPieceBuffer(pieceBuffer);
    if (changedDetail) resetTimeline(timelineBuffer); // --- timeline (issue 19)
    set({
      selection,
      selectionAnchor: anchor,
      detailId,
      ...(changedDetail ? { ...emptyData, piecesVersion: get().piecesVersion + 1 } : {}),
      // --- timeline (issue 19): another torrent's piece is not selected.
      ...(changedDetail ? { selectedPiece: null, timelineVersion: timelineBuffer.version } : {}),
    });
  },
  setDetailTab: (detailTab) => set({ detailTab }),
  resetDetailData() {
    resetPieceBuffer(pieceBuffer);
    resetTimeline(timelineBuffer); // --- timeline (issue 19)
    set((s) => ({
      ...emptyData,
      piecesVersion: s.piecesVersion + 1,
      timelineVersion: timelineBuffer.version, // --- timeline (issue 19)
    }));
  },
  applyViewUpdate(update) {
    const s = get();
    if (update.id !== s.detailId) return;
    const patch: Partial<DetailSlice> = {};
    if (update.peers) patch.peers = update.peers;
    if (update.trackers) patch.trackers = update.trackers;
    if (update.files) patch.files = update.files;
    if (update.seeding) patch.seeding = update.seeding;
    if (update.log && update.log.length > 0) patch.log = appendLog(s.log, update.log);
    // --- explainer (issue 19): the newest closes only; a peer detail looks its peer up here.
    if (update.peerCloses && update.peerCloses.length > 0)
      patch.peerCloses = [...s.peerCloses, ...update.peerCloses].slice(-peerClosesKept);
    if (update.pieces && applyPieceUpdate(pieceBuffer, update.pieces)) {
      patch.piecesVersion = s.piecesVersion + 1;
    }
    // --- timeline (issue 19): a delta that does not follow is dropped; a new watch repairs it.
    if (update.timeline && applyTimelineView(timelineBuffer, update.timeline)) {
      patch.timelineVersion = timelineBuffer.version;
    }
    if (Object.keys(patch).length > 0) set(patch);
  },
  pruneSelection(present) {
    const s = get();
    let gone = false;
    for (const id of s.selection) if (!present.has(id)) gone = true;
    const detailGone = s.detailId !== null && !present.has(s.detailId);
    if (!gone && !detailGone) return;
    const selection = new Set([...s.selection].filter((id) => present.has(id)));
    if (detailGone) resetPieceBuffer(pieceBuffer);
    if (detailGone) resetTimeline(timelineBuffer); // --- timeline (issue 19)
    set({
      selection,
      selectionAnchor:
        s.selectionAnchor !== null && present.has(s.selectionAnchor) ? s.selectionAnchor : null,
      ...(detailGone ? { detailId: null, ...emptyData, piecesVersion: s.piecesVersion + 1 } : {}),
    });
  },
});
