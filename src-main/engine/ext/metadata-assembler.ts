/**
 * Assembling a torrent's metadata (its info dict) from BEP 9 pieces sent by several peers.
 *
 * Pure: the caller passes `now`, opens and closes connections, and sends what `nextRequests`
 * returns. It answers each peer message with a verdict the caller acts on.
 *
 * Invariants:
 * - The size comes from a peer's `metadata_size`: positive and at most METADATA_MAX_BYTES (a
 *   larger one closes that peer). The first usable peer fixes it; peers announcing another size
 *   are kept but not asked, until a hash failure starts over.
 * - A piece is requested from one peer at a time, at most METADATA_REQUESTS_PER_PEER per peer;
 *   one unanswered for METADATA_REQUEST_TIMEOUT_MS, rejected, or whose peer left, goes back.
 * - Data we did not ask that peer for is ignored. Data out of range, of the wrong length or with
 *   another total size closes the sender.
 * - The whole is checked with SHA-1 against the info-hash; a mismatch names every peer that
 *   contributed (to be closed) and starts over from nothing.
 */
import { createHash } from 'node:crypto';
import {
  METADATA_MAX_BYTES,
  METADATA_PIECE_BYTES,
  METADATA_REJECT_BACKOFF_MS,
  METADATA_REQUEST_TIMEOUT_MS,
  METADATA_REQUESTS_PER_PEER,
} from '../limits';

export type MetadataVerdict =
  /** Nothing to do but ask for more. */
  | { kind: 'ok' }
  /** The peer broke BEP 9: close it with this message. */
  | { kind: 'close'; why: string }
  /** The metadata is whole and matches the info-hash. */
  | { kind: 'done'; info: Uint8Array }
  /** Whole but wrong: close these peers; the assembly starts over. */
  | { kind: 'hash-failed'; culprits: string[] };

interface PeerInfo {
  size: number;
  /** Pieces asked of this peer, to when. */
  asked: Map<number, number>;
  /** Not asked again before this time (it rejected a request). */
  restUntil: number;
}

const OK: MetadataVerdict = { kind: 'ok' };

export class MetadataAssembler {
  private readonly peers = new Map<string, PeerInfo>();
  private size: number | null = null;
  private buffer: Uint8Array | null = null;
  /** Per piece: the key of the peer whose bytes we hold, or null. */
  private from: (string | null)[] = [];
  /** Per piece: the peer it is asked of, or null. */
  private askedOf: (string | null)[] = [];
  private received = 0;
  private done = false;
  /** Assemblies that failed their hash. */
  hashFailures = 0;

  constructor(private readonly infoHash: Uint8Array) {}

  /** The size being assembled, once a peer told it. */
  get metadataSize(): number | null {
    return this.size;
  }

  get piecesReceived(): number {
    return this.received;
  }

  get pieceCount(): number {
    return this.from.length;
  }

  /** A peer's extended handshake said it has the metadata, of `size` bytes. */
  addPeer(key: string, size: number): MetadataVerdict {
    if (!Number.isInteger(size) || size <= 0)
      return { kind: 'close', why: `metadata_size ${size}` };
    if (size > METADATA_MAX_BYTES) {
      return {
        kind: 'close',
        why: `metadata_size ${size} exceeds the ${METADATA_MAX_BYTES}-byte cap`,
      };
    }
    const prev = this.peers.get(key);
    if (prev) this.dropRequests(key, prev);
    this.peers.set(key, { size, asked: new Map(), restUntil: 0 });
    if (this.size === null) this.begin(size);
    return OK;
  }

  removePeer(key: string): void {
    const p = this.peers.get(key);
    if (!p) return;
    this.dropRequests(key, p);
    this.peers.delete(key);
    // Nobody left has the size being assembled: take another peer's, or wait for one.
    if (this.done || this.size === null) return;
    const sizes = [...this.peers.values()].map((q) => q.size);
    if (sizes.includes(this.size)) return;
    if (sizes.length > 0) this.begin(sizes[0] as number);
    else {
      this.size = null;
      this.buffer = null;
      this.reset();
    }
  }

