import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, seededRandom } from '../time/clock';
import { MAX_UNREQUESTED_BLOCKS } from '../limits';
import { Bitfield } from '../wire/bitfield';
import { encodePieceHeader } from '../wire/message';
import type { BlockRef, Message } from '../wire/message';
import {
  IDLE_TIMEOUT_MS,
  KEEPALIVE_INTERVAL_MS,
  REQUEST_TIMEOUT_MS,
  SNUB_TIMEOUT_MS,
} from './peer-connection-options';
import { DEFAULT_PEER_REQQ, INITIAL_QUEUE_DEPTH } from './request-pipeline';
import type { PeerConnection, PeerLogEntry } from './peer-connection';
import { PEER_ID_A, PEER_ID_B, memoryPair, nextEvent, rawPeer, tcpPair, until } from './test-peers';
import type { Pair, RawPeer, SideOptions } from './test-peers';

const BLOCK = 16 * 1024;
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

type Transport = 'memory' | 'tcp';

/** A pair where B answers the handshake with have-all and A with have-none, fully open. */
async function openPair(
  transport: Transport,
  clock: ManualClock,
  sideA: SideOptions = {},
  sideB: SideOptions = {},
): Promise<Pair> {
  const p =
    transport === 'memory' ? memoryPair(clock, sideA, sideB) : await tcpPair(clock, sideA, sideB);
  cleanups.push(p.cleanup);
  p.a.on('handshake', () => p.a.haveNone());
  p.b.on('handshake', () => p.b.haveAll());
  const fast = (sideA.extensions?.fast ?? true) && (sideB.extensions?.fast ?? true);
  const ext = (sideA.extensions?.extended ?? true) && (sideB.extensions?.extended ?? true);
  const waits: Promise<unknown>[] = [nextEvent(p.a, fast ? 'have-all' : 'bitfield')];
  if (fast) waits.push(nextEvent(p.b, 'have-none'));
  if (ext) waits.push(nextEvent(p.a, 'extended-handshake'), nextEvent(p.b, 'extended-handshake'));
  else waits.push(until(() => p.a.isOpen && p.b.isOpen));
  await Promise.all(waits);
  return p;
}

/** B serves every request with a block filled with its piece index. */
function serve(conn: PeerConnection): void {
  conn.on('request', (r) =>
    conn.sendPiece(r.index, r.begin, new Uint8Array(r.length).fill(r.index)),
  );
}

async function openRaw(clock: ManualClock, side: SideOptions = {}, fast = true): Promise<RawPeer> {
  const raw = rawPeer(clock, side);
  cleanups.push(raw.cleanup);
  raw.conn.on('handshake', () => raw.conn.haveNone());
  raw.handshake({ fast });
  await nextEvent(raw.conn, 'handshake');
  return raw;
}

