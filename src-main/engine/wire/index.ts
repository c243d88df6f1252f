/** The peer wire protocol as pure codecs over bytes: BEP 3 handshake and messages, BEP 6, BEP 10. */
export { ProtocolError } from './protocol-error';
export type { ProtocolErrorCode } from './protocol-error';
export {
  HANDSHAKE_BYTES,
  ID_BYTES,
  PROTOCOL_STRING,
  RESERVED_BYTES,
  checkHandshakePrefix,
  decodeHandshake,
  decodeReserved,
  encodeHandshake,
  reservedFlags,
} from './handshake';
export type { Handshake, ReservedFlags } from './handshake';
export { HandshakeReader } from './handshake-reader';
export type { HandshakeResult } from './handshake-reader';
export {
  BLOCK_REF_FRAME_BYTES,
  MessageId,
  PIECE_HEADER_BYTES,
  encodeMessage,
  encodePieceHeader,
  encodeRequests,
} from './message';
export type { BlockRef, Message, MessageType } from './message';
export { FrameDecoder, decodeFrameBody } from './frame-decoder';
export type { FrameDecoderOptions } from './frame-decoder';
export { Bitfield } from './bitfield';
export { allowedFastSet } from './allowed-fast';
export {
  EXTENDED_HANDSHAKE_ID,
  decodeExtendedHandshake,
  encodeExtendedHandshake,
} from './extension-handshake';
export type { ExtendedHandshake } from './extension-handshake';
