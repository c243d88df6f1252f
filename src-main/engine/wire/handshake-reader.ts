/**
 * Consumes the 68-byte handshake at the start of a stream (BEP 3), whatever the chunking, and
 * hands back the bytes after it so they can be fed to the `FrameDecoder`. A stream that is not
 * a BitTorrent handshake is refused at its first wrong byte.
 */
import { HANDSHAKE_BYTES, checkHandshakePrefix, decodeHandshake } from './handshake';
import type { Handshake } from './handshake';

export interface HandshakeResult {
  handshake: Handshake;
  /** Bytes received after the handshake (the first frames). */
  rest: Uint8Array;
}

export class HandshakeReader {
  private readonly buf = new Uint8Array(HANDSHAKE_BYTES);
  private have = 0;
  private done = false;

  /** Returns the handshake once complete; throws ProtocolError on a bad prefix. */
  push(chunk: Uint8Array): HandshakeResult | null {
    if (this.done) throw new Error('HandshakeReader used after the handshake completed');
    const part = Math.min(chunk.length, HANDSHAKE_BYTES - this.have);
    this.buf.set(chunk.subarray(0, part), this.have);
    this.have += part;
    checkHandshakePrefix(this.buf.subarray(0, this.have));
    if (this.have < HANDSHAKE_BYTES) return null;
    this.done = true;
    return { handshake: decodeHandshake(this.buf), rest: chunk.subarray(part) };
  }
}
