/**
 * The stream after an MSE handshake: a ByteStream that RC4-encrypts what is written and decrypts
 * what is read (or passes both through when plaintext was selected). The peer connection sees
 * plain BitTorrent bytes and knows nothing of ciphers.
 *
 * Invariants:
 * - The bytes received during the handshake but after it (`received`, already decrypted) come
 *   first, then the transport's, in order; none is lost while no reader is set (held, copied).
 * - Reads decrypt in place (the transport lends the chunk); writes encrypt into a new buffer, as
 *   the caller may reuse its own.
 */
import type { ByteStream } from './byte-stream';
import type { Rc4 } from './rc4';

export class CipherStream implements ByteStream {
  private reader: ((chunk: Uint8Array) => void) | null = null;
  private endListener: ((error?: Error) => void) | null = null;
  private readonly held: Uint8Array[] = [];
  private ended = false;
  private endError: Error | undefined;
  private endDelivered = false;

  constructor(
    private readonly inner: ByteStream,
    /** Encrypts our writes; null for plaintext. */
    private readonly encrypt: Rc4 | null,
    /** Decrypts the transport's bytes; null for plaintext. */
    private readonly decrypt: Rc4 | null,
    received: Uint8Array,
  ) {
    if (received.length > 0) this.held.push(received);
    inner.onData((chunk) => {
      if (this.decrypt) this.decrypt.process(chunk, chunk);
      if (this.reader && this.held.length === 0) this.reader(chunk);
      else this.held.push(Uint8Array.from(chunk));
    });
    inner.onEnd((error) => {
      this.ended = true;
      this.endError = error;
      this.deliverEnd();
    });
  }

  write(bytes: Uint8Array): void {
    if (!this.encrypt) {
      this.inner.write(bytes);
      return;
    }
    // Same alignment as the source, so RC4 takes its 32-bit path.
    const skew = bytes.byteOffset & 3;
    const out = new Uint8Array(bytes.length + skew).subarray(skew);
    this.inner.write(this.encrypt.process(bytes, out));
  }

  onData(reader: (chunk: Uint8Array) => void): void {
    this.reader = reader;
    while (this.held.length > 0 && this.reader === reader) reader(this.held.shift()!);
    this.deliverEnd();
  }

  onEnd(listener: (error?: Error) => void): void {
    this.endListener = listener;
    this.deliverEnd();
  }

  close(): void {
    this.inner.close();
  }

  private deliverEnd(): void {
    if (!this.ended || this.endDelivered || this.held.length > 0 || !this.endListener) return;
    this.endDelivered = true;
    this.endListener(this.endError);
  }
}
