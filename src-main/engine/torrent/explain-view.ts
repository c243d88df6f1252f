/**
 * The explainer's numbers (issue 19), gathered from the torrent's parts: the diagnosis and the
 * Stalled state on the summary, and each peer's choke reason, its side's reason and the pieces
 * it has that we need on the Peers view.
 *
 * Invariants:
 * - Read-only, like snapshot.ts.
 * - summary work is O(peers + trackers); only the "nobody has the pieces" cause walks the pieces.
 * - A binding limit is one that held requests back within LIMIT_BINDING_WINDOW_MS.
 */
import type {
  ChokeReason,
  ConnectFailureCounts,
  ErrorCode,
  LimitScope,
  PeerSnapshot,
  TorrentState,
  TorrentSummary,
  TrackerStatus,
} from '../../../src-shared/model';
import type { PiecePicker } from '../picker';
import { remoteReason } from '../choker/remote-reason';
import { diagnose } from './diagnosis';
import type { PeerState } from './torrent-context';

/** A limit that held requests back this recently is binding (a few refills of the bucket). */
export const LIMIT_BINDING_WINDOW_MS = 3_000;

export interface SummaryExplainInput {
  /** The torrent's own state. */
  state: TorrentState;
  errorCode: ErrorCode | null;
  peers: Iterable<PeerState>;
  picker: PiecePicker;
  trackers: TrackerStatus[];
  candidates: number;
  failures: ConnectFailureCounts;
  /** When the download limit last held requests back, and that limit (0 = none). */
  throttledAt: number | null;
  downLimitBps: number;
  /** This torrent's own download limit (0 or absent = none); the lower binding one is named. */
  torrentDownLimitBps?: number;
  stalledSince: number | null;
  now: number;
}

/** The summary with its diagnosis, and 'stalled' for a stalled download (issue 21). */
export function explainSummary(s: TorrentSummary, x: SummaryExplainInput): TorrentSummary {
  let peers = 0;
  let useful = 0;
  let unchoking = 0;
  for (const p of x.peers) {
    peers++;
    if (!p.conn.amInterested) continue;
    useful++;
    if (!p.conn.peerChoking) unchoking++;
  }
  const bindingLimit = bindingLimitOf(x);
  const stalledSince = x.state === 'downloading' ? x.stalledSince : null;
  const diagnosis = diagnose({
    state: x.state,
    error: s.error,
    errorCode: x.errorCode,
    checkProgress: s.checkProgress,
    peers,
    usefulPeers: useful,
    usefulUnchoking: unchoking,
    trackers: x.trackers,
    candidates: x.candidates,
    failures: x.failures,
    bindingLimit,
    stalledSince,
    missingPieces: () => {
      let n = 0;
      for (let i = 0; i < s.pieceCount; i++) if (x.picker.wants(i)) n++;
      return n;
    },
  });
  return { ...s, state: stalledSince !== null ? 'stalled' : s.state, diagnosis };
}

/** The download limit that held requests back lately: the lower of the torrent's and the global. */
function bindingLimitOf(x: SummaryExplainInput): { scope: LimitScope; limitBps: number } | null {
  if (x.throttledAt === null || x.now - x.throttledAt >= LIMIT_BINDING_WINDOW_MS) return null;
  const own = x.torrentDownLimitBps ?? 0;
  if (own > 0 && (x.downLimitBps === 0 || own <= x.downLimitBps))
    return { scope: 'torrent', limitBps: own };
  return x.downLimitBps > 0 ? { scope: 'global', limitBps: x.downLimitBps } : null;
}

/** Each peer's explainer fields, added to its snapshot. */
export function explainPeers(
  snaps: PeerSnapshot[],
  peers: ReadonlyMap<string, PeerState>,
  picker: PiecePicker,
  pieceCount: number,
  chokeReason: (key: string) => ChokeReason,
): PeerSnapshot[] {
  const complete = picker.isComplete();
  // The pieces we still want, once: each peer then costs O(wanted), not O(pieces).
  const wanted: number[] = [];
  if (!complete) for (let i = 0; i < pieceCount; i++) if (picker.wants(i)) wanted.push(i);
  return snaps.map((snap) => {
    const p = peers.get(snap.key);
    if (!p) return snap;
    const bf = p.conn.peerBitfield;
    let needed = 0;
    for (const i of wanted) if (bf.get(i)) needed++;
    return {
      ...snap,
      chokeReason: chokeReason(snap.key),
      remoteReason: remoteReason({
        amInterested: p.conn.amInterested,
        peerChoking: p.conn.peerChoking,
        snubbed: p.conn.snubbed,
        hasPieces: bf.count() > 0,
        weAreComplete: complete,
      }),
      neededPieces: needed,
    };
  });
}
