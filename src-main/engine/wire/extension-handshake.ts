/**
 * BEP 10 extension handshake: the bencoded dict sent as extended message 0.
 *
 * Invariants: decoding is tolerant (unknown keys and ill-typed known keys are ignored, as BEP 10
 * asks) but bounded: the payload size, the number of `m` entries and the length of `v` are
 * capped by named limits. `m` is a prototype-less record, so a key such as `__proto__` is data.
 */
import { BencodeError, decode, encode, isBytes, isDict } from '../bencode';
import type { BValue } from '../bencode';
import {
  EXTENDED_HANDSHAKE_MAX_BYTES,
  EXTENDED_HANDSHAKE_MAX_EXTENSIONS,
  EXTENDED_HANDSHAKE_MAX_VERSION_CHARS,
} from '../limits';
import { ProtocolError } from './protocol-error';

/** BEP 10: extended message id 0 is the handshake. */
export const EXTENDED_HANDSHAKE_ID = 0;

export interface ExtendedHandshake {
  /** Extension name -> the message id the sender wants to receive it on; 0 disables it. */
  m: Readonly<Record<string, number>>;
  /** Client name and version, e.g. "Swarmscope 0.1.0". */
  v?: string;
  /** Requests the sender queues without dropping (BEP 10 suggests a default of 250). */
  reqq?: number;
  /** The sender's listen port. */
  p?: number;
  /** Our address as the sender sees it: 4 (IPv4) or 16 (IPv6) bytes. */
  yourip?: Uint8Array;
  /** BEP 9: size of the info dict. */
  metadata_size?: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

export function encodeExtendedHandshake(h: ExtendedHandshake): Uint8Array {
  const m = new Map<string, number>();
  for (const [name, id] of Object.entries(h.m)) {
    if (!Number.isInteger(id) || id < 0 || id > 0xff) {
      throw new RangeError(`extension ${name} id ${id} is not a byte`);
    }
    m.set(name, id);
  }
  return encode({
    m,
    v: h.v,
    reqq: h.reqq,
    p: h.p,
    yourip: h.yourip,
    metadata_size: h.metadata_size,
  });
}

function nonNegativeInt(v: BValue | undefined, max: number): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max ? v : undefined;
}

export function decodeExtendedHandshake(payload: Uint8Array): ExtendedHandshake {
  if (payload.length > EXTENDED_HANDSHAKE_MAX_BYTES) {
    throw new ProtocolError(
      'bad-extended-handshake',
      'decode-extended-handshake',
      `extended handshake of ${payload.length} bytes exceeds ${EXTENDED_HANDSHAKE_MAX_BYTES}`,
    );
  }
  let value: BValue;
  try {
    value = decode(payload, { maxBytes: EXTENDED_HANDSHAKE_MAX_BYTES, maxDepth: 16 });
  } catch (err) {
    if (!(err instanceof BencodeError)) throw err;
    throw new ProtocolError(
      'bad-extended-handshake',
      'decode-extended-handshake',
      `extended handshake is not valid bencode: ${err.message}`,
      err,
    );
  }
  if (!isDict(value)) {
    throw new ProtocolError(
      'bad-extended-handshake',
      'decode-extended-handshake',
      'extended handshake is not a dictionary',
    );
  }
  const m = Object.create(null) as Record<string, number>;
  const rawM = value['m'];
  if (isDict(rawM)) {
    let n = 0;
    for (const key of Object.keys(rawM)) {
      if (n >= EXTENDED_HANDSHAKE_MAX_EXTENSIONS) break;
      const id = nonNegativeInt(rawM[key], 0xff);
      if (id === undefined) continue;
      // Keys are raw bytes as latin1 (bencode invariant); names are ASCII in practice.
      m[key] = id;
      n++;
    }
  }
  const out: ExtendedHandshake = { m };
  const v = value['v'];
  if (isBytes(v))
    out.v = utf8
      .decode(v.subarray(0, EXTENDED_HANDSHAKE_MAX_VERSION_CHARS * 4))
      .slice(0, EXTENDED_HANDSHAKE_MAX_VERSION_CHARS);
  const reqq = nonNegativeInt(value['reqq'], 0xffffffff);
  if (reqq !== undefined) out.reqq = reqq;
  const p = nonNegativeInt(value['p'], 0xffff);
  if (p !== undefined) out.p = p;
  const yourip = value['yourip'];
  if (isBytes(yourip) && (yourip.length === 4 || yourip.length === 16)) out.yourip = yourip;
  const size = nonNegativeInt(value['metadata_size'], Number.MAX_SAFE_INTEGER);
  if (size !== undefined) out.metadata_size = size;
  return out;
}
