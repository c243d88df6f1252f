/**
 * Incremental decoder of length-prefixed peer wire frames (BEP 3).
 *
 * Invariants:
 * - Received chunks are kept in a list and never re-concatenated; only a frame that straddles
 *   chunks is copied, into a scratch buffer reused by the next push (larger frames: a buffer of
 *   their own). Payloads other than a piece's block are copied out of it.
 * - A frame wholly inside one chunk is decoded in place: a piece's `block` is a view of the
 *   chunk (zero copy).
 * - A length above `maxFrameBytes` is refused as soon as its 4 prefix bytes arrive, so a peer
 *   cannot make us buffer more than one maximal frame.
 * - Every malformed input raises `ProtocolError`; after one, the decoder must be discarded.
 * - A chunk pushed as `volatile` (a read buffer the socket reuses, see net/shared-read-buffer)
 *   is never kept: its undecoded part is copied before `push` returns, bitfield and extended
 *   payloads are copied, and a piece's `block` is a view valid only until the caller returns
 *   to the event loop (the torrent copies it into its piece buffer at once).
 */
import { MessageId } from './message';
import type { Message } from './message';
import { ProtocolError } from './protocol-error';

export interface FrameDecoderOptions {
  /** Largest accepted frame payload (id + body), excluding the 4-byte length prefix. */
  maxFrameBytes: number;
}

const EMPTY = new Uint8Array(0);
/**
 * Scratch for frames that straddle chunks: a piece message with a 16 KiB block (BEP 3) fits.
 * One frame in ~16 straddles a 256 KiB read; a fresh buffer for each was an external allocation.
 */
const SCRATCH_BYTES = 16 * 1024 + 16;

function u32(b: Uint8Array, at: number): number {
  return (
    (((b[at] ?? 0) << 24) |
      ((b[at + 1] ?? 0) << 16) |
      ((b[at + 2] ?? 0) << 8) |
      (b[at + 3] ?? 0)) >>>
    0
  );
}

function payloadOf(b: Uint8Array, start: number, end: number, copy: boolean): Uint8Array {
  return copy ? copyOf(b, start, end) : b.subarray(start, end);
}

/** A copy of b[start, end). Not `slice`: on a Node Buffer that returns a view. */
function copyOf(b: Uint8Array, start: number, end: number): Uint8Array {
  const out = new Uint8Array(end - start);
  out.set(b.subarray(start, end));
  return out;
}

function badLength(name: string, len: number): ProtocolError {
  return new ProtocolError(
    'bad-message-length',
    'decode-frame',
    `${name} message with payload length ${len}`,
  );
}

/**
 * Decodes one frame body: `len` bytes starting at `at` in `b` (id byte first). `len` >= 1.
 * Exported for tests and for callers that already hold whole frames. With `copyPayloads`,
 * bitfield and extended payloads are copies rather than views of `b`.
 */
export function decodeFrameBody(
  b: Uint8Array,
  at: number,
  len: number,
  copyPayloads = false,
): Message {
  const id = b[at] ?? 0;
  switch (id) {
    case MessageId.choke:
    case MessageId.unchoke:
    case MessageId.interested:
    case MessageId.notInterested:
    case MessageId.haveAll:
    case MessageId.haveNone: {
      if (len !== 1) throw badLength(`id ${id}`, len);
      return id === MessageId.choke
        ? { type: 'choke' }
        : id === MessageId.unchoke
          ? { type: 'unchoke' }
          : id === MessageId.interested
            ? { type: 'interested' }
            : id === MessageId.notInterested
              ? { type: 'not-interested' }
              : id === MessageId.haveAll
                ? { type: 'have-all' }
                : { type: 'have-none' };
    }
    case MessageId.have:
    case MessageId.suggest:
    case MessageId.allowedFast: {
      if (len !== 5) throw badLength(`id ${id}`, len);
      const index = u32(b, at + 1);
      return id === MessageId.have
        ? { type: 'have', index }
        : id === MessageId.suggest
          ? { type: 'suggest', index }
          : { type: 'allowed-fast', index };
    }
    case MessageId.bitfield:
      return { type: 'bitfield', bits: payloadOf(b, at + 1, at + len, copyPayloads) };
    case MessageId.request:
    case MessageId.cancel:
    case MessageId.reject: {
      if (len !== 13) throw badLength(`id ${id}`, len);
      const index = u32(b, at + 1);
      const begin = u32(b, at + 5);
      const length = u32(b, at + 9);
      const type =
        id === MessageId.request ? 'request' : id === MessageId.cancel ? 'cancel' : 'reject';
      return { type, index, begin, length };
    }
    case MessageId.piece: {
      if (len < 9) throw badLength('piece', len);
      return {
        type: 'piece',
        index: u32(b, at + 1),
        begin: u32(b, at + 5),
        block: b.subarray(at + 9, at + len),
      };
    }
    case MessageId.port: {
      if (len !== 3) throw badLength('port', len);
      return { type: 'port', port: ((b[at + 1] ?? 0) << 8) | (b[at + 2] ?? 0) };
    }
    case MessageId.extended: {
      if (len < 2) throw badLength('extended', len);
      return {
        type: 'extended',
        extId: b[at + 1] ?? 0,
        payload: payloadOf(b, at + 2, at + len, copyPayloads),
      };
    }
    default:
      throw new ProtocolError('unknown-message', 'decode-frame', `unknown message id ${id}`);
  }
}

