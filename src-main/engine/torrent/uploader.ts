/**
 * The uploader: each peer's requests are queued in arrival order and served one block at a
 * time, within the upload rate limit, from the read cache, while the peer is unchoked and its
 * socket takes more.
 *
 * Invariants:
 * - One upload loop per peer at most (`uploading`); a 'drain' or a new request restarts it.
 * - A request we will not serve is rejected (BEP 6) or, without the Fast Extension, dropped.
 * - A queue holds at most MAX_UPLOAD_QUEUE_PER_PEER requests.
 * - A read error is reported once per loop and stops that loop; the torrent decides the rest.
 */
import type { Clock } from '../time/clock';
import type { BlockRef } from '../picker';
import { BLOCK_BYTES, MAX_UPLOAD_QUEUE_PER_PEER, UPLOAD_LOOP_MAX_BLOCKS } from '../limits';

/** The part of a PeerConnection the uploader uses. */
export interface UploadConnection {
  readonly closed: boolean;
  readonly amChoking: boolean;
  readonly needsDrain: boolean;
  readonly supportsFast: boolean;
  reject(b: BlockRef): void;
  /** False when the request was cancelled or dropped meanwhile: nothing was sent. */
  sendPiece(index: number, begin: number, data: Uint8Array): boolean;
}

export interface UploadPeer {
  readonly key: string;
  readonly conn: UploadConnection;
  /** Requests waiting for upload, in arrival order. */
  uploadQueue: BlockRef[];
  uploading: boolean;
  servedBytes: number;
}

export interface UploaderDeps {
  clock: Clock;
  /** The session's upload rate limit. */
  bucket: { waitMs(bytes: number): number; take(bytes: number): void };
  readPiece(index: number): Promise<Uint8Array>;
  /** The request is in range and names a piece we have. */
  canServe(b: BlockRef): boolean;
  /** False once the torrent stopped. */
  running(): boolean;
  sent(peer: UploadPeer, bytes: number): void;
  readFailed(index: number, err: unknown): void;
}

/** A request we may serve: in range, at most one block (BEP 3), of a piece we have. */
export function isServable(
  b: BlockRef,
  pieceCount: number,
  pieceSize: (index: number) => number,
  have: (index: number) => boolean,
): boolean {
  return (
    b.index < pieceCount &&
    b.length > 0 &&
    b.length <= BLOCK_BYTES &&
    b.begin + b.length <= pieceSize(b.index) &&
    have(b.index)
  );
}

export class Uploader {
  constructor(private readonly deps: UploaderDeps) {}

  onRequest(peer: UploadPeer, b: BlockRef): void {
    const conn = peer.conn;
    if (
      !this.deps.canServe(b) ||
      conn.amChoking ||
      peer.uploadQueue.length >= MAX_UPLOAD_QUEUE_PER_PEER
    ) {
      if (conn.supportsFast) conn.reject(b);
      return;
    }
    peer.uploadQueue.push(b);
    this.serve(peer);
  }

  onCancel(peer: UploadPeer, b: BlockRef): void {
    peer.uploadQueue = peer.uploadQueue.filter(
      (q) => !(q.index === b.index && q.begin === b.begin && q.length === b.length),
    );
  }

  /** We choked the peer: without the Fast Extension its queue is discarded (BEP 3); with it we reject. */
  onChoked(peer: UploadPeer): void {
    if (peer.conn.supportsFast) for (const b of peer.uploadQueue) peer.conn.reject(b);
    peer.uploadQueue = [];
  }

  serve(peer: UploadPeer): void {
    if (peer.uploading) return;
    peer.uploading = true;
    void this.loop(peer).finally(() => {
      peer.uploading = false;
    });
  }

  private async loop(peer: UploadPeer): Promise<void> {
    const conn = peer.conn;
    for (let guard = 0; guard < UPLOAD_LOOP_MAX_BLOCKS; guard++) {
      if (conn.closed || !this.deps.running() || conn.amChoking) return;
      if (conn.needsDrain) return; // resumed by the 'drain' event
      const b = peer.uploadQueue.shift();
      if (!b) return;
      const waitMs = this.deps.bucket.waitMs(b.length);
      if (waitMs > 0) await new Promise<void>((r) => this.deps.clock.setTimeout(r, waitMs));
      this.deps.bucket.take(b.length);
      let piece: Uint8Array;
      try {
        piece = await this.deps.readPiece(b.index);
      } catch (err) {
        this.deps.readFailed(b.index, err);
        return;
      }
      if (conn.closed || conn.amChoking) return;
      if (!conn.sendPiece(b.index, b.begin, piece.subarray(b.begin, b.begin + b.length))) continue;
      peer.servedBytes += b.length;
      this.deps.sent(peer, b.length);
    }
  }
}
