/**
 * The PeerTransport contract (transport.ts), checked on both implementations: the in-memory pair
 * and TCP over loopback (dialled side reading into the shared buffer, accepted side by events).
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { dialShared } from '../net/shared-read-buffer';
import { systemClock } from '../time/clock';
import { MemoryTransport } from './memory-transport';
import { TcpTransport } from './tcp-transport';
import type { PeerTransport, TransportSink } from './transport';
import { until } from './test-peers';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

interface Recorder extends TransportSink {
  bytes: number[];
  volatile: boolean[];
  ends: number;
  drains: number;
}

function recorder(): Recorder {
  const r: Recorder = {
    bytes: [],
    volatile: [],
    ends: 0,
    drains: 0,
    // Copied at once: a volatile chunk is valid only during the call.
    onBytes: (c, v) => {
      r.bytes.push(...c);
      r.volatile.push(v);
    },
    onDrain: () => void r.drains++,
    onEnd: () => void r.ends++,
    onError: () => undefined,
  };
  return r;
}

async function tcpTransports(): Promise<[PeerTransport, PeerTransport]> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const accepted = new Promise<net.Socket>((r) => server.once('connection', r));
  const { socket, reads } = dialShared('127.0.0.1', (server.address() as net.AddressInfo).port);
  await new Promise((r) => socket.once('connect', r));
  const a = new TcpTransport(socket, reads);
  const b = new TcpTransport(await accepted);
  cleanups.push(async () => {
    a.destroy();
    b.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  });
  return [a, b];
}

type Kind = 'memory' | 'tcp';
async function pairOf(kind: Kind): Promise<[PeerTransport, PeerTransport]> {
  return kind === 'memory' ? MemoryTransport.pair() : tcpTransports();
}

describe.each<Kind>(['memory', 'tcp'])('PeerTransport over %s', (kind) => {
  it('delivers bytes in order, only once reading has started', async () => {
    const [a, b] = await pairOf(kind);
    const got = recorder();
    a.attach(recorder());
    b.attach(got);
    a.write(new Uint8Array([1, 2, 3]));
    a.write(new Uint8Array([4]));
    await new Promise<void>((r) => systemClock.setTimeout(r, 20));
    expect(got.bytes).toEqual([]);
    b.startReading();
    await until(() => got.bytes.length === 4);
    expect(got.bytes).toEqual([1, 2, 3, 4]);
  });

  it('destroying one end ends the other, and nothing is delivered after destroy', async () => {
    const [a, b] = await pairOf(kind);
    const atA = recorder();
    const atB = recorder();
    a.attach(atA);
    b.attach(atB);
    a.startReading();
    b.startReading();
    b.write(new Uint8Array([9]));
    await until(() => atA.bytes.length === 1);
    a.destroy();
    expect(a.destroyed).toBe(true);
    await until(() => atB.ends > 0);
    b.write(new Uint8Array([10])); // to a closed peer: dropped, never thrown
    a.destroy(); // idempotent
    expect(atA.bytes).toEqual([9]);
  });
});

describe('TcpTransport', () => {
  it('reports the remote address and hands dialled reads over as volatile', async () => {
    const [dialled, accepted] = await tcpTransports();
    expect(dialled.name).toBe('tcp');
    expect(dialled.encrypted).toBe(false);
    expect(dialled.remoteAddress).toMatch(/127\.0\.0\.1$/);
    const got = recorder();
    dialled.attach(got);
    dialled.startReading();
    accepted.attach(recorder());
    accepted.write(new Uint8Array([5, 6]));
    await until(() => got.bytes.length === 2);
    expect(got.volatile.every((v) => v)).toBe(true);
  });
});

describe('MemoryTransport', () => {
  it('cuts writes into segments of segmentBytes', async () => {
    const [a, b] = MemoryTransport.pair({ segmentBytes: 2 });
    const got = recorder();
    b.attach(got);
    b.startReading();
    a.write(new Uint8Array([1, 2, 3, 4, 5]));
    await until(() => got.bytes.length === 5);
    expect(got.volatile).toHaveLength(3);
  });

  it('asks the writer to wait past the high-water mark and says when it drained', async () => {
    const [a, b] = MemoryTransport.pair({ highWaterMarkBytes: 8 });
    const atA = recorder();
    a.attach(atA);
    b.attach(recorder());
    a.write(new Uint8Array(6));
    expect(a.awaitingDrain).toBe(false);
    a.write(new Uint8Array(6));
    expect(a.awaitingDrain).toBe(true);
    expect(a.bufferedBytes).toBe(12);
    b.startReading();
    await until(() => atA.drains === 1);
    expect(a.awaitingDrain).toBe(false);
    expect(a.bufferedBytes).toBe(0);
  });
});
