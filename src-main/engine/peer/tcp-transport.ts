/**
 * A PeerTransport over a Node stream: a net.Socket in the engine (any Duplex works, which tests
 * use). Dialled sockets read into the shared buffer (`reads`, see net/shared-read-buffer), so
 * their chunks are volatile; accepted sockets use 'data' events and hand over owned chunks.
 *
 * Invariants:
 * - Writes made in one tick are corked and flushed together on the next (one writev); a block is
 *   written as header + block, never concatenated.
 * - Nagle is off: requests and haves are small and latency-bound.
 * - After `destroy` an 'error' listener stays, since a destroyed socket may report a late error.
 */
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { VolatileReads } from '../net/shared-read-buffer';
import type { PeerTransport, TransportName, TransportSink } from './transport';

const NO_SINK: TransportSink = {
  onBytes: () => undefined,
  onDrain: () => undefined,
  onEnd: () => undefined,
  onError: () => undefined,
};

export class TcpTransport implements PeerTransport {
  readonly name: TransportName = 'tcp';
  readonly encrypted = false;
  private readonly socket: Duplex;
  private readonly reads: VolatileReads | undefined;
  private sink: TransportSink = NO_SINK;
  private corked = false;
  private reading = false;

  constructor(socket: Duplex, reads?: VolatileReads) {
    this.socket = socket;
    this.reads = reads;
    if (socket instanceof net.Socket) socket.setNoDelay(true);
  }

  get remoteAddress(): string | undefined {
    return this.socket instanceof net.Socket ? this.socket.remoteAddress : undefined;
  }

  get destroyed(): boolean {
    return this.socket.destroyed;
  }

  get bufferedBytes(): number {
    return this.socket.writableLength;
  }

  get awaitingDrain(): boolean {
    return this.socket.writableNeedDrain;
  }

  attach(sink: TransportSink): void {
    this.sink = sink;
    this.socket.on('end', this.onEnd);
    this.socket.on('close', this.onEnd);
    this.socket.on('error', this.onError);
    this.socket.on('drain', this.onDrain);
  }

  startReading(): void {
    if (this.reading || this.socket.destroyed) return;
    this.reading = true;
    if (this.reads) this.reads.attach(this.onVolatile);
    else this.socket.on('data', this.onData);
    // The reader may have closed us while taking held bytes.
    if (!this.socket.destroyed) this.socket.resume();
  }

  write(bytes: Uint8Array): void {
    if (this.socket.destroyed) return;
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(this.uncork);
    }
    this.socket.write(bytes);
  }

  destroy(): void {
    this.sink = NO_SINK;
    this.reads?.attach(null);
    this.socket.off('data', this.onData);
    this.socket.off('drain', this.onDrain);
    this.socket.off('end', this.onEnd);
    this.socket.off('close', this.onEnd);
    this.socket.destroy();
  }

  private readonly uncork = (): void => {
    this.corked = false;
    if (!this.socket.destroyed) this.socket.uncork();
  };

  /**
   * As a plain Uint8Array view (issue 20): the decoder takes a view per block, and a Buffer's
   * subarray costs ~6x a Uint8Array's (see net/shared-read-buffer).
   */
  private readonly onData = (chunk: Uint8Array): void =>
    this.sink.onBytes(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength), false);
  private readonly onVolatile = (chunk: Uint8Array): void => this.sink.onBytes(chunk, true);
  private readonly onEnd = (): void => this.sink.onEnd();
  private readonly onError = (err: Error): void => this.sink.onError(err);
  private readonly onDrain = (): void => this.sink.onDrain();
}
