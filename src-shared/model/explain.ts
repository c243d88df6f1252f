/**
 * The explainer (issue 19): why a peer is choked or unchoked, why it sends us nothing, and why a
 * torrent has no peers or is slow. Plain data only; the renderer words it (peer-why.ts,
 * diagnosis-text.ts), so the engine never writes sentences for the UI.
 */

/** What the choker ranked peers by: their upload to us while leeching, ours to them seeding. */
export type ChokeRankBasis = 'download' | 'upload';

/** Our side: why we choke or unchoke a peer, as the choker's last decision says. */
export type ChokeReason =
  /** Unchoked: rank `rank` of `of` ranked interested peers, within the `slots` regular slots. */
  | { kind: 'regular'; rank: number; of: number; slots: number; by: ChokeRankBasis }
  /** Unchoked between rechokes because a regular slot was free when it became interested. */
  | { kind: 'free-slot'; slots: number }
  /** Unchoked by the optimistic slot since `since`; it rotates at `rotatesAt` (ms since epoch). */
  | { kind: 'optimistic'; since: number; rotatesAt: number }
  /** Unchoked: slots are unlimited, every interested peer is served. */
  | { kind: 'unlimited' }
  /** Choked: rank `rank` of `of` is past the `slots` regular slots, and it is not optimistic. */
  | { kind: 'outranked'; rank: number; of: number; slots: number; by: ChokeRankBasis }
  /** Choked: it unchoked us but sends nothing (snubbed), so it earns no regular slot. */
  | { kind: 'snubbed' }
  /** Choked: it is not interested in anything we have. */
  | { kind: 'not-interested' }
  /** Choked: it is a seed; uploading to it would be waste. */
  | { kind: 'seed' }
  /** Choked: uploads are off (0 slots). */
  | { kind: 'no-slots' }
  /** Connected since the last decision: the next rechoke (or its interest) decides. */
  | { kind: 'undecided' };

/** Its side: why it sends us data or not, from its flags and what it has. */
export type RemoteReason =
  /** It unchokes us and has pieces we need. */
  | { kind: 'sending' }
  /** We are interested (it has pieces we need) but it chokes us. */
  | { kind: 'chokes-us' }
  /** It unchoked us but has sent nothing for a while. */
  | { kind: 'snubbed' }
  /** We are not interested: it has pieces, but none we need. */
  | { kind: 'nothing-we-need' }
  /** It has no pieces yet (or has not told us which). */
  | { kind: 'nothing-yet' }
  /** We have every piece we want: we need nothing from anyone. */
  | { kind: 'we-are-complete' };

/** Why dials and new connections failed, counted per torrent since it started. */
export type ConnectFailureKind =
  | 'refused'
  | 'timed-out'
  | 'unreachable'
  | 'handshake-mismatch'
  | 'encryption'
  | 'banned'
  | 'other';

export type ConnectFailureCounts = Partial<Record<ConnectFailureKind, number>>;

/** Where a binding rate limit is set. */
export type LimitScope = 'global' | 'torrent';

/**
 * The main reason a torrent has no peers, moves slowly or does not move, with its detail. One
 * cause only: the first that applies in the order of `diagnose` (torrent/diagnosis.ts).
 */
export type DiagnosisCause =
  | { kind: 'disk-error'; message: string }
  | { kind: 'files-missing'; message: string }
  | { kind: 'paused' }
  | { kind: 'checking'; progress: number }
  | { kind: 'queued' }
  | { kind: 'fetching-metadata'; peers: number }
  /** No peers, no addresses to dial, and every tracker failed; `error` is the first one's. */
  | { kind: 'trackers-failed'; trackers: number; error: string }
  /** No peers and no addresses to dial; `trackers` working or still announcing. */
  | { kind: 'no-candidates'; trackers: number; trackersWorking: number }
  /** No peers: the addresses we know failed to connect, counted by reason. */
  | { kind: 'connect-failed'; candidates: number; failures: ConnectFailureCounts }
  /** No peers yet, but addresses to dial: dials are under way or waiting for their turn. */
  | { kind: 'connecting'; candidates: number }
  /** Peers are connected, but none has a piece we still need. */
  | { kind: 'nobody-has-pieces'; peers: number; missingPieces: number }
  /** Every peer that has what we need chokes us. */
  | { kind: 'all-choke-us'; peers: number }
  /** A download limit is binding: we receive about as fast as it allows. */
  | { kind: 'rate-limited'; scope: LimitScope; limitBps: number }
  /** Stalled although peers with what we need unchoke us: our requests go unanswered. */
  | { kind: 'waiting-for-data'; peers: number };

export interface TorrentDiagnosis {
  cause: DiagnosisCause;
  /** 'error' stops the torrent; 'warn' keeps data from coming; 'info' is by choice or passing. */
  severity: 'info' | 'warn' | 'error';
  /** While the torrent is stalled (issue 21): since when it received nothing; else null. */
  stalledSince: number | null;
}
