/**
 * The snapshot-then-deltas protocol on the client side (docs/ARCHITECTURE.md section 2), as pure
 * functions over plain data so they are tested without React or a store.
 *
 * Invariants: a delta applies only when its seq is exactly one more than ours; an older one is
 * ignored, a newer one is a gap (the caller asks for a new snapshot). Maps are never mutated:
 * each change builds a new Map, so components selecting by reference re-render correctly.
 */
import type { Snapshot, SyncDelta } from '../../src-shared/contract';
import type { SessionStats, TorrentId, TorrentSummary } from '../../src-shared/model';

export interface SyncState {
  torrents: ReadonlyMap<TorrentId, TorrentSummary>;
  /** seq of the last snapshot or delta applied; -1 before the first snapshot. */
  seq: number;
  session: SessionStats | null;
}

export const initialSyncState: SyncState = { torrents: new Map(), seq: -1, session: null };

export function reduceSnapshot(snap: Snapshot): SyncState {
  return {
    torrents: new Map(snap.torrents.map((t) => [t.id, t])),
    seq: snap.seq,
    session: snap.session,
  };
}

export type DeltaOutcome =
  | { kind: 'applied'; state: SyncState }
  | { kind: 'stale' }
  | { kind: 'gap'; expected: number; got: number };

export function reduceDelta(state: SyncState, delta: SyncDelta): DeltaOutcome {
  if (state.seq < 0) return { kind: 'gap', expected: 0, got: delta.seq };
  if (delta.seq <= state.seq) return { kind: 'stale' };
  if (delta.seq !== state.seq + 1) return { kind: 'gap', expected: state.seq + 1, got: delta.seq };
  let torrents = state.torrents;
  if (delta.upserts.length > 0 || delta.removed.length > 0) {
    const next = new Map(state.torrents);
    for (const t of delta.upserts) next.set(t.id, t);
    for (const id of delta.removed) next.delete(id);
    torrents = next;
  }
  return { kind: 'applied', state: { torrents, seq: delta.seq, session: delta.session } };
}
