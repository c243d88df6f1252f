/**
 * Who we upload to: BEP 3's choking algorithm as a pure function of the peers, the previous
 * state and `now`. The scheduler (choke-scheduler.ts) applies it on a clock.
 *
 * Invariants:
 * - Only interested peers are unchoked; at most `slots` regular ones plus one optimistic.
 * - Regular slots go by rate: download rate from the peer while leeching (tit-for-tat), upload
 *   rate to the peer while seeding (serve those who take fastest). Snubbed peers get no regular
 *   slot while leeching.
 * - The optimistic unchoke stays for OPTIMISTIC_INTERVAL_MS unless its peer leaves, loses
 *   interest or earns a regular slot; a new one is drawn with peers connected for less than
 *   NEW_PEER_WINDOW_MS weighted NEW_PEER_WEIGHT times, so newcomers get a first piece to trade.
 * - With `slots` = -1 (unlimited) every interested peer is unchoked and there is no optimistic.
 */
import type { Random } from '../time/clock';
import type { ChokeReason } from '../../../src-shared/model';

/** BEP 3: "uploads to four peers" by rate. */
export const REGULAR_UNCHOKE_SLOTS = 4;
/** BEP 3: rechoke every ten seconds, so rates have time to ramp up and TCP to settle. */
export const RECHOKE_INTERVAL_MS = 10_000;
/** BEP 3: the optimistic unchoke rotates every 30 seconds. */
export const OPTIMISTIC_INTERVAL_MS = 30_000;
/** Peers connected for less than this are "new" for the optimistic draw. */
export const NEW_PEER_WINDOW_MS = 60_000;
/** BEP 3 (mainline): new peers are three times as likely to be the optimistic unchoke. */
export const NEW_PEER_WEIGHT = 3;

export interface ChokerPeer {
  key: string;
  interested: boolean;
  downRateBps: number;
  upRateBps: number;
  snubbed: boolean;
  connectedAt: number;
  isSeed?: boolean;
}

export interface ChokerState {
  optimisticKey: string | null;
  optimisticSince: number | null;
  seeding: boolean;
}

export interface ChokeDecision {
  /** Every peer to unchoke, the optimistic one included. */
  unchoke: Set<string>;
  optimistic: string | null;
  state: ChokerState;
  /** Why each peer given is unchoked or choked (issue 19); it decides nothing. */
  reasons: Map<string, ChokeReason>;
}

export interface DecideOptions {
  /** Regular slots; -1 = unchoke every interested peer. Default REGULAR_UNCHOKE_SLOTS. */
  slots?: number;
}

export const initialChokerState = (): ChokerState => ({
  optimisticKey: null,
  optimisticSince: null,
  seeding: false,
});

export function decideUnchokes(
  peers: ChokerPeer[],
  state: ChokerState,
  now: number,
  random: Random,
  opts: DecideOptions = {},
): ChokeDecision {
  const slots = opts.slots ?? REGULAR_UNCHOKE_SLOTS;
  // A seed is never interested in us, but guard anyway: uploading to a seed is waste.
  const interested = peers.filter((p) => p.interested && !p.isSeed);
  if (slots < 0) {
    const unchoke = new Set(interested.map((p) => p.key));
    return {
      unchoke,
      optimistic: null,
      state: { ...state, optimisticKey: null, optimisticSince: null },
      reasons: explain(peers, unchoke, [], null, null, slots, state.seeding),
    };
  }

  const rateOf = (p: ChokerPeer): number => (state.seeding ? p.upRateBps : p.downRateBps);
  // Shuffle first so that equal rates (all zero at start) are broken at random, then sort stably.
  const ranked = shuffled(
    interested.filter((p) => state.seeding || !p.snubbed),
    random,
  ).sort((a, b) => rateOf(b) - rateOf(a));
  const regular = ranked.slice(0, Math.max(0, slots));
  const unchoke = new Set(regular.map((p) => p.key));

  const others = interested.filter((p) => !unchoke.has(p.key));
  let optimistic: string | null = null;
  let since: number | null = null;
  const current = others.find((p) => p.key === state.optimisticKey);
  if (slots === 0) {
    optimistic = null;
  } else if (
    current &&
    state.optimisticSince !== null &&
    now - state.optimisticSince < OPTIMISTIC_INTERVAL_MS
  ) {
    optimistic = current.key;
    since = state.optimisticSince;
  } else {
    // Rotate: prefer someone other than the last optimistic when there is a choice.
    const pool = others.length > 1 ? others.filter((p) => p.key !== state.optimisticKey) : others;
    const chosen = weightedPick(pool, now, random);
    if (chosen) {
      optimistic = chosen.key;
      since = now;
    }
  }
  if (optimistic !== null) unchoke.add(optimistic);
  return {
    unchoke,
    optimistic,
    state: { optimisticKey: optimistic, optimisticSince: since, seeding: state.seeding },
    reasons: explain(peers, unchoke, ranked, optimistic, since, slots, state.seeding),
  };
}

/**
 * The reason for each peer, read off a decision already made (no randomness, so adding it
 * changed no decision). Checked in the order the decision applies its rules.
 */
function explain(
  peers: ChokerPeer[],
  unchoke: Set<string>,
  ranked: ChokerPeer[],
  optimistic: string | null,
  optimisticSince: number | null,
  slots: number,
  seeding: boolean,
): Map<string, ChokeReason> {
  const by = seeding ? 'upload' : 'download';
  const rankOf = new Map(ranked.map((p, i) => [p.key, i + 1]));
  const of = ranked.length;
  const reasons = new Map<string, ChokeReason>();
  for (const p of peers) {
    const rank = rankOf.get(p.key);
    let reason: ChokeReason;
    if (p.isSeed) reason = { kind: 'seed' };
    else if (!p.interested) reason = { kind: 'not-interested' };
    else if (slots < 0) reason = { kind: 'unlimited' };
    else if (p.key === optimistic && optimisticSince !== null)
      reason = {
        kind: 'optimistic',
        since: optimisticSince,
        rotatesAt: optimisticSince + OPTIMISTIC_INTERVAL_MS,
      };
    else if (rank !== undefined && unchoke.has(p.key))
      reason = { kind: 'regular', rank, of, slots, by };
    else if (slots === 0) reason = { kind: 'no-slots' };
    else if (rank === undefined) reason = { kind: 'snubbed' };
    else reason = { kind: 'outranked', rank, of, slots, by };
    reasons.set(p.key, reason);
  }
  return reasons;
}

function weightedPick(pool: ChokerPeer[], now: number, random: Random): ChokerPeer | null {
  if (pool.length === 0) return null;
  const weight = (p: ChokerPeer): number =>
    now - p.connectedAt < NEW_PEER_WINDOW_MS ? NEW_PEER_WEIGHT : 1;
  let total = 0;
  for (const p of pool) total += weight(p);
  let r = random.next() * total;
  for (const p of pool) {
    r -= weight(p);
    if (r < 0) return p;
  }
  return pool[pool.length - 1] ?? null;
}

function shuffled<T>(items: T[], random: Random): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    const t = out[i] as T;
    out[i] = out[j] as T;
    out[j] = t;
  }
  return out;
}
