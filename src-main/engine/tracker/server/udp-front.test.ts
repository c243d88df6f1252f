/**
 * The UDP front's fast path (issue 20) over real loopback sockets: what it stores and refuses
 * must be what the full path stores and refuses.
 */
import { createSocket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../time/clock';
import {
  decodeUdpResponse,
  encodeUdpAnnounceRequest,
  encodeUdpConnectRequest,
} from '../codec/udp-packets';
import type { AnnounceRequest } from '../codec/announce-request';
import { startTestTracker } from './testing/loopback';
import type { TestTracker } from './testing/loopback';
import { NOT_AUTHORIZED } from './tracker-core';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function tracker(...args: Parameters<typeof startTestTracker>): Promise<TestTracker> {
  const t = await startTestTracker(...args);
  cleanups.push(() => t.stop());
  return t;
}

const bytes = (n: number): Uint8Array => new Uint8Array(20).fill(n);

/** A client socket that keeps its port; `ask` sends and waits (bounded) for the next answer. */
async function client(trackerPort: number) {
  const socket = createSocket('udp4');
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => socket.close(() => r())));
  const inbox: Buffer[] = [];
  socket.on('message', (m: Buffer) => inbox.push(m));
  const ask = async (packet: Uint8Array) => {
    const before = inbox.length;
    socket.send(packet, trackerPort, '127.0.0.1');
    for (let waited = 0; inbox.length === before && waited < 1000; waited += 5)
      await new Promise<void>((r) => systemClock.setTimeout(r, 5));
    const got = inbox[before];
    if (!got) throw new Error('no answer');
    return decodeUdpResponse(got);
  };
  const conn = await ask(encodeUdpConnectRequest(5));
  if (conn.action !== 'connect') throw new Error(`got ${conn.action}`);
  const announce = (over: Partial<AnnounceRequest>) =>
    ask(
      encodeUdpAnnounceRequest({
        connectionId: conn.connectionId,
        transactionId: 77,
        request: {
          infoHash: bytes(0xab),
          peerId: bytes(1),
          downloaded: 0,
          left: 10,
          uploaded: 0,
          event: 'started',
          key: '1',
          numwant: null,
          compact: true,
          noPeerId: true,
          trackerId: null,
          ip: null,
          port: 6881,
          ...over,
        },
      }),
    );
  return { announce, socket, connectionId: conn.connectionId, inbox };
}

describe('UDP front fast path (issue 20)', () => {
  it('stores the peer id, counters and event read in place, and counts the announce rate', async () => {
    const t = await tracker();
    const c = await client(t.udpPort);
    const peerId = Uint8Array.from({ length: 20 }, (_, i) => 0x41 + i);
    const a = await c.announce({ peerId, uploaded: 2 ** 40, downloaded: 3, left: 0 });
    expect(a).toMatchObject({ action: 'announce', transactionId: 77, seeders: 1, leechers: 0 });
    const swarm = t.server.swarm('ab'.repeat(20));
    expect(swarm?.peers).toEqual([
      expect.objectContaining({
        address: '127.0.0.1',
        port: 6881,
        peerIdHex: Buffer.from(peerId).toString('hex'),
        uploaded: 2 ** 40,
        downloaded: 3,
        left: 0,
        seeding: true,
        lastEvent: 'started',
      }),
    ]);
    // A second peer gets the first one back.
    const b = await c.announce({ port: 7000, peerId: bytes(2) });
    expect(b).toMatchObject({ action: 'announce', seeders: 1, leechers: 1 });
    if (b.action === 'announce') expect(b.peers).toEqual([{ address: '127.0.0.1', port: 6881 }]);
    expect(t.server.stats().announcesPerSec).toBeGreaterThan(0);
  });

  it("refuses a torrent off the allow-list with opentracker's message, counted once", async () => {
    const t = await tracker({ mode: 'allow-list' });
    t.server.setAllowList(['cd'.repeat(20)]);
    const c = await client(t.udpPort);
    expect(await c.announce({})).toEqual({
      action: 'error',
      transactionId: 77,
      message: NOT_AUTHORIZED,
    });
    expect(t.server.stats()).toMatchObject({ peers: 0, rejected: { 'not-allowed': 1 } });
    expect(await c.announce({ infoHash: bytes(0xcd) })).toMatchObject({ action: 'announce' });
    expect(t.server.stats().peers).toBe(1);
  });

  it('answers a burst spanning several answer slabs, each answer intact', async () => {
    const t = await tracker();
    const c = await client(t.udpPort);
    const BURST = 400;
    const before = c.inbox.length;
    for (let i = 0; i < BURST; i++) {
      c.socket.send(
        encodeUdpAnnounceRequest({
          connectionId: c.connectionId,
          transactionId: 1000 + i,
          request: {
            infoHash: bytes(0xab),
            peerId: bytes(3),
            downloaded: 0,
            left: 10,
            uploaded: 0,
            event: 'started',
            key: '1',
            numwant: 200,
            compact: true,
            noPeerId: true,
            trackerId: null,
            ip: null,
            port: 10_000 + i,
          },
        }),
        t.udpPort,
        '127.0.0.1',
      );
      // Paced a little, so that the socket buffers of neither side overflow on a busy machine.
      if (i % 50 === 49) await new Promise<void>((r) => systemClock.setTimeout(r, 20));
    }
    for (let waited = 0; c.inbox.length - before < BURST && waited < 5000; waited += 10)
      await new Promise<void>((r) => systemClock.setTimeout(r, 10));
    const answers = c.inbox.slice(before).map((m) => decodeUdpResponse(m));
    expect(answers).toHaveLength(BURST);
    const seen = new Set<number>();
    for (const a of answers) {
      if (a.action !== 'announce') throw new Error(`got ${a.action}`);
      const i = a.transactionId - 1000;
      seen.add(i);
      // Peer i sees the i peers before it (up to numwant), none of them itself.
      expect(a.leechers).toBe(i + 1);
      expect(a.peers).toHaveLength(Math.min(i, 200));
      expect(a.peers.every((p) => p.port >= 10_000 && p.port < 10_000 + i)).toBe(true);
    }
    expect(seen.size).toBe(BURST);
  });

  it('leaves a claimed ip to the full path, which ignores it unless trusted', async () => {
    const t = await tracker();
    const c = await client(t.udpPort);
    expect(await c.announce({ ip: '10.1.2.3' })).toMatchObject({ action: 'announce' });
    expect(t.server.swarm('ab'.repeat(20))?.peers?.map((p) => p.address)).toEqual(['127.0.0.1']);
  });
});
