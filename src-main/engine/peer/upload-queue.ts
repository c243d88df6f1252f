/**
 * The peer's requests to us that we have not answered yet (the upload side of one connection).
 * Pure state: the connection sends the answers this decides.
 *
 * Invariants:
 * - A request is pending at most once (keyed by index and begin) and leaves exactly once: served
 *   (`take`), rejected, cancelled, dropped by our choke or by close. So with BEP 6 every request
 *   gets exactly one answer.
 * - At most `limit` are pending (our BEP 10 `reqq`, clamped to MAX_UPLOAD_QUEUE_PER_PEER): a
 *   request flood costs the peer its rejects, not our memory.
 * - Requests for pieces we granted allowed-fast (BEP 6) are accepted while we choke, and survive
 *   a choke.
 */
import type { BlockRef } from '../wire/message';
import { blockKey } from './request-pipeline';

/** What became of an incoming request. */
export type RequestVerdict = 'queued' | 'duplicate' | 'choked' | 'full';

function sameRef(a: BlockRef, b: BlockRef): boolean {
  return a.index === b.index && a.begin === b.begin && a.length === b.length;
}

export class UploadQueue {
  readonly limit: number;
  /** Requests refused ('choked' or 'full') since our last choke or unchoke (see `resetRefused`). */
  refused = 0;
  private readonly pending = new Map<number, BlockRef>();
  private readonly allowedFast = new Set<number>();

  constructor(limit: number) {
    this.limit = limit;
  }

  get size(): number {
    return this.pending.size;
  }

  /** BEP 6: we let the peer request blocks of `index` while we choke it. */
  grantAllowedFast(index: number): void {
    this.allowedFast.add(index);
  }

  /** An incoming request; only 'queued' ones are to be answered with a block. */
  offer(r: BlockRef, amChoking: boolean): RequestVerdict {
    if (amChoking && !this.allowedFast.has(r.index)) {
      this.refused++;
      return 'choked';
    }
    const key = blockKey(r.index, r.begin);
    if (this.pending.has(key)) return 'duplicate';
    if (this.pending.size >= this.limit) {
      this.refused++;
      return 'full';
    }
    this.pending.set(key, r);
    return 'queued';
  }

  /** Removes a pending request matching `r` exactly; false if there is none (answered already). */
  take(r: BlockRef): boolean {
    const key = blockKey(r.index, r.begin);
    const p = this.pending.get(key);
    if (!p || !sameRef(p, r)) return false;
    this.pending.delete(key);
    return true;
  }

  /** As `take`, for serving a block: matches index, begin and the block's length. */
  takeBlock(index: number, begin: number, length: number): boolean {
    const key = blockKey(index, begin);
    const p = this.pending.get(key);
    if (!p || p.length !== length) return false;
    this.pending.delete(key);
    return true;
  }

  /** We sent a choke or unchoke: the peer gets a fresh allowance of refusals. */
  resetRefused(): void {
    this.refused = 0;
  }

  /** Our choke: drops and returns the requests not for allowed-fast pieces. */
  choke(): BlockRef[] {
    const dropped: BlockRef[] = [];
    for (const [key, r] of this.pending) {
      if (this.allowedFast.has(r.index)) continue;
      this.pending.delete(key);
      dropped.push(r);
    }
    return dropped;
  }

  clear(): void {
    this.pending.clear();
  }
}
