/**
 * The downloader: asks peers for blocks within the request budget and the download limit,
 * assembles them into pieces, and verifies then writes each one; pieces failing their hash
 * strike their contributors (see BanPolicy).
 *
 * Invariants: those of download-pipeline.ts, and a piece whose hash or write failed is never
 * left 'verifying' in the picker (nothing would ever fetch it again).
 */
import { BLOCK_BYTES, REQUEST_RETRY_MIN_MS } from '../limits';
import type { BlockRef } from '../picker';
import type { TimerHandle } from '../time/clock';
import { requestsWanted, verifyThenWrite } from './download-pipeline';
import type { PieceBuffer } from './download-pipeline';
import type { PeerState, TorrentContext } from './torrent-context';
import { originSender } from './origin-sender'; // --- piece origins (issue 19)

export class Downloader {
  /** Pieces complete in memory but not yet hashed and written: bounded, so memory is too. */
  private piecesInVerifyOrWrite = 0;
  private retryTimer: TimerHandle | null = null;
  /** --- explainer (issue 19): when the download limit last held requests back. */
  throttledAt: number | null = null;

  constructor(private readonly t: TorrentContext) {}

  /** Our interest follows what the peer has that we want; then requests are topped up. */
  afterAvailabilityChanged(peer: PeerState): void {
    const conn = peer.conn;
    const complete = this.t.isComplete();
    if (complete && conn.peerBitfield.isFull()) {
      conn.close('not-wanted');
      return;
    }
    const interesting = !complete && this.t.picker.interestingTo((i) => conn.peerBitfield.get(i));
    if (interesting && !conn.amInterested) conn.interested();
    else if (!interesting && conn.amInterested) conn.notInterested();
    this.fillRequests(peer);
  }

  /**
   * One more piece at the peer: O(1), never a walk over the pieces. A have can only make us
   * interested (when it names a piece we want), never uninterested; walking the pieces per have
   * let a peer repeating haves of pieces we hold, or late have-alls, burn the main thread
   * (issue 16 item 3).
   */
  afterHave(peer: PeerState, index: number): void {
    const conn = peer.conn;
    if (this.t.isComplete()) {
      if (conn.peerBitfield.isFull()) conn.close('not-wanted');
      return;
    }
    if (!conn.amInterested && this.t.picker.wants(index)) conn.interested();
    this.fillRequests(peer);
  }

  fillAll(): void {
    for (const p of this.t.peers.values()) this.fillRequests(p);
  }

  fillRequests(peer: PeerState): void {
    const conn = peer.conn;
    // --- timeline (issue 19): every change of our interest is followed by a fill.
    this.t.timeline?.observe(peer.key, conn);
    if (this.t.stopped() || this.t.state() !== 'downloading' || !conn.amInterested) return;
    let want = requestsWanted({
      depth: conn.desiredQueueDepth(),
      inFlight: conn.inFlight,
      inFlightTotal: this.t.picker.inFlightTotal(),
      budgetBytes: this.t.pipelineBudgetBytes,
      piecesInVerifyOrWrite: this.piecesInVerifyOrWrite,
      pieceLength: this.t.meta.pieceLength,
    });
    if (want <= 0) return;
    const bucket = this.t.deps.downBucket;
    if (bucket.rateBps > 0) {
      // The download limit is applied when asking: a request is a promise of bytes to come.
      want = Math.min(want, Math.floor(bucket.available() / BLOCK_BYTES));
      if (want <= 0) {
        this.throttledAt = this.t.deps.clock.now();
        return this.retryLater(bucket.waitMs(BLOCK_BYTES));
      }
    }
    const has = (i: number): boolean => conn.peerBitfield.get(i);
    const blocks = conn.peerChoking
      ? this.t.picker.nextRequests(peer.key, has, want, {
          allowedFast: conn.allowedFastSet,
          onlyAllowedFast: true,
        })
      : this.t.picker.nextRequests(peer.key, has, want);
    const sent = conn.requestMany(blocks);
    this.t.timeline?.requested(peer.key, sent); // --- timeline (issue 19)
    // Only what went out is charged: the picker or the connection may send fewer than wanted.
    if (bucket.rateBps > 0) bucket.take(sent * BLOCK_BYTES);
  }

  private retryLater(ms: number): void {
    if (this.retryTimer || this.t.stopped()) return;
    this.retryTimer = this.t.deps.clock.setTimeout(
      () => {
        this.retryTimer = null;
        this.fillAll();
      },
      Math.max(REQUEST_RETRY_MIN_MS, ms),
    );
    this.t.keepTimer(this.retryTimer);
  }

  requestDropped(peer: PeerState, b: BlockRef): void {
    this.t.picker.onRequestDropped(peer.key, b);
  }