  /** The pieces to ask `key` for now (recorded as asked). */
  nextRequests(key: string, now: number): number[] {
    const p = this.peers.get(key);
    if (!p || this.done || this.size === null || p.size !== this.size || p.restUntil > now) {
      return [];
    }
    const out: number[] = [];
    for (let i = 0; i < this.from.length && p.asked.size < METADATA_REQUESTS_PER_PEER; i++) {
      if (this.from[i] !== null || this.askedOf[i] !== null) continue;
      this.askedOf[i] = key;
      p.asked.set(i, now);
      out.push(i);
    }
    return out;
  }

  /** Requests unanswered too long go back to the pool. */
  expire(now: number): void {
    for (const [key, p] of this.peers) {
      for (const [piece, at] of p.asked) {
        if (now - at < METADATA_REQUEST_TIMEOUT_MS) continue;
        p.asked.delete(piece);
        if (this.askedOf[piece] === key) this.askedOf[piece] = null;
      }
    }
  }

  onReject(key: string, piece: number, now: number): MetadataVerdict {
    const p = this.peers.get(key);
    if (!p || !p.asked.delete(piece)) return OK;
    if (this.askedOf[piece] === key) this.askedOf[piece] = null;
    p.restUntil = now + METADATA_REJECT_BACKOFF_MS;
    return OK;
  }

  onData(key: string, piece: number, totalSize: number, data: Uint8Array): MetadataVerdict {
    const p = this.peers.get(key);
    if (!p || this.size === null || this.buffer === null) return OK;
    if (totalSize !== p.size) {
      return { kind: 'close', why: `total_size ${totalSize} but metadata_size was ${p.size}` };
    }
    if (piece >= pieceCountOf(p.size)) {
      return { kind: 'close', why: `metadata piece ${piece} of ${pieceCountOf(p.size)}` };
    }
    // Only what we asked this peer for counts; the rest (late, or never asked) is ignored.
    if (!p.asked.delete(piece) || p.size !== this.size) return OK;
    if (this.askedOf[piece] === key) this.askedOf[piece] = null;
    const expected = pieceBytes(this.size, piece);
    if (data.length !== expected) {
      return {
        kind: 'close',
        why: `metadata piece ${piece} of ${data.length} bytes, expected ${expected}`,
      };
    }
    if (this.from[piece] !== null) return OK;
    this.buffer.set(data, piece * METADATA_PIECE_BYTES);
    this.from[piece] = key;
    this.received++;
    if (this.received < this.from.length) return OK;
    return this.verify();
  }

  private verify(): MetadataVerdict {
    const buffer = this.buffer as Uint8Array;
    const digest = createHash('sha1').update(buffer).digest();
    if (Buffer.compare(digest, this.infoHash) === 0) {
      this.done = true;
      return { kind: 'done', info: buffer };
    }
    this.hashFailures++;
    const culprits = [...new Set(this.from.filter((k): k is string => k !== null))];
    for (const k of culprits) this.removePeer(k);
    this.size = null;
    this.buffer = null;
    // Start over with the size of a peer not involved, if any.
    const next = [...this.peers.values()][0];
    if (next) this.begin(next.size);
    else this.reset();
    return { kind: 'hash-failed', culprits };
  }

  private begin(size: number): void {
    const n = pieceCountOf(size);
    this.size = size;
    this.buffer = new Uint8Array(size);
    this.from = new Array<string | null>(n).fill(null);
    this.askedOf = new Array<string | null>(n).fill(null);
    this.received = 0;
    for (const p of this.peers.values()) p.asked.clear();
  }

  private reset(): void {
    this.from = [];
    this.askedOf = [];
    this.received = 0;
  }

  private dropRequests(key: string, p: PeerInfo): void {
    for (const piece of p.asked.keys()) if (this.askedOf[piece] === key) this.askedOf[piece] = null;
    p.asked.clear();
  }
}

export function pieceCountOf(size: number): number {
  return Math.ceil(size / METADATA_PIECE_BYTES);
}

/** BEP 9: every piece is 16 KiB but the last. */
export function pieceBytes(size: number, piece: number): number {
  return Math.min(METADATA_PIECE_BYTES, size - piece * METADATA_PIECE_BYTES);
}
