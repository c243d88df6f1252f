/**
 * A PeerTransport over one uTP connection, so a peer connection speaks the wire protocol over uTP
 * exactly as over TCP (peer/transport.ts states the invariants kept here).
 *
 * - Chunks are owned (each is a view of one received datagram, never reused): not volatile.
 * - Backpressure: `awaitingDrain` once queued plus unacked bytes pass the connection's high-water
 *   mark; `onDrain` when they fall to half of it.
 * - `destroy` closes gracefully (queued bytes, then FIN, within the connection's linger time) and
 *   the sink hears nothing more.
 * - Until `startReading`, or while paused by the handshake reader, received bytes are held by the
 *   connection and count against the window it advertises.
 */
import type { PeerTransport, TransportName, TransportSink } from '../peer/transport';
import type { UtpConnection } from './utp-connection';

const NO_SINK: TransportSink = {
  onBytes: () => undefined,
  onDrain: () => undefined,
  onEnd: () => undefined,
  onError: () => undefined,
};

export class UtpTransport implements PeerTransport {
  readonly name: TransportName = 'utp';
  readonly encrypted = false;
  private sink: TransportSink = NO_SINK;
  private closed = false;
  private connectWaiters: ((err: Error | null) => void)[] = [];

  constructor(
    readonly conn: UtpConnection,
    readonly remoteAddress: string,
    readonly remotePort: number,
    /** Called once the owner took this incoming connection (see UtpSocket's pending cap). */
    private readonly onAccepted: () => void = () => undefined,
  ) {
    conn.setEvents({
      onConnect: () => this.settleConnect(null),
      onData: (chunk) => this.sink.onBytes(chunk, false),
      onEnd: () => this.sink.onEnd(),
      onError: (err) => {
        this.closed = true;
        this.settleConnect(err);
        this.sink.onError(err);
      },
      onDrain: () => this.sink.onDrain(),
    });
  }

  get destroyed(): boolean {
    return this.closed || this.conn.state === 'closed';
  }

  get bufferedBytes(): number {
    return this.conn.bufferedBytes;
  }

  get awaitingDrain(): boolean {
    return this.conn.awaitingDrain;
  }

  /** Resolves when the dial is answered; rejects when it fails or the transport is destroyed. */
  connected(): Promise<void> {
    if (this.conn.state === 'connected') return Promise.resolve();
    if (this.destroyed) return Promise.reject(new Error('uTP connection closed'));
    return new Promise((resolve, reject) =>
      this.connectWaiters.push((err) => (err ? reject(err) : resolve())),
    );
  }

  /** The owner took this incoming connection: it no longer counts as pending. */
  accepted(): void {
    this.onAccepted();
  }

  attach(sink: TransportSink): void {
    this.sink = sink;
  }

  startReading(): void {
    if (!this.destroyed) this.conn.resume();
  }

  /** Holds received bytes again (the handshake reader stops here before handing over). */
  pauseReading(): void {
    this.conn.pause();
  }

  write(bytes: Uint8Array): void {
    if (!this.destroyed) this.conn.write(bytes);
  }

  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    this.sink = NO_SINK;
    this.settleConnect(new Error('uTP connection closed'));
    this.conn.close();
  }

  private settleConnect(err: Error | null): void {
    const waiters = this.connectWaiters;
    this.connectWaiters = [];
    for (const w of waiters) w(err);
  }
}
