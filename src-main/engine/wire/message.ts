/**
 * The peer wire messages after the handshake (BEP 3, BEP 5 port, BEP 6 Fast Extension, BEP 10
 * extended) as one discriminated union, and their encoders. Every frame is
 * <u32 length><u8 id><payload>, big-endian; a zero-length frame is a keep-alive.
 */

/** Message ids on the wire. */
export const MessageId = {
  choke: 0,
  unchoke: 1,
  interested: 2,
  notInterested: 3,
  have: 4,
  bitfield: 5,
  request: 6,
  piece: 7,
  cancel: 8,
  /** BEP 5: the sender's DHT port. */
  port: 9,
  /** BEP 6. */
  suggest: 0x0d,
  haveAll: 0x0e,
  haveNone: 0x0f,
  reject: 0x10,
  allowedFast: 0x11,
  /** BEP 10. */
  extended: 20,
} as const;

/** BEP 3: bytes before the block in a piece frame: length(4) id(1) index(4) begin(4). */
export const PIECE_HEADER_BYTES = 13;

export interface BlockRef {
  index: number;
  begin: number;
  length: number;
}

export type Message =
  | { type: 'keep-alive' }
  | { type: 'choke' }
  | { type: 'unchoke' }
  | { type: 'interested' }
  | { type: 'not-interested' }
  | { type: 'have'; index: number }
  /** `bits` may be a view into the receive buffer: copy it (Bitfield.fromBytes does). */
  | { type: 'bitfield'; bits: Uint8Array }
  | ({ type: 'request' } & BlockRef)
  /** `block` may be a view into the receive buffer, valid as long as the caller holds it. */
  | { type: 'piece'; index: number; begin: number; block: Uint8Array }
  | ({ type: 'cancel' } & BlockRef)
  | { type: 'port'; port: number }
  | { type: 'suggest'; index: number }
  | { type: 'have-all' }
  | { type: 'have-none' }
  | ({ type: 'reject' } & BlockRef)
  | { type: 'allowed-fast'; index: number }
  | { type: 'extended'; extId: number; payload: Uint8Array };

export type MessageType = Message['type'];

function writeU32(out: Uint8Array, at: number, v: number): void {
  out[at] = v >>> 24;
  out[at + 1] = (v >>> 16) & 0xff;
  out[at + 2] = (v >>> 8) & 0xff;
  out[at + 3] = v & 0xff;
}

function checkU32(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) {
    throw new RangeError(`${name} ${v} is not a 32-bit unsigned integer`);
  }
}

function frame(id: number, payloadBytes: number): Uint8Array {
  const out = Buffer.allocUnsafe(5 + payloadBytes);
  writeU32(out, 0, 1 + payloadBytes);
  out[4] = id;
  return out;
}

function idOnly(id: number): Uint8Array {
  return frame(id, 0);
}

function withIndex(id: number, index: number): Uint8Array {
  checkU32('index', index);
  const out = frame(id, 4);
  writeU32(out, 5, index);
  return out;
}

function withBlockRef(id: number, r: BlockRef): Uint8Array {
  checkU32('index', r.index);
  checkU32('begin', r.begin);
  checkU32('length', r.length);
  const out = frame(id, 12);
  writeU32(out, 5, r.index);
  writeU32(out, 9, r.begin);
  writeU32(out, 13, r.length);
  return out;
}

/** Bytes of one request (or cancel or reject) frame: 4-byte length, id, index, begin, length. */
export const BLOCK_REF_FRAME_BYTES = 17;

/** Many request frames in one buffer, so a batch of requests is one socket write. */
export function encodeRequests(blocks: readonly BlockRef[]): Uint8Array {
  const out = Buffer.allocUnsafe(blocks.length * BLOCK_REF_FRAME_BYTES);
  let at = 0;
  for (const b of blocks) {
    checkU32('index', b.index);
    checkU32('begin', b.begin);
    checkU32('length', b.length);
    writeU32(out, at, 13);
    out[at + 4] = MessageId.request;
    writeU32(out, at + 5, b.index);
    writeU32(out, at + 9, b.begin);
    writeU32(out, at + 13, b.length);
    at += BLOCK_REF_FRAME_BYTES;
  }
  return out;
}

/** The 13-byte header of a piece frame, so a block can be written after it without a copy. */
export function encodePieceHeader(index: number, begin: number, blockLength: number): Uint8Array {
  checkU32('index', index);
  checkU32('begin', begin);
  if (!Number.isInteger(blockLength) || blockLength < 0 || blockLength > 0xffffffff - 9) {
    throw new RangeError(`block length ${blockLength} does not fit a frame`);
  }
  const out = Buffer.allocUnsafe(PIECE_HEADER_BYTES);
  writeU32(out, 0, 9 + blockLength);
  out[4] = MessageId.piece;
  writeU32(out, 5, index);
  writeU32(out, 9, begin);
  return out;
}

const KEEP_ALIVE = new Uint8Array(4);

export function encodeMessage(m: Message): Uint8Array {
  switch (m.type) {
    case 'keep-alive':
      return KEEP_ALIVE.slice();
    case 'choke':
      return idOnly(MessageId.choke);
    case 'unchoke':
      return idOnly(MessageId.unchoke);
    case 'interested':
      return idOnly(MessageId.interested);
    case 'not-interested':
      return idOnly(MessageId.notInterested);
    case 'have':
      return withIndex(MessageId.have, m.index);
    case 'bitfield': {
      const out = frame(MessageId.bitfield, m.bits.length);
      out.set(m.bits, 5);
      return out;
    }
    case 'request':
      return withBlockRef(MessageId.request, m);
    case 'piece': {
      const out = new Uint8Array(PIECE_HEADER_BYTES + m.block.length);
      out.set(encodePieceHeader(m.index, m.begin, m.block.length), 0);
      out.set(m.block, PIECE_HEADER_BYTES);
      return out;
    }
    case 'cancel':
      return withBlockRef(MessageId.cancel, m);
    case 'port': {
      if (!Number.isInteger(m.port) || m.port < 0 || m.port > 0xffff) {
        throw new RangeError(`port ${m.port} is not a 16-bit unsigned integer`);
      }
      const out = frame(MessageId.port, 2);
      out[5] = m.port >>> 8;
      out[6] = m.port & 0xff;
      return out;
    }
    case 'suggest':
      return withIndex(MessageId.suggest, m.index);
    case 'have-all':
      return idOnly(MessageId.haveAll);
    case 'have-none':
      return idOnly(MessageId.haveNone);
    case 'reject':
      return withBlockRef(MessageId.reject, m);
    case 'allowed-fast':
      return withIndex(MessageId.allowedFast, m.index);
    case 'extended': {
      if (!Number.isInteger(m.extId) || m.extId < 0 || m.extId > 0xff) {
        throw new RangeError(`extended message id ${m.extId} is not a byte`);
      }
      const out = frame(MessageId.extended, 1 + m.payload.length);
      out[5] = m.extId;
      out.set(m.payload, 6);
      return out;
    }
    default: {
      const unreachable: never = m;
      throw new TypeError(`unknown message ${JSON.stringify(unreachable)}`);
    }
  }
}
