/**
 * A PeerTransport for a link after its MSE/PE handshake (crypto/mse-handshake.ts): RC4 both ways,
 * or plain bytes when the handshake selected plaintext. It composes over any raw transport (TCP,
 * uTP, memory) through a TransportByteStream, so the peer connection above it sees plain
 * BitTorrent bytes and knows nothing of ciphers.
 *
 * Invariants:
 * - Bytes received during the handshake but after it (for a responder, the initiator's initial
 *   payload) reach the sink first, then the raw transport's, in order.
 * - Chunks reach the sink as volatile: they are decrypted in place in the raw transport's buffer.
 * - `name`, `remoteAddress`, the write backlog and drains are the raw transport's; `encrypted` is
 *   true only when RC4 was selected (the Peers tab's E flag).
 * - `destroy` closes the raw transport; nothing reaches the sink after it.
 */
import { negotiateIncoming, negotiateOutgoing } from '../crypto/mse-handshake';
import type { IncomingOptions, NegotiatedStream, OutgoingOptions } from '../crypto/mse-handshake';
import { TransportByteStream } from '../crypto/transport-byte-stream';
import type { PeerTransport, TransportName, TransportSink } from './transport';

export class MseTransport implements PeerTransport {
  readonly name: TransportName;
  readonly encrypted: boolean;
  private sink: TransportSink | null = null;
  private reading = false;
  private closed = false;

  constructor(
    private readonly raw: TransportByteStream,
    private readonly negotiated: NegotiatedStream,
  ) {
    this.name = raw.inner.name;
    this.encrypted = negotiated.method === 'rc4';
  }

  get remoteAddress(): string | undefined {
    return this.raw.inner.remoteAddress;
  }

  get destroyed(): boolean {
    return this.closed || this.raw.inner.destroyed;
  }

  get bufferedBytes(): number {
    return this.raw.inner.bufferedBytes;
  }

  get awaitingDrain(): boolean {
    return this.raw.inner.awaitingDrain;
  }

  attach(sink: TransportSink): void {
    this.sink = sink;
    this.raw.onDrain(() => this.sink?.onDrain());
    this.negotiated.stream.onEnd((error) => {
      const s = this.sink;
      if (!s || this.closed) return;
      if (error) s.onError(error);
      else s.onEnd();
    });
  }

  startReading(): void {
    if (this.reading || this.closed) return;
    this.reading = true;
    // The cipher stream holds what came meanwhile and hands it over now, in order.
    this.negotiated.stream.onData((chunk) => this.sink?.onBytes(chunk, true));
  }

  write(bytes: Uint8Array): void {
    if (!this.closed) this.negotiated.stream.write(bytes);
  }

  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    this.sink = null;
    this.negotiated.stream.close();
  }
}

/**
 * Dials MSE over a connected raw transport, sending `opts.initialPayload` (our BT handshake) as
 * the initial payload. Rejects with an MseError, the raw transport then destroyed.
 */
export function encryptOutgoing(raw: PeerTransport, opts: OutgoingOptions): Promise<MseTransport> {
  return dialMse(raw, opts).done;
}

/** An MSE dial under way: `abort` fails it at once (closed), as when its torrent stops. */
export interface PendingMse {
  done: Promise<MseTransport>;
  abort(): void;
}

export function dialMse(raw: PeerTransport, opts: OutgoingOptions): PendingMse {
  const stream = new TransportByteStream(raw);
  return {
    done: negotiateOutgoing(stream, opts).then((n) => new MseTransport(stream, n)),
    abort: () => stream.abort(new Error('the dial was cancelled')),
  };
}

/**
 * Answers an MSE handshake (or a plaintext one, as the policy allows) on an accepted raw
 * transport. `infoHash` is the torrent the initiator named by its SKEY; absent after plaintext.
 */
export async function encryptIncoming(
  raw: PeerTransport,
  opts: IncomingOptions,
): Promise<{ transport: MseTransport; infoHash: Uint8Array | undefined }> {
  const stream = new TransportByteStream(raw);
  const negotiated = await negotiateIncoming(stream, opts);
  return { transport: new MseTransport(stream, negotiated), infoHash: negotiated.infoHash };
}