export class FrameDecoder {
  private readonly maxFrameBytes: number;
  /** Unconsumed chunks; bytes before `headOffset` in chunks[0] are consumed. */
  private chunks: Uint8Array[] = [];
  private headOffset = 0;
  private buffered = 0;
  /** Frames that straddle chunks are gathered here (see gather). */
  private scratch: Uint8Array | null = null;

  constructor(opts: FrameDecoderOptions) {
    if (!Number.isInteger(opts.maxFrameBytes) || opts.maxFrameBytes < 1) {
      throw new RangeError(`maxFrameBytes ${opts.maxFrameBytes} is invalid`);
    }
    this.maxFrameBytes = opts.maxFrameBytes;
  }

  /** Bytes received but not yet decoded into a message. */
  get bufferedBytes(): number {
    return this.buffered;
  }

  /**
   * Adds received bytes and returns the whole frames now available. A `volatile` chunk is one
   * the caller will overwrite after this call's messages are handled: nothing of it is kept.
   */
  push(chunk: Uint8Array, volatile = false): Message[] {
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    const out: Message[] = [];
    while (this.buffered >= 4) {
      const len = this.peekLength();
      if (len > this.maxFrameBytes) {
        throw new ProtocolError(
          'frame-too-large',
          'decode-frame',
          `frame of ${len} bytes exceeds the ${this.maxFrameBytes}-byte limit`,
        );
      }
      if (this.buffered < 4 + len) break;
      if (len === 0) {
        this.consume(4);
        out.push({ type: 'keep-alive' });
        continue;
      }
      const head = this.chunks[0] ?? EMPTY;
      if (head.length - this.headOffset >= 4 + len) {
        const at = this.headOffset + 4;
        // Decode before consuming: consume may drop `head` from the list but the view stays valid.
        const msg = decodeFrameBody(head, at, len, volatile);
        this.consume(4 + len);
        out.push(msg);
      } else {
        // Straddles chunks (at most one frame per push: those before the new chunk were
        // decoded by earlier pushes). Gathered into the scratch buffer, reused by the next push.
        this.consume(4);
        const body = this.gather(len);
        out.push(decodeFrameBody(body, 0, len, true));
      }
    }
    if (volatile && this.buffered > 0 && chunk.length > 0) this.ownLast();
    return out;
  }

  /**
   * Replaces the unconsumed part of the last chunk (the volatile one) with a copy. Earlier chunks
   * are owned already, so a frame arriving in many reads is copied once per byte, not once per
   * read.
   */
  private ownLast(): void {
    const last = this.chunks.length - 1;
    const c = this.chunks[last];
    if (c === undefined) return;
    const from = last === 0 ? this.headOffset : 0;
    this.chunks[last] = copyOf(c, from, c.length);
    if (last === 0) this.headOffset = 0;
  }

  private peekLength(): number {
    const head = this.chunks[0] ?? EMPTY;
    if (head.length - this.headOffset >= 4) return u32(head, this.headOffset);
    const four = new Uint8Array(4);
    this.copyOut(four, 4);
    return u32(four, 0);
  }

  /** Copies the next `n` buffered bytes into `dst` without consuming them. */
  private copyOut(dst: Uint8Array, n: number): void {
    let written = 0;
    let offset = this.headOffset;
    for (let i = 0; i < this.chunks.length && written < n; i++) {
      const c = this.chunks[i] ?? EMPTY;
      const part = Math.min(c.length - offset, n - written);
      dst.set(c.subarray(offset, offset + part), written);
      written += part;
      offset = 0;
    }
  }

  /**
   * Removes the next `n` bytes and returns them contiguous, in the scratch buffer when they fit
   * (so a piece block in it is valid only until the next push, as in volatile mode).
   */
  private gather(n: number): Uint8Array {
    let out: Uint8Array;
    if (n <= SCRATCH_BYTES) {
      this.scratch ??= new Uint8Array(SCRATCH_BYTES);
      out = this.scratch.subarray(0, n);
    } else {
      out = new Uint8Array(n);
    }
    this.copyOut(out, n);
    this.consume(n);
    return out;
  }

  private consume(n: number): void {
    this.buffered -= n;
    let left = n;
    while (left > 0) {
      const head = this.chunks[0] ?? EMPTY;
      const avail = head.length - this.headOffset;
      if (avail > left) {
        this.headOffset += left;
        return;
      }
      left -= avail;
      this.chunks.shift();
      this.headOffset = 0;
    }
    if (this.buffered === 0) {
      this.chunks = [];
      this.headOffset = 0;
    } else {
      const head = this.chunks[0];
      if (head && head.length === this.headOffset) {
        this.chunks.shift();
        this.headOffset = 0;
      }
    }
  }
}
