/**
 * NAT-PMP (RFC 6886) messages: pure, strict encoders and decoders.
 *
 * Invariants: a decoder reads only the bytes the RFC defines for the opcode (trailing bytes are
 * ignored, as section 3 allows for future extensions), checks the version and the opcode against
 * what was asked, and raises NatError for anything else. Nothing here knows about sockets.
 */
import { NatError, NatRefused } from './nat-error';

export const NATPMP_PORT = 5351;
export const NATPMP_VERSION = 0;

export type MapTransport = 'tcp' | 'udp';

/** Result codes of RFC 6886 section 3.5. */
export const natPmpResultNames: Record<number, string> = {
  0: 'Success',
  1: 'Unsupported Version',
  2: 'Not Authorized/Refused',
  3: 'Network Failure',
  4: 'Out of resources',
  5: 'Unsupported opcode',
};

export function natPmpResultName(code: number): string {
  return natPmpResultNames[code] ?? `result code ${code}`;
}

const OP_EXTERNAL_ADDRESS = 0;
const OP_MAP_UDP = 1;
const OP_MAP_TCP = 2;

function mapOpcode(transport: MapTransport): number {
  return transport === 'udp' ? OP_MAP_UDP : OP_MAP_TCP;
}

/** Section 3.2: version 0, opcode 0. */
export function encodeExternalAddressRequest(): Uint8Array {
  return Uint8Array.of(NATPMP_VERSION, OP_EXTERNAL_ADDRESS);
}

export interface NatPmpMapRequest {
  transport: MapTransport;
  internalPort: number;
  suggestedExternalPort: number;
  /** Seconds; 0 deletes the mapping (section 3.4). */
  lifetimeSec: number;
}

/** Section 3.3: 12 bytes. */
export function encodeMapRequest(req: NatPmpMapRequest): Uint8Array {
  const out = new Uint8Array(12);
  const v = new DataView(out.buffer);
  v.setUint8(0, NATPMP_VERSION);
  v.setUint8(1, mapOpcode(req.transport));
  v.setUint16(4, req.internalPort);
  v.setUint16(6, req.suggestedExternalPort);
  v.setUint32(8, req.lifetimeSec >>> 0);
  return out;
}

/** What every response starts with (section 3.5): enough to see a refusal or a version error. */
export interface NatPmpHeader {
  version: number;
  opcode: number;
  resultCode: number;
  /** Seconds since the gateway's port-mapping table was (re)initialised; absent in short errors. */
  epochSec: number | null;
}

export function decodeHeader(bytes: Uint8Array): NatPmpHeader {
  if (bytes.length < 4) throw new NatError(`NAT-PMP response of ${bytes.length} bytes`);
  const v = view(bytes);
  const version = v.getUint8(0);
  const opcode = v.getUint8(1);
  if (opcode < 128) throw new NatError(`NAT-PMP response with request opcode ${opcode}`);
  return {
    version,
    opcode,
    resultCode: v.getUint16(2),
    epochSec: bytes.length >= 8 ? v.getUint32(4) : null,
  };
}

export interface NatPmpExternalAddress {
  epochSec: number;
  address: string;
}

/** Section 3.2: 12 bytes, opcode 128. A non-zero result code raises with its name. */
export function decodeExternalAddressResponse(bytes: Uint8Array): NatPmpExternalAddress {
  const h = checkHeader(bytes, 128 + OP_EXTERNAL_ADDRESS);
  if (bytes.length < 12) throw new NatError(`NAT-PMP address response of ${bytes.length} bytes`);
  return { epochSec: h.epochSec ?? 0, address: [...bytes.subarray(8, 12)].join('.') };
}

export interface NatPmpMapResponse {
  epochSec: number;
  internalPort: number;
  externalPort: number;
  lifetimeSec: number;
}

/** Section 3.3: 16 bytes, opcode 128 + the request's. */
export function decodeMapResponse(bytes: Uint8Array, transport: MapTransport): NatPmpMapResponse {
  const h = checkHeader(bytes, 128 + mapOpcode(transport));
  if (bytes.length < 16) throw new NatError(`NAT-PMP mapping response of ${bytes.length} bytes`);
  const v = view(bytes);
  return {
    epochSec: h.epochSec ?? 0,
    internalPort: v.getUint16(8),
    externalPort: v.getUint16(10),
    lifetimeSec: v.getUint32(12),
  };
}

/** A refusal from the gateway, with the RFC's result code; the client turns it into a reason. */
export class NatPmpRefused extends NatRefused {
  constructor(readonly resultCode: number) {
    super(`the router refused: ${natPmpResultName(resultCode)}`);
    this.name = 'NatPmpRefused';
  }
}

function checkHeader(bytes: Uint8Array, opcode: number): NatPmpHeader {
  const h = decodeHeader(bytes);
  if (h.version !== NATPMP_VERSION) throw new NatError(`NAT-PMP response version ${h.version}`);
  if (h.opcode !== opcode) throw new NatError(`NAT-PMP opcode ${h.opcode}, expected ${opcode}`);
  if (h.resultCode !== 0) throw new NatPmpRefused(h.resultCode);
  if (h.epochSec === null) throw new NatError('NAT-PMP response without its epoch');
  return h;
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