  onBlock(peer: PeerState, index: number, begin: number, data: Uint8Array): void {
    const block: BlockRef = { index, begin, length: data.length };
    const result = this.t.picker.onBlockReceived(peer.key, block);
    this.t.downloaded(data.length);
    for (const other of result.cancelFrom)
      this.t.peers.get(other)?.conn.cancel(index, begin, data.length);
    if (!result.duplicate) {
      this.t.origins.onBlock(originSender(peer), index, begin, data.length); // --- piece origins (issue 19)
      const buf = this.t.assembly.addBlock(index, begin, data, this.t.layout.pieceSize(index));
      if (result.pieceComplete) void this.verifyPiece(index, buf);
    }
    this.fillRequests(peer);
  }

  private async verifyPiece(index: number, buf: PieceBuffer): Promise<void> {
    this.t.assembly.finish(index);
    this.piecesInVerifyOrWrite++;
    try {
      await this.verifyAndWrite(index, buf);
    } finally {
      this.t.assembly.release(buf.data);
      this.piecesInVerifyOrWrite--;
      // The budget has room again for requests held back while the disk lagged.
      this.fillAll();
    }
  }

  private async verifyAndWrite(index: number, buf: PieceBuffer): Promise<void> {
    const { picker, meta } = this.t;
    picker.onPieceVerifying(index);
    // A piece hashed after a stop still goes on to its write (the storage is open until the
    // torrent is closed), so it is not fetched again for nothing.
    const outcome = await verifyThenWrite(
      index,
      buf,
      meta.pieceHashes.subarray(index * 20, index * 20 + 20),
      {
        // The buffer goes to a hash worker and comes back (no copy); see HashWritePool.sha1Owned.
        sha1Owned: (d) => this.t.deps.hashWritePool.sha1Owned(d),
        writePiece: (i, d) => this.t.storage.writePiece(i, d),
      },
    );
    // --- piece origins (issue 19): a piece that did not verify forgets its senders.
    if (outcome.kind !== 'verified') this.t.origins.onDiscarded(index);
    switch (outcome.kind) {
      case 'hash-error':
        picker.onPieceAbandoned(index);
        if (!this.t.stopped()) this.t.fail('hash', outcome.error);
        return;
      case 'hash-mismatch':
        this.onHashFailed(index);
        return;
      case 'write-error':
        // The first failed write stops the torrent; the writes still queued behind it fail
        // too, and say nothing new.
        if (this.t.stopped()) {
          picker.onPieceAbandoned(index);
        } else {
          picker.onPieceFailed(index);
          this.t.fail('write', outcome.error);
        }
        return;
      case 'verified':
        break;
    }
    // Written and verified: it counts even if the torrent stopped meanwhile (paused, or another
    // write failed on a full disk), so verified data on disk is never forgotten.
    picker.onPieceVerified(index);
    this.t.origins.onVerified(index, this.t.layout.pieceSize(index)); // --- piece origins (issue 19)
    this.t.failedPieces.delete(index);
    if (this.t.stopped()) {
      this.t.deps.changed();
      return;
    }
    for (const p of this.t.peers.values()) p.conn.have(index);
    this.t.deps.changed();
    if (this.t.isComplete()) this.t.completed();
  }

  private onHashFailed(index: number): void {
    const { contributors } = this.t.picker.onPieceFailed(index);
    this.t.failedPieces.add(index);
    this.t.logLocal(
      '*',
      'hash-failed',
      `piece ${index} failed its hash check (from ${contributors.join(', ')})`,
    );
    for (const key of this.t.bans.onPieceFailed(contributors)) this.ban(key);
    this.fillAll();
    this.t.deps.changed();
  }

  private ban(key: string): void {
    const peer = this.t.peers.get(key);
    if (!peer) {
      this.t.bans.ban({
        key,
        address: key.slice(0, key.lastIndexOf(':')),
        candidateKey: null,
        peerIdHex: null,
      });
      return;
    }
    this.t.bans.ban({
      key,
      address: peer.address,
      candidateKey: peer.candidateKey,
      peerIdHex: peer.conn.remotePeerId
        ? Buffer.from(peer.conn.remotePeerId).toString('hex')
        : null,
    });
    this.t.logLocal(key, 'close', 'banned after repeated hash failures');
    peer.conn.close('banned');
  }

  /**
   * Requests that timed out go back to the pool, and every pipeline is topped up. An idle peer
   * we are interested in is checked once a tick for whether it still has anything we want (we
   * may have got it all elsewhere): haves no longer re-check this (see afterHave), and once a
   * tick bounds the walk whatever the peer sends.
   */
  tick(now: number): void {
    for (const p of this.t.peers.values()) {
      for (const b of p.conn.expireRequests(now)) this.t.picker.onRequestDropped(p.key, b);
      const conn = p.conn;
      if (
        conn.amInterested &&
        conn.inFlight === 0 &&
        !this.t.isComplete() &&
        !this.t.picker.interestingTo((i) => conn.peerBitfield.get(i))
      )
        conn.notInterested();
      this.fillRequests(p);
    }
  }
}