describe.each<Transport>(['memory', 'tcp'])('PeerConnection over %s', (transport) => {
  it('handshakes both ways and exchanges BEP 10 handshakes (v, reqq)', async () => {
    const clock = new ManualClock();
    const p = await openPair(transport, clock, { reqq: 321 }, { reqq: 4000 });
    expect(p.a.isOpen && p.b.isOpen).toBe(true);
    expect(Buffer.from(p.a.remotePeerId ?? []).equals(Buffer.from(PEER_ID_B))).toBe(true);
    expect(Buffer.from(p.b.remotePeerId ?? []).equals(Buffer.from(PEER_ID_A))).toBe(true);
    expect(p.a.supportsFast && p.a.supportsExtended && p.b.supportsFast).toBe(true);
    expect(p.a.peerExtendedHandshake?.v).toBe('Peer B 2.0');
    expect(p.a.peerExtendedHandshake?.reqq).toBe(4000);
    expect(p.b.peerExtendedHandshake?.reqq).toBe(321);
    expect(p.a.clientName).toBe('Peer B 2.0');
    expect(p.a.peerRequestQueue).toBe(4000);
    if (transport === 'tcp')
      expect([...(p.b.peerExtendedHandshake?.yourip ?? [])]).toEqual([127, 0, 0, 1]);
    expect(p.a.peerBitfield.isFull()).toBe(true);
    expect(p.b.peerBitfield.count()).toBe(0);
    expect(p.a.snapshot()).toMatchObject({
      client: 'Peer B 2.0',
      flags: { amChoking: true, peerChoking: true, fast: true, extended: true, incoming: false },
      progress: 1,
    });
  });

  it('runs interested -> unchoke -> request -> piece', async () => {
    const clock = new ManualClock();
    const p = await openPair(transport, clock);
    serve(p.b);
    const gotInterest = nextEvent(p.b, 'interested');
    p.a.interested();
    await gotInterest;
    expect(p.b.peerInterested).toBe(true);
    expect(p.a.request(1, 0, BLOCK)).toBe(false); // still choked, not allowed-fast
    const gotUnchoke = nextEvent(p.a, 'unchoke');
    p.b.unchoke();
    await gotUnchoke;
    expect(p.a.peerChoking).toBe(false);
    const gotBlock = nextEvent(p.a, 'block');
    expect(p.a.request(7, BLOCK, BLOCK)).toBe(true);
    expect(p.a.request(7, BLOCK, BLOCK)).toBe(false); // already in flight
    expect(p.a.inFlight).toBe(1);
    const block = await gotBlock;
    expect(block).toMatchObject({ index: 7, begin: BLOCK, late: false });
    expect(block.data.length).toBe(BLOCK);
    expect(block.data.every((x) => x === 7)).toBe(true);
    expect(p.a.inFlight).toBe(0);
    expect(p.a.downloadedBytes).toBe(BLOCK);
    expect(p.b.uploadedBytes).toBe(BLOCK);
    const gotNotInterested = nextEvent(p.b, 'not-interested');
    p.a.notInterested();
    await gotNotInterested;
    const gotChoke = nextEvent(p.a, 'choke');
    p.b.choke();
    expect(await gotChoke).toEqual([]);
  });

  it('sends a batch of requests at once and logs one event per piece run, not per block', async () => {
    const clock = new ManualClock();
    const logA: PeerLogEntry[] = [];
    const logB: PeerLogEntry[] = [];
    const p = await openPair(
      transport,
      clock,
      { onLog: (e) => logA.push(e) },
      { onLog: (e) => logB.push(e) },
    );
    serve(p.b);
    const gotUnchoke = nextEvent(p.a, 'unchoke');
    p.a.interested();
    p.b.unchoke();
    await gotUnchoke;
    const blocks = [0, 1, 2, 3].map((i) => ({ index: 3, begin: i * BLOCK, length: BLOCK }));
    blocks.push({ index: 5, begin: 0, length: BLOCK }, { index: 3, begin: 0, length: BLOCK });
    let received = 0;
    p.a.on('block', () => received++);
    expect(p.a.requestMany(blocks)).toBe(5); // the repeat of piece 3's first block is skipped
    expect(p.a.inFlight).toBe(5);
    await until(() => received === 5);
    clock.advance(1_000); // a tick flushes the last run
    const runs = (log: PeerLogEntry[], dir: string, type: string): string[] =>
      log.filter((e) => e.dir === dir && e.type === type).map((e) => e.detail);
    expect(runs(logA, 'out', 'request')).toEqual([
      'piece 3: 4 blocks, 65536 bytes',
      'piece 5: 1 block, 16384 bytes',
    ]);
    expect(runs(logA, 'in', 'piece')).toEqual([
      'piece 3: 4 blocks, 65536 bytes',
      'piece 5: 1 block, 16384 bytes',
    ]);
    expect(runs(logB, 'in', 'request')).toEqual(runs(logA, 'out', 'request'));
    expect(runs(logB, 'out', 'piece')).toEqual(runs(logA, 'in', 'piece'));
  });

  it('BEP 6: our choke rejects the pending requests, their blocks are never sent', async () => {
    const clock = new ManualClock();
    const p = await openPair(transport, clock);
    const requested: BlockRef[] = [];
    p.b.on('request', (r) => requested.push(r));
    p.b.unchoke();
    await nextEvent(p.a, 'unchoke');
    for (let i = 0; i < 3; i++) p.a.request(2, i * BLOCK, BLOCK);
    await until(() => requested.length === 3);
    const rejects: BlockRef[] = [];
    p.a.on('reject', (r) => rejects.push(r));
    const gotChoke = nextEvent(p.a, 'choke');
    p.b.choke();
    expect(await gotChoke).toEqual([]); // with BEP 6 nothing is implicitly dropped
    await until(() => rejects.length === 3);
    expect(p.a.inFlight).toBe(0);
    expect(p.b.pendingPeerRequests).toBe(0);
    expect(p.b.sendPiece(2, 0, new Uint8Array(BLOCK))).toBe(false);
    expect(p.b.reject(requested[0] as BlockRef)).toBe(false); // answered once only
  });

  it('BEP 3 without the Fast Extension: a choke drops every request in flight', async () => {
    const clock = new ManualClock();
    const p = await openPair(transport, clock, { extensions: { fast: false, extended: true } });
    expect(p.a.supportsFast).toBe(false);
    expect(p.a.peerBitfield.isFull()).toBe(true); // have-all degraded to a full bitfield
    p.b.unchoke();
    await nextEvent(p.a, 'unchoke');
    let requests = 0;
    p.b.on('request', () => requests++);
    p.a.request(0, 0, BLOCK);
    p.a.request(0, BLOCK, BLOCK);
    await until(() => requests === 2);
    const gotChoke = nextEvent(p.a, 'choke');
    p.b.choke();
    const dropped = await gotChoke;
    expect(dropped).toEqual([
      { index: 0, begin: 0, length: BLOCK },
      { index: 0, begin: BLOCK, length: BLOCK },
    ]);
    expect(p.a.inFlight).toBe(0);
  });

  it('closes with remote-closed when the other side goes away, once, with no timer left', async () => {
    const clock = new ManualClock();
    const p = await openPair(transport, clock);
    const closedA: unknown[] = [];
    p.a.on('closed', (c) => closedA.push(c));
    const gotClosed = nextEvent(p.a, 'closed');
    p.b.close('not-wanted');
    expect((await gotClosed).reason).toBe('remote-closed');
    p.a.close('shutdown');
    expect(closedA).toHaveLength(1);
    expect(p.b.closeReason).toBe('not-wanted');
    expect(clock.pending).toBe(0);
  });
});

