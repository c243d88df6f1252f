/**
 * A transport that hands its sink some bytes already read (a sniff of the first bytes) before
 * the inner transport's own. The listener reads the first bytes of an incoming uTP stream to tell
 * plaintext from MSE, then gives the whole stream, from its first byte, to the MSE handshake.
 *
 * Invariants: the replayed bytes come first, exactly once, on the first `startReading`; every
 * other call goes to the inner transport.
 */
import type { PeerTransport, TransportSink } from '../peer/transport';

export class ReplayTransport implements PeerTransport {
  private sink: TransportSink | null = null;
  private replay: Uint8Array | null;

  constructor(
    private readonly inner: PeerTransport,
    replay: Uint8Array,
  ) {
    this.replay = replay.length > 0 ? replay : null;
  }

  get name(): PeerTransport['name'] {
    return this.inner.name;
  }
  get encrypted(): boolean {
    return this.inner.encrypted;
  }
  get remoteAddress(): string | undefined {
    return this.inner.remoteAddress;
  }
  get destroyed(): boolean {
    return this.inner.destroyed;
  }
  get bufferedBytes(): number {
    return this.inner.bufferedBytes;
  }
  get awaitingDrain(): boolean {
    return this.inner.awaitingDrain;
  }

  attach(sink: TransportSink): void {
    this.sink = sink;
    this.inner.attach(sink);
  }

  startReading(): void {
    const first = this.replay;
    this.replay = null;
    if (first && this.sink && !this.inner.destroyed) this.sink.onBytes(first, false);
    if (!this.inner.destroyed) this.inner.startReading();
  }

  write(bytes: Uint8Array): void {
    this.inner.write(bytes);
  }

  destroy(): void {
    this.replay = null;
    this.inner.destroy();
  }
}
