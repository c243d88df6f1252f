/**
 * Incremental decoder of length-prefixed peer wire frames (BEP 3).
 *
 * Invariants:
 * - A frame wholly inside one pushed chunk is decoded in place: a piece's `block` is a view of
 *   the chunk (zero copy).
 * - A frame that straddles chunks is copied, once per byte, into one buffer as its bytes arrive:
 *   a reused scratch buffer for frames up to a 16 KiB block's, else a buffer of its own that
 *   doubles up to the announced length. Received chunks are never kept, so a peer trickling a
 *   frame in 1-byte segments costs us its bytes, not an object per segment (issue 16: the old
 *   list of chunks cost ~200 bytes of memory per byte received).
 * - At most one frame is held: a length above `maxFrameBytes` is refused as soon as its 4 prefix
 *   bytes arrive, so a peer cannot make us buffer more than one maximal frame, and no more than
 *   about twice what it actually sent.
 * - How long a frame may stay partial is the connection's concern (it has the clock): it watches
 *   `partialFrameId`.
 * - Every malformed input raises `ProtocolError`; after one, the decoder must be discarded.
 * - A chunk pushed as `volatile` (a read buffer the socket reuses, see net/shared-read-buffer)
 *   is never kept: bitfield and extended payloads are copied, and a piece's `block` is a view
 *   valid only until the caller returns to the event loop (the torrent copies it into its piece
 *   buffer at once). A block gathered in scratch is likewise valid only until the next push.
 */
import { MessageId } from './message';
import type { Message } from './message';
import { ProtocolError } from './protocol-error';

export interface FrameDecoderOptions {
  /** Largest accepted frame payload (id + body), excluding the 4-byte length prefix. */
  maxFrameBytes: number;
}

/**
 * Scratch for frames that straddle chunks: a piece message with a 16 KiB block (BEP 3) fits.
 * Reads are up to 4 MiB (net/shared-read-buffer), so one piece frame per read straddles at the
 * least; a fresh buffer for each was an external allocation per read.
 */
const SCRATCH_BYTES = 16 * 1024 + 16;
/** A larger straddling frame starts in a buffer this big and doubles as its bytes arrive. */
const FIRST_FRAME_BUFFER_BYTES = 64 * 1024;

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
  /** A length prefix split across chunks: its first `lengthFill` bytes. */
  private readonly lengthBytes = new Uint8Array(4);
  private lengthFill = 0;
  /** The body of a frame that straddles chunks, `frameFill` of `frameLength` bytes in so far. */
  private frame: Uint8Array | null = null;
  private frameLength = 0;
  private frameFill = 0;
  /** Whether `frame` is one of the reused scratch buffers (payloads must then be copied out). */
  private frameInScratch = false;
  /** Two scratch buffers, alternated: see `startFrame`. */
  private readonly scratch: (Uint8Array | null)[] = [null, null];
  private nextScratch = 0;
  private framesBegun = 0;

  constructor(opts: FrameDecoderOptions) {
    if (!Number.isInteger(opts.maxFrameBytes) || opts.maxFrameBytes < 1) {
      throw new RangeError(`maxFrameBytes ${opts.maxFrameBytes} is invalid`);
    }
    this.maxFrameBytes = opts.maxFrameBytes;
  }

  /** Bytes received but not yet decoded into a message. */
  get bufferedBytes(): number {
    return this.frame === null ? this.lengthFill : 4 + this.frameFill;
  }

  /**
   * Identifies the frame in progress (some of its bytes received, not all): 0 when none, else a
   * number that changes with each new frame. The connection times a frame by it.
   */
  get partialFrameId(): number {
    return this.frame === null && this.lengthFill === 0 ? 0 : this.framesBegun;
  }

  /** Bytes of memory held for the frame in progress (its buffer's capacity). */
  get retainedBytes(): number {
    return this.frame === null || this.frameInScratch ? 0 : this.frame.length;
  }

  /**
   * Adds received bytes and returns the whole frames now available. A `volatile` chunk is one
   * the caller will overwrite after this call's messages are handled: nothing of it is kept.
   */
  push(chunk: Uint8Array, volatile = false): Message[] {
    const out: Message[] = [];
    const end = chunk.length;
    let at = 0;
    while (at < end) {
      if (this.frame !== null) {
        at = this.fillFrame(chunk, at, out);
        continue;
      }
      if (this.lengthFill > 0) {
        const part = Math.min(4 - this.lengthFill, end - at);
        this.lengthBytes.set(chunk.subarray(at, at + part), this.lengthFill);
        this.lengthFill += part;
        at += part;
        if (this.lengthFill < 4) break;
        this.lengthFill = 0;
        const len = this.checkLength(u32(this.lengthBytes, 0));
        if (len === 0) out.push({ type: 'keep-alive' });
        else this.startFrame(len);
        continue;
      }
      if (end - at < 4) {
        // The start of a length prefix: at most 3 bytes kept, copied (the chunk may be reused).
        this.framesBegun++;
        this.lengthBytes.set(chunk.subarray(at, end));
        this.lengthFill = end - at;
        break;
      }
      const len = this.checkLength(u32(chunk, at));
      if (end - at - 4 >= len) {
        // Wholly inside this chunk: decoded in place (a piece's block is a view of the chunk).
        out.push(
          len === 0 ? { type: 'keep-alive' } : decodeFrameBody(chunk, at + 4, len, volatile),
        );
        at += 4 + len;
        continue;
      }
      this.framesBegun++;
      this.startFrame(len);
      at += 4;
    }
    return out;
  }

  private checkLength(len: number): number {
    if (len > this.maxFrameBytes) {
      throw new ProtocolError(
        'frame-too-large',
        'decode-frame',
        `frame of ${len} bytes exceeds the ${this.maxFrameBytes}-byte limit`,
      );
    }
    return len;
  }

  /**
   * Begins gathering a frame body of `len` bytes. Small frames use a scratch buffer; two
   * alternate because one push can finish a frame in one (its message still unhandled) and begin
   * the next. Larger frames get a buffer of their own that grows as bytes arrive, up to `len`: a
   * length prefix costs a peer 4 bytes, so it must not buy a 1 MiB allocation by itself.
   */
  private startFrame(len: number): void {
    this.frameLength = len;
    this.frameFill = 0;
    if (len <= SCRATCH_BYTES) {
      const i = this.nextScratch;
      this.nextScratch = 1 - i;
      const s = (this.scratch[i] ??= new Uint8Array(SCRATCH_BYTES));
      this.frame = s;
      this.frameInScratch = true;
    } else {
      this.frame = new Uint8Array(Math.min(len, FIRST_FRAME_BUFFER_BYTES));
      this.frameInScratch = false;
    }
  }

  /** Copies chunk bytes from `at` into the frame in progress; returns the new position. */
  private fillFrame(chunk: Uint8Array, at: number, out: Message[]): number {
    let frame = this.frame as Uint8Array;
    const part = Math.min(this.frameLength - this.frameFill, chunk.length - at);
    const need = this.frameFill + part;
    if (need > frame.length) {
      const grown = new Uint8Array(Math.min(this.frameLength, Math.max(need, frame.length * 2)));
      grown.set(frame.subarray(0, this.frameFill));
      frame = grown;
      this.frame = grown;
    }
    frame.set(chunk.subarray(at, at + part), this.frameFill);
    this.frameFill = need;
    if (need === this.frameLength) {
      this.frame = null;
      // A buffer of its own is never reused: payloads may stay views of it.
      out.push(decodeFrameBody(frame, 0, this.frameLength, this.frameInScratch));
    }
    return at + part;
  }
}
