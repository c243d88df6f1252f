/**
 * BEP 5 iterative lookup (find_node or get_peers) toward a target id.
 *
 * Invariants:
 * - At most `alpha` queries in flight, sent only to the `k` closest candidates not yet asked.
 * - Ends when the `k` closest live candidates have all answered, when nothing is left to ask,
 *   after `maxQueries` queries, or after `timeoutMs`: a node answering with itself, or with
 *   invented nodes, cannot keep it going.
 * - Candidates are deduplicated by id and by address, capped at `maxCandidates` (closest kept);
 *   our own id and invalid addresses are skipped.
 * - Seeds without an id (bootstrap routers) are asked first; their answer gives their id.
 */
import type { Clock } from '../time/clock';
import type { PeerAddress } from '../tracker/codec/compact-peers';
import type { NodeInfo } from './compact-nodes';
import { compareDistance, idToHex, idsEqual } from './node-id';
import type { NodeId } from './node-id';
import { isValidNodeAddress } from './routing-table';

export interface LookupTarget {
  id: NodeId | null;
  address: string;
  port: number;
}

export interface LookupReply {
  id: NodeId;
  nodes: readonly NodeInfo[];
  values?: readonly PeerAddress[];
  token?: Uint8Array;
}

export interface LookupOptions {
  /** --- BEP 32 (issue 18): the family of the nodes walked (the IPv6 DHT: 6); 4 by default. */
  family?: 4 | 6;
  target: NodeId;
  ownId: NodeId;
  clock: Clock;
  alpha: number;
  k: number;
  maxQueries: number;
  maxCandidates: number;
  maxPeers: number;
  timeoutMs: number;
  /** Sends the lookup's query to one node; null when it failed or timed out. */
  query(node: LookupTarget): Promise<LookupReply | null>;
  /** New peers, as each answer brings them (get_peers). */
  onPeers?(peers: PeerAddress[]): void;
  /** True once the owner closed: the lookup stops sending. */
  aborted(): boolean;
}

export interface LookupResult {
  /** The closest nodes that answered, closest first, with the token each gave. */
  closest: (NodeInfo & { token?: Uint8Array })[];
  peers: PeerAddress[];
  queries: number;
  timedOut: boolean;
}

interface Candidate extends LookupTarget {
  state: 'new' | 'pending' | 'done' | 'failed';
  token?: Uint8Array;
}

export function runLookup(
  seeds: readonly LookupTarget[],
  opts: LookupOptions,
): Promise<LookupResult> {
  const candidates: Candidate[] = [];
  const seenAddr = new Set<string>();
  const seenId = new Set<string>();
  const peers = new Map<string, PeerAddress>();
  let inFlight = 0;
  let queries = 0;
  let finished = false;

  const order = (a: Candidate, b: Candidate): number => {
    if (a.id === null || b.id === null) return (a.id === null ? 0 : 1) - (b.id === null ? 0 : 1);
    return compareDistance(opts.target, a.id, b.id);
  };

  const addCandidate = (n: LookupTarget): void => {
    const addr = `${n.address}:${n.port}`;
    if (seenAddr.has(addr) || !isValidNodeAddress(n.address, n.port, opts.family ?? 4)) return;
    if (n.id !== null && (idsEqual(n.id, opts.ownId) || seenId.has(idToHex(n.id)))) return;
    seenAddr.add(addr);
    if (n.id !== null) seenId.add(idToHex(n.id));
    candidates.push({ id: n.id, address: n.address, port: n.port, state: 'new' });
  };

  for (const s of seeds) addCandidate(s);

  return new Promise((resolve) => {
    const timer = opts.clock.setTimeout(() => finish(true), opts.timeoutMs);

    function finish(timedOut: boolean): void {
      if (finished) return;
      finished = true;
      timer.cancel();
      const closest = candidates
        .filter((c) => c.state === 'done' && c.id !== null)
        .slice(0, opts.k)
        .map((c) => ({ id: c.id!, address: c.address, port: c.port, token: c.token }));
      resolve({ closest, peers: [...peers.values()], queries, timedOut });
    }

    function onReply(c: Candidate, reply: LookupReply | null): void {
      inFlight--;
      if (finished) return;
      if (reply === null) {
        c.state = 'failed';
      } else {
        const hex = idToHex(reply.id);
        // A node answering under an id another candidate has is a duplicate: use it once.
        const duplicate = (c.id === null || !idsEqual(c.id, reply.id)) && seenId.has(hex);
        c.id = reply.id;
        seenId.add(hex);
        c.state = duplicate || idsEqual(reply.id, opts.ownId) ? 'failed' : 'done';
        if (c.state === 'done') c.token = reply.token;
        for (const n of reply.nodes) addCandidate(n);
        candidates.sort(order);
        // Keep the closest; the farther ones would never be asked anyway.
        if (candidates.length > opts.maxCandidates) {
          const dropped = candidates.splice(opts.maxCandidates);
          for (const d of dropped) if (d.state === 'pending') candidates.push(d);
        }
        const fresh: PeerAddress[] = [];
        for (const p of reply.values ?? []) {
          const key = `${p.address}:${p.port}`;
          if (peers.size >= opts.maxPeers || peers.has(key)) continue;
          peers.set(key, { address: p.address, port: p.port });
          fresh.push({ address: p.address, port: p.port });
        }
        if (fresh.length > 0) opts.onPeers?.(fresh);
      }
      pump();
    }

    function pump(): void {
      if (finished) return;
      if (opts.aborted()) {
        finish(false);
        return;
      }
      const top = candidates.filter((c) => c.state !== 'failed').slice(0, opts.k);
      while (inFlight < opts.alpha && queries < opts.maxQueries) {
        const next = top.find((c) => c.state === 'new');
        if (!next) break;
        next.state = 'pending';
        inFlight++;
        queries++;
        opts.query(next).then(
          (reply) => onReply(next, reply),
          () => onReply(next, null),
        );
      }
      const settled = top.length >= opts.k && top.every((c) => c.state === 'done');
      if (inFlight === 0 || settled) finish(false);
    }

    candidates.sort(order);
    pump();
  });
}
