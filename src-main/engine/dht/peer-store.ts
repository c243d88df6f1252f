/**
 * Peers announced to us with announce_peer (BEP 5), per info-hash.
 *
 * Invariants:
 * - A peer expires DHT_PEER_TTL_MS after its last announce.
 * - Bounded per info-hash (the oldest announce leaves first), in info-hashes and in total
 *   (new entries are refused when full, after expired ones are purged): anyone may announce.
 * - Maps keep insertion order; a re-announce moves the peer to the end, so the first entry of
 *   a swarm is always its oldest.
 */
import {
  DHT_MAX_INFO_HASHES,
  DHT_MAX_PEERS_PER_INFO_HASH,
  DHT_MAX_STORED_PEERS,
  DHT_PEER_TTL_MS,
} from '../limits';
import type { Random } from '../time/clock';
import type { PeerAddress } from '../tracker/codec/compact-peers';
import { idToHex } from './node-id';
import type { NodeId } from './node-id';

interface StoredPeer extends PeerAddress {
  expiresAtMs: number;
}

export interface PeerStoreLimits {
  maxPeersPerInfoHash?: number;
  maxInfoHashes?: number;
  maxPeers?: number;
}

export type AddOutcome = 'added' | 'refreshed' | 'full';

export class PeerStore {
  private readonly swarms = new Map<string, Map<string, StoredPeer>>();
  private total = 0;
  private readonly maxPerHash: number;
  private readonly maxHashes: number;
  private readonly maxPeers: number;

  constructor(limits: PeerStoreLimits = {}) {
    this.maxPerHash = limits.maxPeersPerInfoHash ?? DHT_MAX_PEERS_PER_INFO_HASH;
    this.maxHashes = limits.maxInfoHashes ?? DHT_MAX_INFO_HASHES;
    this.maxPeers = limits.maxPeers ?? DHT_MAX_STORED_PEERS;
  }

  get size(): number {
    return this.total;
  }

  get infoHashCount(): number {
    return this.swarms.size;
  }

  add(infoHash: NodeId, peer: PeerAddress, nowMs: number): AddOutcome {
    const key = idToHex(infoHash);
    const peerKey = `${peer.address}:${peer.port}`;
    const entry: StoredPeer = {
      address: peer.address,
      port: peer.port,
      expiresAtMs: nowMs + DHT_PEER_TTL_MS,
    };
    let swarm = this.swarms.get(key);
    if (swarm?.has(peerKey)) {
      swarm.delete(peerKey);
      swarm.set(peerKey, entry);
      return 'refreshed';
    }
    if (this.total >= this.maxPeers || (!swarm && this.swarms.size >= this.maxHashes)) {
      this.purge(nowMs);
      swarm = this.swarms.get(key);
      if (this.total >= this.maxPeers || (!swarm && this.swarms.size >= this.maxHashes))
        return 'full';
    }
    if (!swarm) {
      swarm = new Map();
      this.swarms.set(key, swarm);
    }
    if (swarm.size >= this.maxPerHash) {
      const oldest = swarm.keys().next().value as string;
      swarm.delete(oldest);
      this.total--;
    }
    swarm.set(peerKey, entry);
    this.total++;
    return 'added';
  }

  /** Up to `max` live peers of `infoHash`, a random sample when there are more. */
  get(infoHash: NodeId, max: number, nowMs: number, random: Random): PeerAddress[] {
    const key = idToHex(infoHash);
    const swarm = this.swarms.get(key);
    if (!swarm) return [];
    const live: PeerAddress[] = [];
    for (const [k, p] of swarm) {
      if (p.expiresAtMs <= nowMs) {
        swarm.delete(k);
        this.total--;
      } else {
        live.push({ address: p.address, port: p.port });
      }
    }
    if (swarm.size === 0) this.swarms.delete(key);
    // Partial Fisher-Yates: the first `max` entries become a uniform sample.
    const n = Math.min(max, live.length);
    for (let i = 0; i < n; i++) {
      const j = i + random.int(live.length - i);
      [live[i], live[j]] = [live[j]!, live[i]!];
    }
    return live.slice(0, n);
  }

  /** Drops expired peers (and emptied info-hashes). */
  purge(nowMs: number): void {
    for (const [key, swarm] of this.swarms) {
      for (const [k, p] of swarm) {
        if (p.expiresAtMs <= nowMs) {
          swarm.delete(k);
          this.total--;
        }
      }
      if (swarm.size === 0) this.swarms.delete(key);
    }
  }
}
