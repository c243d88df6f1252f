/**
 * The stream after an MSE handshake: a ByteStream that RC4-encrypts what is written and decrypts
 * what is read (or passes both through when plaintext was selected). The peer connection sees
 * plain BitTorrent bytes and knows nothing of ciphers.
 *
 * Invariants:
 * - The bytes received during the handshake but after it (`received`, already decrypted) come
 *   first, then the transport's, in order; none is lost while no reader is set (held, copied).
 * - Reads decrypt in place (the transport lends the chunk); writes encrypt into a new region, as
 *   the caller may reuse its own. Regions are carved in order from a slab (one allocation per
 *   WRITE_SLAB_BYTES, not one per block) and never reused: a queued write keeps its slab alive.
 * - After `offloadAfterBytes` received, decryption moves to the RC4 worker (rc4-offload.ts) and
 *   the keystream with it; the end is delivered only after every byte sent there came back.
 */
import type { ByteStream } from './byte-stream';
import type { Rc4 } from './rc4';
import { OffloadedDecrypt, rc4OffloadAfterBytes } from './rc4-offload';

/** Writes are encrypted into slabs of this size; a larger write gets its own buffer. */
const WRITE_SLAB_BYTES = 1024 * 1024;

export class CipherStream implements ByteStream {
  private reader: ((chunk: Uint8Array) => void) | null = null;
  private endListener: ((error?: Error) => void) | null = null;
  private readonly held: Uint8Array[] = [];
  private ended = false;
  private endError: Error | undefined;
  private endDelivered = false;
  private slab: Uint8Array = new Uint8Array(0);
  private slabAt = 0;
  private decrypted = 0;
  private offload: OffloadedDecrypt | null = null;

  constructor(
    private readonly inner: ByteStream,
    /** Encrypts our writes; null for plaintext. */
    private readonly encrypt: Rc4 | null,
    /** Decrypts the transport's bytes; null for plaintext. */
    private readonly decrypt: Rc4 | null,
    received: Uint8Array,
    /** Received bytes after which decryption moves to the worker (Infinity: never). */
    private readonly offloadAfterBytes = rc4OffloadAfterBytes(),
  ) {
    if (received.length > 0) this.held.push(received);
    inner.onData((chunk) => {
      if (this.offload) {
        this.offload.push(chunk);
        return;
      }
      if (this.decrypt) {
        this.decrypt.process(chunk, chunk);
        this.decrypted += chunk.length;
      }
      this.hand(chunk);
      if (this.decrypt && this.decrypted >= this.offloadAfterBytes && !this.ended)
        this.startOffload(this.decrypt);
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
    this.inner.write(this.encrypt.process(bytes, this.region(bytes)));
  }

  /** Room for `bytes`' ciphertext at the same alignment, so RC4 takes its 32-bit path. */
  private region(bytes: Uint8Array): Uint8Array {
    const n = bytes.length;
    const skew = bytes.byteOffset & 3;
    if (n + 8 > WRITE_SLAB_BYTES / 4) return new Uint8Array(n + skew).subarray(skew);
    let at = ((this.slabAt + 3) & ~3) + skew;
    if (at + n > this.slab.length) {
      // Not zeroed: every byte of a region is written before it is sent.
      this.slab = Buffer.allocUnsafeSlow(WRITE_SLAB_BYTES);
      at = skew;
    }
    this.slabAt = at + n;
    return this.slab.subarray(at, at + n);
  }

  private hand(chunk: Uint8Array): void {
    if (this.reader && this.held.length === 0) this.reader(chunk);
    else this.held.push(Uint8Array.from(chunk));
  }

  private startOffload(decrypt: Rc4): void {
    this.offload = new OffloadedDecrypt(
      decrypt.exportState(),
      (chunk) => {
        this.hand(chunk);
        this.deliverEnd();
      },
      (error) => {
        // The worker failed or the peer flooded: the link ends with that error.
        this.ended = true;
        this.endError ??= error;
        this.deliverEnd();
        this.inner.close();
      },
    );
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
    this.offload?.close();
    this.inner.close();
  }

  private deliverEnd(): void {
    if (!this.ended || this.endDelivered || this.held.length > 0 || !this.endListener) return;
    if (this.offload && !this.offload.idle) return;
    this.endDelivered = true;
    this.endListener(this.endError);
  }
}
