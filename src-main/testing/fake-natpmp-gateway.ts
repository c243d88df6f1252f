/**
 * A fake NAT-PMP (RFC 6886) and PCP (RFC 6887) gateway on 127.0.0.1 for tests of port mapping.
 * It keeps a mapping table, records every request, and can misbehave on purpose: speak NAT-PMP
 * only (answering PCP with UNSUPP_VERSION, as real NAT-PMP routers do), refuse with a result
 * code, stay silent, or answer garbage.
 */
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';

export type FakePmpBehaviour =
  | { kind: 'ok' }
  | { kind: 'silent' }
  | { kind: 'garbage' }
  /** Answer MAP requests with this result code (NAT-PMP's or PCP's numbering, per the request). */
  | { kind: 'refuse'; resultCode: number };

export interface FakePmpRequest {
  protocol: 'pcp' | 'natpmp';
  /** 'address' is NAT-PMP's external-address request. */
  op: 'address' | 'map';
  transport?: 'tcp' | 'udp';
  internalPort?: number;
  suggestedExternalPort?: number;
  lifetimeSec?: number;
}

export interface FakePmpOptions {
  /** Speak PCP (version 2) too; a NAT-PMP-only gateway answers PCP with UNSUPP_VERSION. */
  pcp: boolean;
  behaviour: FakePmpBehaviour;
  externalAddress: string;
  /** The lifetime granted, whatever was asked; the request's by default. */
  grantLifetimeSec?: number;
  /** The external port granted for an internal one; the same port by default. */
  externalPortFor?: (internalPort: number) => number;
}

export interface FakePmpGateway {
  readonly port: number;
  readonly requests: FakePmpRequest[];
  /** Live mappings, `tcp:6881` -> external port. */
  readonly mappings: Map<string, number>;
  options: FakePmpOptions;
  close(): Promise<void>;
}

const EPOCH_SEC = 1234;

export async function startFakePmpGateway(
  options: Partial<FakePmpOptions> = {},
): Promise<FakePmpGateway> {
  const socket: Socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  let closing: Promise<void> | null = null;
  const gw: FakePmpGateway = {
    port: socket.address().port,
    requests: [],
    mappings: new Map(),
    options: { pcp: true, behaviour: { kind: 'ok' }, externalAddress: '203.0.113.7', ...options },
    close: () => (closing ??= new Promise<void>((resolve) => socket.close(() => resolve()))),
  };
  socket.on('message', (msg, rinfo) => {
    const reply = answer(gw, msg);
    if (reply) socket.send(reply, rinfo.port, rinfo.address);
  });
  return gw;
}

function answer(gw: FakePmpGateway, msg: Buffer): Buffer | null {
  const o = gw.options;
  if (msg.length < 2) return null;
  const version = msg[0]!;
  if (version === 2) return answerPcp(gw, msg);
  if (version !== 0) return null;
  const opcode = msg[1]!;
  if (opcode === 0) {
    gw.requests.push({ protocol: 'natpmp', op: 'address' });
    if (o.behaviour.kind === 'silent') return null;
    if (o.behaviour.kind === 'garbage') return Buffer.from('not nat-pmp at all');
    const out = Buffer.alloc(12);
    out[1] = 128;
    out.writeUInt32BE(EPOCH_SEC, 4);
    Buffer.from(o.externalAddress.split('.').map(Number)).copy(out, 8);
    return out;
  }
  if ((opcode !== 1 && opcode !== 2) || msg.length < 12) return null;
  const transport = opcode === 1 ? 'udp' : 'tcp';
  const internalPort = msg.readUInt16BE(4);
  const suggestedExternalPort = msg.readUInt16BE(6);
  const lifetimeSec = msg.readUInt32BE(8);
  gw.requests.push({
    protocol: 'natpmp',
    op: 'map',
    transport,
    internalPort,
    suggestedExternalPort,
    lifetimeSec,
  });
  if (o.behaviour.kind === 'silent') return null;
  if (o.behaviour.kind === 'garbage') return Buffer.from([0, 128 + opcode, 0]);
  const out = Buffer.alloc(16);
  out[1] = 128 + opcode;
  out.writeUInt32BE(EPOCH_SEC, 4);
  out.writeUInt16BE(internalPort, 8);
  if (o.behaviour.kind === 'refuse') {
    out.writeUInt16BE(o.behaviour.resultCode, 2);
    return out;
  }
  const key = `${transport}:${internalPort}`;
  const granted = lifetimeSec === 0 ? 0 : (o.grantLifetimeSec ?? lifetimeSec);
  const ext = lifetimeSec === 0 ? 0 : (o.externalPortFor?.(internalPort) ?? internalPort);
  if (lifetimeSec === 0) gw.mappings.delete(key);
  else gw.mappings.set(key, ext);
  out.writeUInt16BE(ext, 10);
  out.writeUInt32BE(granted, 12);
  return out;
}

function answerPcp(gw: FakePmpGateway, msg: Buffer): Buffer | null {
  const o = gw.options;
  if (msg.length < 60 || msg[1] !== 1) return null;
  const lifetimeSec = msg.readUInt32BE(4);
  const nonce = msg.subarray(24, 36);
  const transport = msg[36] === 6 ? 'tcp' : 'udp';
  const internalPort = msg.readUInt16BE(40);
  const suggestedExternalPort = msg.readUInt16BE(42);
  gw.requests.push({
    protocol: 'pcp',
    op: 'map',
    transport,
    internalPort,
    suggestedExternalPort,
    lifetimeSec,
  });
  if (!o.pcp) {
    // A NAT-PMP server's answer to another version: version 0, result 1 (RFC 6886 section 3.5).
    const out = Buffer.alloc(8);
    out[1] = 128 + msg[1]!;
    out.writeUInt16BE(1, 2);
    out.writeUInt32BE(EPOCH_SEC, 4);
    return out;
  }
  if (o.behaviour.kind === 'silent') return null;
  if (o.behaviour.kind === 'garbage') return Buffer.alloc(61, 0xee);
  const out = Buffer.alloc(60);
  out[0] = 2;
  out[1] = 0x81;
  out.writeUInt32BE(EPOCH_SEC, 8);
  nonce.copy(out, 24);
  out[36] = msg[36]!;
  out.writeUInt16BE(internalPort, 40);
  if (o.behaviour.kind === 'refuse') {
    out[3] = o.behaviour.resultCode;
    return out;
  }
  const key = `${transport}:${internalPort}`;
  const granted = lifetimeSec === 0 ? 0 : (o.grantLifetimeSec ?? lifetimeSec);
  const ext = o.externalPortFor?.(internalPort) ?? (suggestedExternalPort || internalPort);
  if (lifetimeSec === 0) gw.mappings.delete(key);
  else gw.mappings.set(key, ext);
  out.writeUInt32BE(granted, 4);
  out.writeUInt16BE(ext, 42);
  out[54] = 0xff;
  out[55] = 0xff;
  Buffer.from(o.externalAddress.split('.').map(Number)).copy(out, 56);
  return out;
}
