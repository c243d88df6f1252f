/** Bencode (BEP 3): strict iterative decoding, canonical encoding. */
export { decode, decodeTorrentFile } from './decode';
export type { DecodeOptions } from './decode';
export { encode } from './encode';
export type { Encodable } from './encode';
export { BencodeError, createDict, isBytes, isDict, isList } from './types';
export type { BDict, BValue } from './types';
