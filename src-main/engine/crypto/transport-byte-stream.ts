/**
 * A ByteStream over any PeerTransport (TCP now, uTP next, the in-memory pair in tests), so the MSE
 * handshake and the cipher stream after it run over whatever carries the bytes.
 *
 * Invariants:
 * - Reading starts at construction: bytes that arrive before a reader is set are held (copied
 *   when the transport lends them), then handed over in order before any later chunk.
 * - A chunk handed to the reader is lent for the call (it may be decrypted in place).
 * - The end listener is called at most once, after every held byte, and never after `close`.
 * - `onDrain` relays the transport's drain, so a writer above can wait for it.
 */
import type { PeerTransport } from '../peer/transport';
import type { ByteStream } from './byte-stream';

export class TransportByteStream implements ByteStream {
  private reader: ((chunk: Uint8Array) => void) | null = null;
  private endListener: ((error?: Error) => void) | null = null;
  private drainListener: (() => void) | null = null;
  private readonly held: Uint8Array[] = [];
  private ended = false;
  private endError: Error | undefined;
  private endDelivered = false;
  private closed = false;

  constructor(readonly inner: PeerTransport) {
    inner.attach({
      onBytes: (chunk, volatile) => {
        if (this.closed) return;
        if (this.reader && this.held.length === 0) this.reader(chunk);
        else this.held.push(volatile ? chunk.slice() : chunk);
      },
      onDrain: () => this.drainListener?.(),
      onEnd: () => this.end(),
      onError: (err) => this.end(err),
    });
    inner.startReading();
  }

  write(bytes: Uint8Array): void {
    if (!this.closed) this.inner.write(bytes);
  }

  onData(reader: (chunk: Uint8Array) => void): void {
    this.reader = reader;
    while (this.held.length > 0 && this.reader === reader && !this.closed)
      reader(this.held.shift()!);
    this.deliverEnd();
  }

  onEnd(listener: (error?: Error) => void): void {
    this.endListener = listener;
    this.deliverEnd();
  }

  /** Called when the transport's write backlog drains (see PeerTransport.awaitingDrain). */
  onDrain(listener: () => void): void {
    this.drainListener = listener;
  }

  /** Ends the stream as a failure of the link (the end listener hears `error`), then closes it. */
  abort(error: Error): void {
    this.end(error);
    this.close();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.held.length = 0;
    this.inner.destroy();
  }

  private end(error?: Error): void {
    if (this.ended || this.closed) return;
    this.ended = true;
    this.endError = error;
    this.deliverEnd();
  }

  private deliverEnd(): void {
    if (!this.ended || this.endDelivered || this.closed || this.held.length > 0) return;
    if (!this.endListener) return;
    this.endDelivered = true;
    this.endListener(this.endError);
  }
}
