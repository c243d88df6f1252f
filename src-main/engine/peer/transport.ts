/**
 * The seam between a peer connection and the bytes under it. The connection speaks the wire
 * protocol over a `PeerTransport` and never sees a socket, so plain TCP (tcp-transport.ts), an
 * in-memory pair for tests (memory-transport.ts) and, next, MSE/PE encryption (an RC4 stream over
 * TCP) and uTP all plug in the same way.
 *
 * Invariants every implementation keeps:
 * - Bytes reach the sink only after `startReading`, in order, and never after `destroy`.
 * - A `volatile` chunk is valid only during `onBytes`; the sink copies what it keeps (the TCP
 *   transport's dialled sockets read into one shared buffer, see net/shared-read-buffer).
 * - `write` never drops bytes; the writer is told to wait through `awaitingDrain` and resumes on
 *   `onDrain` (writes are pulled, so nothing queues without bound). Writes made in one tick may
 *   be batched into one system call. A written array must not be changed until it is sent.
 * - After `onEnd` or `onError`, or after `destroy`, nothing more is delivered; `destroy` is
 *   idempotent and releases everything the transport holds.
 */

/** How the bytes travel, as shown in the Peers tab. */
export type TransportName = 'tcp' | 'utp' | 'memory';

/** Where a transport delivers what happens to it. */
export interface TransportSink {
  /** Received bytes; with `volatile`, a view valid only during this call. */
  onBytes(chunk: Uint8Array, volatile: boolean): void;
  /** The write backlog went below its limit after `awaitingDrain`. */
  onDrain(): void;
  /** The remote side closed the stream. */
  onEnd(): void;
  onError(err: Error): void;
}

export interface PeerTransport {
  readonly name: TransportName;
  /** The stream is encrypted (MSE/PE); the Peers tab shows it. */
  readonly encrypted: boolean;
  /** The remote IP as text, when the transport has one (for BEP 10 `yourip`). */
  readonly remoteAddress: string | undefined;
  readonly destroyed: boolean;
  /** Bytes accepted by `write` and not yet handed to the network. */
  readonly bufferedBytes: number;
  /** `write` went past the transport's own high-water mark; `onDrain` will follow. */
  readonly awaitingDrain: boolean;
  /** Wires the sink for ends, errors and drains; called once, before anything can happen. */
  attach(sink: TransportSink): void;
  /** Begins delivering bytes to the sink (once its owner is ready for them). */
  startReading(): void;
  write(bytes: Uint8Array): void;
  /** Stops delivering, drops the link and releases everything; idempotent. */
  destroy(): void;
}