describe('PeerConnection rules', () => {
  it('BEP 6: a cancelled request is rejected and never served', async () => {
    const clock = new ManualClock();
    const p = await openPair('memory', clock);
    p.b.unchoke();
    await nextEvent(p.a, 'unchoke');
    const gotRequest = nextEvent(p.b, 'request');
    p.a.request(4, 0, BLOCK);
    const r = await gotRequest;
    const gotCancel = nextEvent(p.b, 'cancel');
    expect(p.a.cancel(4, 0, BLOCK)).toBe(true);
    expect(await gotCancel).toEqual(r);
    expect(p.b.sendPiece(4, 0, new Uint8Array(BLOCK))).toBe(false);
    expect(p.a.inFlight).toBe(0);
  });

  it('BEP 6: allowed-fast pieces may be requested while choked', async () => {
    const clock = new ManualClock();
    const p = await openPair('memory', clock);
    serve(p.b);
    const gotAllowed = nextEvent(p.a, 'allowed-fast');
    expect(p.b.allowedFast(9)).toBe(true);
    expect(await gotAllowed).toBe(9);
    expect(p.a.allowedFastSet.has(9)).toBe(true);
    expect(p.a.request(8, 0, BLOCK)).toBe(false);
    const gotBlock = nextEvent(p.a, 'block');
    expect(p.a.request(9, 0, BLOCK)).toBe(true);
    expect((await gotBlock).index).toBe(9);
  });

  it('rejects requests beyond the advertised queue limit', async () => {
    const clock = new ManualClock();
    const p = await openPair('memory', clock, {}, { reqq: 2 });
    expect(p.a.peerRequestQueue).toBe(2);
    p.b.unchoke();
    await nextEvent(p.a, 'unchoke');
    const rejects: BlockRef[] = [];
    p.a.on('reject', (r) => rejects.push(r));
    for (let i = 0; i < 4; i++) p.a.request(1, i * BLOCK, BLOCK);
    await until(() => rejects.length === 2);
    expect(p.b.pendingPeerRequests).toBe(2);
    expect(rejects.map((r) => r.begin)).toEqual([2 * BLOCK, 3 * BLOCK]);
  });

  it('without BEP 6, have-none sends nothing and fast messages close the peer', async () => {
    const clock = new ManualClock();
    const raw = await openRaw(clock, {}, false);
    expect(raw.conn.supportsFast).toBe(false);
    await new Promise((r) => setImmediate(r));
    expect(raw.received().length).toBe(68); // the handshake only
    const closed = nextEvent(raw.conn, 'closed');
    raw.sendMessage({ type: 'have-all' });
    const c = await closed;
    expect(c.reason).toBe('protocol-error');
    expect(c.error?.message).toMatch(/Fast Extension/);
  });

  it('closes with protocol-error on an oversize frame', async () => {
    const clock = new ManualClock();
    const raw = await openRaw(clock, { maxFrameBytes: 1024 });
    const closed = nextEvent(raw.conn, 'closed');
    raw.send(new Uint8Array([0, 0, 4, 1, 5]));
    const c = await closed;
    expect(c.reason).toBe('protocol-error');
    expect(c.error?.message).toMatch(/exceeds/);
    expect(clock.pending).toBe(0);
  });

  it('closes with protocol-error on a have beyond the piece count and on a second bitfield', async () => {
    const clock = new ManualClock();
    const raw = await openRaw(clock);
    const closed = nextEvent(raw.conn, 'closed');
    raw.sendMessage({ type: 'have', index: 64 });
    expect((await closed).reason).toBe('protocol-error');

    const raw2 = await openRaw(new ManualClock());
    const closed2 = nextEvent(raw2.conn, 'closed');
    raw2.sendMessage({ type: 'bitfield', bits: new Bitfield(64).toBytes() });
    raw2.sendMessage({ type: 'have-none' });
    expect((await closed2).error?.message).toMatch(/after the peer's bitfield/);
  });

  it('merges a late bitfield or have-all as haves, as aria2 sends them, and stays open', async () => {
    const raw = await openRaw(new ManualClock());
    const haves: number[] = [];
    raw.conn.on('have', (i) => haves.push(i));
    raw.sendMessage({ type: 'have-none' });
    const late = new Bitfield(64);
    late.set(3);
    late.set(40);
    raw.sendMessage({ type: 'bitfield', bits: late.toBytes() });
    await until(() => haves.length === 2);
    expect(haves).toEqual([3, 40]);
    raw.sendMessage({ type: 'have-all' });
    await until(() => haves.length === 64);
    expect(raw.conn.peerBitfield.isFull()).toBe(true);
    expect(raw.conn.closed).toBe(false);
  });

  it('closes on an info-hash mismatch and on a connection to ourselves', async () => {
    const raw = rawPeer(new ManualClock());
    cleanups.push(raw.cleanup);
    const closed = nextEvent(raw.conn, 'closed');
    raw.handshake({ infoHash: new Uint8Array(20).fill(1) });
    expect((await closed).reason).toBe('info-hash-mismatch');

    const self = rawPeer(new ManualClock());
    cleanups.push(self.cleanup);
    const closedSelf = nextEvent(self.conn, 'closed');
    self.handshake({ peerId: PEER_ID_A });
    expect((await closedSelf).reason).toBe('self-connection');
  });

  it('closes with timeout when no handshake comes', async () => {
    const clock = new ManualClock();
    const raw = rawPeer(clock);
    cleanups.push(raw.cleanup);
    await new Promise((r) => setImmediate(r));
    clock.advance(10_001);
    expect(raw.conn.closeReason).toBe('timeout');
  });

  it('sends keep-alives after 90 s idle and closes a silent peer with keepalive-timeout', async () => {
    const clock = new ManualClock();
    const raw = await openRaw(clock);
    await new Promise((r) => setImmediate(r));
    const before = raw.received().length;
    clock.advance(KEEPALIVE_INTERVAL_MS + 1_000);
    await new Promise((r) => setImmediate(r));
    expect([...raw.received().subarray(before)]).toEqual([0, 0, 0, 0]);
    expect(raw.conn.closed).toBe(false);
    clock.advance(IDLE_TIMEOUT_MS - KEEPALIVE_INTERVAL_MS);
    expect(raw.conn.closeReason).toBe('keepalive-timeout');
    expect(clock.pending).toBe(0);
  });

  it('a peer that keeps sending keep-alives stays connected', async () => {
    const clock = new ManualClock();
    const raw = await openRaw(clock);
    for (let i = 0; i < 10; i++) {
      clock.advance(60_000);
      raw.sendMessage({ type: 'keep-alive' });
      await new Promise((r) => setImmediate(r));
    }
    expect(raw.conn.closed).toBe(false);
  });

  it('expires unanswered requests, marks the peer snubbed, and accepts their late blocks', async () => {
    const clock = new ManualClock();
    const raw = await openRaw(clock);
    raw.sendMessage({ type: 'have-all' });
    raw.sendMessage({ type: 'unchoke' });
    await nextEvent(raw.conn, 'unchoke');
    raw.conn.request(3, 0, BLOCK);
    raw.conn.request(3, BLOCK, BLOCK);
    clock.advance(30_000);
    expect(raw.conn.expireRequests(clock.now())).toEqual([]);
    const snubbed = nextEvent(raw.conn, 'snubbed');
    clock.advance(SNUB_TIMEOUT_MS - 30_000 + 1_000);
    await snubbed;
    expect(raw.conn.snubbed).toBe(true);
    expect(raw.conn.desiredQueueDepth()).toBe(1);
    clock.advance(REQUEST_TIMEOUT_MS);
    const expired = raw.conn.expireRequests(clock.now());
    expect(expired).toEqual([
      { index: 3, begin: 0, length: BLOCK },
      { index: 3, begin: BLOCK, length: BLOCK },
    ]);
    expect(raw.conn.inFlight).toBe(0);
    const gotBlock = nextEvent(raw.conn, 'block');
    raw.send(encodePieceHeader(3, 0, BLOCK));
    raw.send(new Uint8Array(BLOCK));
    expect(await gotBlock).toMatchObject({ index: 3, begin: 0, late: true });
    expect(raw.conn.snubbed).toBe(false);
    expect(raw.conn.unrequestedBlocks).toBe(0);
  });

  it('counts and ignores unrequested blocks, and closes a peer that keeps sending them', async () => {
    const clock = new ManualClock();
    const raw = await openRaw(clock);
    const blocks: unknown[] = [];
    raw.conn.on('block', (b) => blocks.push(b));
    raw.send(encodePieceHeader(1, 0, 4));
    raw.send(new Uint8Array(4));
    await until(() => raw.conn.unrequestedBlocks === 1);
    expect(blocks).toHaveLength(0);
    expect(raw.conn.closed).toBe(false);
    const closed = nextEvent(raw.conn, 'closed');
    for (let i = 0; i < MAX_UNREQUESTED_BLOCKS; i++) {
      raw.send(encodePieceHeader(1, 0, 4));
      raw.send(new Uint8Array(4));
    }
    expect((await closed).reason).toBe('protocol-error');
    expect(blocks).toHaveLength(0);
  });

  it('sizes the request queue from slow start and the rate, capped by reqq', async () => {
    const clock = new ManualClock();
    const raw = await openRaw(clock);
    expect(raw.conn.desiredQueueDepth()).toBe(INITIAL_QUEUE_DEPTH);
    raw.sendMessage({ type: 'have-all' });
    raw.sendMessage({ type: 'unchoke' });
    await nextEvent(raw.conn, 'unchoke');
    clock.advance(1_000);
    const deliver = async (from: number, n: number): Promise<void> => {
      for (let i = from; i < from + n; i++) raw.conn.request(5, i * BLOCK, BLOCK);
      for (let i = from; i < from + n; i++) {
        raw.send(encodePieceHeader(5, i * BLOCK, BLOCK));
        raw.send(new Uint8Array(BLOCK));
      }
      await until(() => raw.conn.inFlight === 0);
    };
    // Slow start: each block received adds one to the queue (160 KiB/s is only 20 by rate).
    await deliver(0, 10);
    expect(raw.conn.desiredQueueDepth()).toBe(INITIAL_QUEUE_DEPTH + 10);
    // 210 blocks in about a second: 2 s of that rate is 420 blocks, capped by the default reqq.
    await deliver(10, 200);
    expect(raw.conn.desiredQueueDepth()).toBe(DEFAULT_PEER_REQQ);
  });

  it('caps the queue at the peer reqq and a local ceiling', async () => {
    const clock = new ManualClock();
    const p = await openPair('memory', clock, { maxQueueDepth: 5000 }, { reqq: 10 });
    expect(p.a.desiredQueueDepth()).toBe(10);
    const q = await openPair('memory', new ManualClock(), { maxQueueDepth: 3 }, { reqq: 4000 });
    expect(q.a.desiredQueueDepth()).toBe(3);
  });

  it('forwards extension messages and refuses bitfield after other messages', async () => {
    const clock = new ManualClock();
    const p = await openPair('memory', clock);
    const got = nextEvent(p.b, 'extended');
    expect(p.a.sendExtended(3, new Uint8Array([1, 2, 3]))).toBe(true);
    const m = await got;
    expect(m.extId).toBe(3);
    expect([...m.payload]).toEqual([1, 2, 3]);
    expect(() => p.a.sendBitfield(new Bitfield(64))).toThrow(/first message/);
  });
});

describe('PeerConnection against a hostile peer', () => {
  it('random messages and bytes only ever close it with protocol-error', async () => {
    const r = seededRandom(2024);
    const reasons = new Map<string, number>();
    for (let round = 0; round < 60; round++) {
      const clock = new ManualClock();
      const raw = await openRaw(clock, {}, r.next() < 0.7);
      raw.conn.on('request', (q) => raw.conn.sendPiece(q.index, q.begin, new Uint8Array(q.length)));
      raw.conn.on('unchoke', () => raw.conn.request(r.int(70), 0, BLOCK));
      raw.conn.unchoke();
      const idx = (): number => (r.next() < 0.9 ? r.int(64) : r.int(2 ** 32));
      const len = (): number => (r.next() < 0.8 ? BLOCK : r.int(2 ** 32));
      const pool: Message[] = [
        { type: 'unchoke' },
        { type: 'choke' },
        { type: 'interested' },
        { type: 'have', index: idx() },
        { type: 'have-all' },
        { type: 'request', index: idx(), begin: 0, length: len() },
        { type: 'cancel', index: idx(), begin: 0, length: BLOCK },
        { type: 'reject', index: idx(), begin: 0, length: BLOCK },
        { type: 'allowed-fast', index: idx() },
        { type: 'suggest', index: idx() },
        { type: 'piece', index: idx(), begin: 0, block: new Uint8Array(r.int(64)) },
        { type: 'extended', extId: r.int(3), payload: r.bytes(r.int(30)) },
        { type: 'bitfield', bits: r.bytes(r.int(10)) },
        { type: 'port', port: 6881 },
      ];
      for (let i = 0; i < 30; i++) {
        if (r.next() < 0.1) raw.send(r.bytes(1 + r.int(20)));
        else raw.sendMessage(pool[r.int(pool.length)] as Message);
      }
      for (let i = 0; i < 5; i++) await new Promise((res) => setImmediate(res));
      const reason = raw.conn.closeReason ?? 'open';
      reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
      expect(['open', 'protocol-error']).toContain(reason);
      await raw.cleanup();
      expect(clock.pending).toBe(0);
    }
    expect(reasons.get('protocol-error')).toBeGreaterThan(0);
  });
});
