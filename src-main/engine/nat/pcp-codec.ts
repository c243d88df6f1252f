/**
 * PCP (RFC 6887) MAP messages: pure, strict encoders and decoders.
 *
 * Invariants: requests are IPv4 only (the address rides IPv4-mapped, section 5); a response
 * longer than PCP_MAX_MESSAGE_BYTES, shorter than its header, of another opcode or with a
 * malformed option list raises NatError. A NAT-PMP-only gateway answers a PCP request with a
 * version-0 datagram (RFC 6887 section 9); the decoder reports that as `{ version: 0 }` so the
 * client can fall back.
 */
import { PCP_MAX_MESSAGE_BYTES, PCP_MAX_OPTIONS } from '../limits';
import { NatError } from './nat-error';
import type { MapTransport } from './natpmp-codec';

export const PCP_VERSION = 2;
const OP_MAP = 1;
const HEADER_BYTES = 24;
const MAP_BYTES = 36;
export const PCP_NONCE_BYTES = 12;
const IPPROTO_TCP = 6;
const IPPROTO_UDP = 17;

/** Result codes of RFC 6887 section 7.4. */
const resultNames: Record<number, string> = {
  0: 'SUCCESS',
  1: 'UNSUPP_VERSION',
  2: 'NOT_AUTHORIZED',
  3: 'MALFORMED_REQUEST',
  4: 'UNSUPP_OPCODE',
  5: 'UNSUPP_OPTION',
  6: 'MALFORMED_OPTION',
  7: 'NETWORK_FAILURE',
  8: 'NO_RESOURCES',
  9: 'UNSUPP_PROTOCOL',
  10: 'USER_EX_QUOTA',
  11: 'CANNOT_PROVIDE_EXTERNAL',
  12: 'ADDRESS_MISMATCH',
  13: 'EXCESSIVE_REMOTE_PEERS',
};
export const PCP_UNSUPP_VERSION = 1;

export function pcpResultName(code: number): string {
  return resultNames[code] ?? `result code ${code}`;
}

export interface PcpMapRequest {
  transport: MapTransport;
  /** Our IPv4 address as the gateway sees it (the socket's local address). */
  clientAddress: string;
  internalPort: number;
  suggestedExternalPort: number;
  /** Seconds; 0 deletes the mapping (section 15). */
  lifetimeSec: number;
  nonce: Uint8Array;
}

export function encodePcpMapRequest(req: PcpMapRequest): Uint8Array {
  if (req.nonce.length !== PCP_NONCE_BYTES) throw new RangeError('a PCP nonce is 12 bytes');
  const out = new Uint8Array(HEADER_BYTES + MAP_BYTES);
  const v = new DataView(out.buffer);
  v.setUint8(0, PCP_VERSION);
  v.setUint8(1, OP_MAP); // R bit 0: a request
  v.setUint32(4, req.lifetimeSec >>> 0);
  out.set(ipv4Mapped(req.clientAddress), 8);
  out.set(req.nonce, HEADER_BYTES);
  v.setUint8(HEADER_BYTES + 12, req.transport === 'tcp' ? IPPROTO_TCP : IPPROTO_UDP);
  v.setUint16(HEADER_BYTES + 16, req.internalPort);
  v.setUint16(HEADER_BYTES + 18, req.suggestedExternalPort);
  // Suggested external address: all zeros (::), "no preference" (section 11.1).
  return out;
}

export interface PcpMapResult {
  nonce: Uint8Array;
  transport: MapTransport;
  internalPort: number;
  externalPort: number;
  externalAddress: string;
}

export type PcpResponse =
  | { version: 0 }
  | {
      version: typeof PCP_VERSION;
      resultCode: number;
      lifetimeSec: number;
      epochSec: number;
      /** The MAP payload; null in a short error response (UNSUPP_VERSION carries only the header). */
      map: PcpMapResult | null;
    };

export function decodePcpResponse(bytes: Uint8Array): PcpResponse {
  if (bytes.length > PCP_MAX_MESSAGE_BYTES)
    throw new NatError(`PCP response of ${bytes.length} bytes`);
  if (bytes.length < 4) throw new NatError(`PCP response of ${bytes.length} bytes`);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = v.getUint8(0);
  if (version === 0) return { version: 0 };
  const rOpcode = v.getUint8(1);
  if ((rOpcode & 0x80) === 0) throw new NatError('PCP datagram is a request, not a response');
  if ((rOpcode & 0x7f) !== OP_MAP) throw new NatError(`PCP opcode ${rOpcode & 0x7f}, expected MAP`);
  const resultCode = v.getUint8(3);
  if (version !== PCP_VERSION) {
    // A server of another version answers UNSUPP_VERSION with its own (section 9).
    if (resultCode === PCP_UNSUPP_VERSION) return { version: 0 };
    throw new NatError(`PCP response version ${version}`);
  }
  if (bytes.length < HEADER_BYTES) throw new NatError(`PCP response of ${bytes.length} bytes`);
  const lifetimeSec = v.getUint32(4);
  const epochSec = v.getUint32(8);
  if (bytes.length < HEADER_BYTES + MAP_BYTES) {
    if (resultCode === 0) throw new NatError('PCP MAP success without its payload');
    return { version: PCP_VERSION, resultCode, lifetimeSec, epochSec, map: null };
  }
  if (bytes.length % 4 !== 0) throw new NatError('PCP response length is not a multiple of 4');
  const p = HEADER_BYTES;
  const proto = v.getUint8(p + 12);
  if (proto !== IPPROTO_TCP && proto !== IPPROTO_UDP) throw new NatError(`PCP protocol ${proto}`);
  checkOptions(bytes, HEADER_BYTES + MAP_BYTES);
  return {
    version: PCP_VERSION,
    resultCode,
    lifetimeSec,
    epochSec,
    map: {
      nonce: bytes.slice(p, p + PCP_NONCE_BYTES),
      transport: proto === IPPROTO_TCP ? 'tcp' : 'udp',
      internalPort: v.getUint16(p + 16),
      externalPort: v.getUint16(p + 18),
      externalAddress: formatAddress(bytes.subarray(p + 20, p + 36)),
    },
  };
}

/** Section 7.3: code, reserved, length, data padded to 4 bytes; bounded in count. */
function checkOptions(bytes: Uint8Array, from: number): void {
  let at = from;
  for (let n = 0; at < bytes.length; n++) {
    if (n >= PCP_MAX_OPTIONS) throw new NatError('too many PCP options');
    if (at + 4 > bytes.length) throw new NatError('truncated PCP option header');
    const len = (bytes[at + 2]! << 8) | bytes[at + 3]!;
    const padded = (len + 3) & ~3;
    if (at + 4 + padded > bytes.length) throw new NatError('truncated PCP option');
    at += 4 + padded;
  }
}

function ipv4Mapped(address: string): Uint8Array {
  const parts = address.split('.').map(Number);
  if (parts.length !== 4 || parts.some((x) => !Number.isInteger(x) || x < 0 || x > 255)) {
    throw new RangeError(`not an IPv4 address: ${address}`);
  }
  const out = new Uint8Array(16);
  out[10] = 0xff;
  out[11] = 0xff;
  out.set(parts, 12);
  return out;
}

function formatAddress(b: Uint8Array): string {
  const mapped = b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;
  if (mapped) return [...b.subarray(12, 16)].join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((b[i]! << 8) | b[i + 1]!).toString(16));
  return groups.join(':');
}
