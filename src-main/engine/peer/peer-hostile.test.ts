/**
 * Hostile peers (issue 16): each misbehaviour closes that peer with a logged CloseReason, and an
 * honest connection alongside keeps working. Cases tested elsewhere are not repeated: an
 * oversize frame against a small limit, `have` past the end, a second opening bitfield,
 * unrequested blocks, a wrong info-hash and a silent handshake (peer-connection.test.ts).
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  FRAME_RECEIVE_TIMEOUT_MS,
  HANDSHAKE_TIMEOUT_MS,
  MAX_FRAME_BYTES,
  MAX_REFUSED_REQUESTS_PER_REQQ,
} from '../limits';
import { ManualClock } from '../time/clock';
import { Bitfield } from '../wire/bitfield';
import { encodeHandshake, reservedFlags } from '../wire/handshake';
import { MessageId, encodePieceHeader } from '../wire/message';
import type { BlockRef } from '../wire/message';
import { PeerError } from './close-reason';
import type { PeerConnection, PeerLogEntry } from './peer-connection';
import { readHandshake } from './read-handshake';
import { PEER_ID_B, TEST_INFO_HASH, memoryPair, nextEvent, rawPeer, until } from './test-peers';
import type { RawPeer, SideOptions } from './test-peers';

const BLOCK = 16 * 1024;
const PIECE_BYTES = 4 * BLOCK;
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

interface Hostile {
  raw: RawPeer;
  log: PeerLogEntry[];
}

/** A connection (64 pieces) facing a scripted peer, past the handshake, with its log kept. */
async function openHostile(
  clock: ManualClock,
  side: SideOptions = {},
  segmentBytes?: number,
): Promise<Hostile> {
  const log: PeerLogEntry[] = [];
  const raw = rawPeer(clock, { ...side, onLog: (e) => log.push(e) }, { segmentBytes });
  cleanups.push(raw.cleanup);
  raw.conn.on('handshake', () => raw.conn.haveNone());
  raw.handshake({ fast: true });
  await nextEvent(raw.conn, 'handshake');
  return { raw, log };
}

/** The close is in the peer's log with its reason, as the Log tab shows it. */
function expectLoggedClose(h: Hostile, reason: string, detail?: RegExp): void {
  const close = h.log.find((e) => e.type === 'close');
  expect(close?.detail.startsWith(reason)).toBe(true);
  if (detail) expect(close?.detail).toMatch(detail);
}

/** An honest pair on the same clock still requests and receives a block. */
async function expectHonestPairWorks(clock: ManualClock): Promise<void> {
  const p = memoryPair(clock);
  cleanups.push(p.cleanup);
  p.a.on('handshake', () => p.a.haveNone());
  p.b.on('handshake', () => p.b.haveAll());
  p.b.on('request', (r) => p.b.sendPiece(r.index, r.begin, new Uint8Array(r.length)));
  await nextEvent(p.a, 'have-all');
  p.b.unchoke();
  await nextEvent(p.a, 'unchoke');
  const got = nextEvent(p.a, 'block');
  expect(p.a.request(2, 0, BLOCK)).toBe(true);
  expect((await got).index).toBe(2);
  expect(p.a.closed || p.b.closed).toBe(false);
}

async function closedWith(conn: PeerConnection): Promise<string> {
  if (conn.closeReason) return conn.closeReason;
  return (await nextEvent(conn, 'closed')).reason;
}

function rejectsIn(bytes: Uint8Array): number {
  let n = 0;
  for (let at = 68; at + 4 <= bytes.length;) {
    const len = Buffer.from(bytes.buffer, bytes.byteOffset + at, 4).readUInt32BE(0);
    if (len === 13 && bytes[at + 4] === MessageId.reject) n++;
    at += 4 + len;
  }
  return n;
}

describe('a hostile peer is closed with a logged reason and nothing else is affected', () => {
  it('frames over the limit: a maximal length prefix alone closes it, nothing is buffered', async () => {
    const clock = new ManualClock();
    const h = await openHostile(clock);
    const over = MAX_FRAME_BYTES + 1;
    h.raw.send(
      new Uint8Array([over >>> 24, (over >>> 16) & 0xff, (over >>> 8) & 0xff, over & 0xff]),
    );
    expect(await closedWith(h.raw.conn)).toBe('protocol-error');
    expectLoggedClose(h, 'protocol-error', /exceeds/);
    expect(clock.pending).toBe(0);
    await expectHonestPairWorks(clock);
  });

  it('request floods: the queue holds at most our reqq, the rest are rejected, then it is closed', async () => {
    const clock = new ManualClock();
    const reqq = 8;
    const h = await openHostile(clock, { reqq });
    const requests: BlockRef[] = [];
    h.raw.conn.on('request', (r) => requests.push(r)); // never answered: the queue fills
    h.raw.conn.unchoke();
    const refusable = MAX_REFUSED_REQUESTS_PER_REQQ * reqq;
    for (let i = 0; i < reqq + refusable; i++) {
      h.raw.sendMessage({ type: 'request', index: i % 64, begin: 0, length: BLOCK });
    }
    await until(() => rejectsIn(h.raw.received()) === refusable);
    expect(h.raw.conn.pendingPeerRequests).toBe(reqq);
    expect(requests).toHaveLength(reqq);
    expect(h.raw.conn.closed).toBe(false); // at the allowance, not past it
    h.raw.sendMessage({ type: 'request', index: 0, begin: BLOCK, length: BLOCK });
    expect(await closedWith(h.raw.conn)).toBe('protocol-error');
    expectLoggedClose(h, 'protocol-error', /request flood/);
    await expectHonestPairWorks(clock);
  });

  it('a request flood while choked is closed too, and our unchoke gives a fresh allowance', async () => {
    const clock = new ManualClock();
    const reqq = 4;
    const h = await openHostile(clock, { reqq });
    const refusable = MAX_REFUSED_REQUESTS_PER_REQQ * reqq;
    for (let i = 0; i < refusable; i++) {
      h.raw.sendMessage({ type: 'request', index: 1, begin: i * BLOCK, length: BLOCK });
    }
    await until(() => rejectsIn(h.raw.received()) === refusable);
    h.raw.conn.unchoke();
    h.raw.conn.choke();
    for (let i = 0; i < refusable; i++) {
      h.raw.sendMessage({ type: 'request', index: 2, begin: i * BLOCK, length: BLOCK });
    }
    await until(() => rejectsIn(h.raw.received()) === 2 * refusable);
    expect(h.raw.conn.closed).toBe(false);
    h.raw.sendMessage({ type: 'request', index: 3, begin: 0, length: BLOCK });
    expect(await closedWith(h.raw.conn)).toBe('protocol-error');
    expectLoggedClose(h, 'protocol-error', /request flood/);
  });

  it('out-of-range index: a request for a piece past the end', async () => {
    const clock = new ManualClock();
    const h = await openHostile(clock);
    h.raw.conn.unchoke();
    h.raw.sendMessage({ type: 'request', index: 64, begin: 0, length: BLOCK });
    expect(await closedWith(h.raw.conn)).toBe('protocol-error');
    expectLoggedClose(h, 'protocol-error', /request for piece 64 of 64/);
    await expectHonestPairWorks(clock);
  });

  it('out-of-range offset: a request that runs past the end of its piece', async () => {
    const clock = new ManualClock();
    const requests: BlockRef[] = [];
    const h = await openHostile(clock, { pieceBytes: () => PIECE_BYTES });
    h.raw.conn.on('request', (r) => requests.push(r));
    h.raw.conn.unchoke();
    h.raw.sendMessage({ type: 'request', index: 5, begin: PIECE_BYTES - BLOCK, length: BLOCK });
    await until(() => requests.length === 1);
    h.raw.sendMessage({ type: 'request', index: 5, begin: PIECE_BYTES - 100, length: BLOCK });
    expect(await closedWith(h.raw.conn)).toBe('protocol-error');
    expectLoggedClose(h, 'protocol-error', /past the piece/);
    expect(requests).toHaveLength(1);
    await expectHonestPairWorks(clock);
  });

  it('out-of-range index and offset in a piece message: never delivered, counted as unrequested', async () => {
    const clock = new ManualClock();
    const h = await openHostile(clock);
    const blocks: unknown[] = [];
    h.raw.conn.on('block', (b) => blocks.push(b));
    h.raw.sendMessage({ type: 'have-all' });
    h.raw.sendMessage({ type: 'unchoke' });
    await nextEvent(h.raw.conn, 'unchoke');
    expect(h.raw.conn.request(3, 0, BLOCK)).toBe(true);
    h.raw.send(encodePieceHeader(64, 0, 4));
    h.raw.send(new Uint8Array(4));
    h.raw.send(encodePieceHeader(3, 0x7fff_0000, 4));
    h.raw.send(new Uint8Array(4));
    await until(() => h.raw.conn.unrequestedBlocks === 2);
    expect(blocks).toHaveLength(0);
    expect(h.raw.conn.inFlight).toBe(1);
    await expectHonestPairWorks(clock);
  });

  it('a bitfield of the wrong length', async () => {
    const clock = new ManualClock();
    const h = await openHostile(clock);
    h.raw.sendMessage({ type: 'bitfield', bits: new Uint8Array(9) });
    expect(await closedWith(h.raw.conn)).toBe('protocol-error');
    expectLoggedClose(h, 'protocol-error', /bitfield of 9 bytes for 64 pieces/);
    await expectHonestPairWorks(clock);
  });

  it('a bitfield with spare bits set', async () => {
    const clock = new ManualClock();
    const h = await openHostile(clock, { pieceCount: 60 });
    const bits = new Bitfield(60).toBytes();
    bits[7] = 0x01; // pieces 60-63 do not exist
    h.raw.sendMessage({ type: 'bitfield', bits });
    expect(await closedWith(h.raw.conn)).toBe('protocol-error');
    expectLoggedClose(h, 'protocol-error', /spare bits/);
    await expectHonestPairWorks(clock);
  });

  it('a late bitfield of the wrong length is refused like a first one', async () => {
    const clock = new ManualClock();
    const h = await openHostile(clock);
    h.raw.sendMessage({ type: 'have-none' });
    h.raw.sendMessage({ type: 'bitfield', bits: new Uint8Array(7) });
    expect(await closedWith(h.raw.conn)).toBe('protocol-error');
    expectLoggedClose(h, 'protocol-error', /bitfield of 7 bytes/);
    expect(h.raw.conn.peerBitfield.count()).toBe(0);
  });

  it('slowloris handshake: trickled one byte at a time, it still times out', async () => {
    const clock = new ManualClock();
    const log: PeerLogEntry[] = [];
    const raw = rawPeer(clock, { onLog: (e) => log.push(e) }, { segmentBytes: 1 });
    cleanups.push(raw.cleanup);
    const hs = encodeHandshake({
      infoHash: TEST_INFO_HASH,
      peerId: PEER_ID_B,
      reserved: reservedFlags({ fast: true, extended: false }),
    });
    // 67 of 68 bytes, one every 140 ms: every byte is progress, none completes the handshake.
    for (let i = 0; i < 67 && !raw.conn.closed; i++) {
      raw.send(hs.subarray(i, i + 1));
      await turn();
      clock.advance(HANDSHAKE_TIMEOUT_MS / 70);
    }
    clock.advance(HANDSHAKE_TIMEOUT_MS);
    expect(raw.conn.closeReason).toBe('timeout');
    expect(log.find((e) => e.type === 'close')?.detail).toMatch(/^timeout: handshake timed out/);
    expect(clock.pending).toBe(0);
    await expectHonestPairWorks(clock);
  });

  it('slowloris handshake on the listener: readHandshake gives up while bytes still trickle', async () => {
    const clock = new ManualClock();
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const accepted = new Promise<net.Socket>((r) => server.once('connection', r));
    const dial = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
    const socket = await accepted;
    cleanups.push(async () => {
      dial.destroy();
      socket.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    });
    const outcome = readHandshake(socket, HANDSHAKE_TIMEOUT_MS, clock).then(
      () => 'resolved',
      (err: unknown) => err,
    );
    // 20 bytes of a valid prefix ("\x13BitTorrent protocol" is 20 bytes), one per tenth of the
    // timeout: the reader sees progress throughout and must still give up.
    const prefix = encodeHandshake({
      infoHash: TEST_INFO_HASH,
      peerId: PEER_ID_B,
      reserved: reservedFlags({ fast: true, extended: false }),
    });
    for (let i = 0; i < 20; i++) {
      dial.write(prefix.subarray(i, i + 1));
      for (let k = 0; k < 3; k++) await turn();
      clock.advance(HANDSHAKE_TIMEOUT_MS / 10);
    }
    const err = await outcome;
    expect(err).toBeInstanceOf(PeerError);
    expect((err as PeerError).code).toBe('timeout');
  });

  it('a frame trickled one byte at a time is closed with frame-timeout, though bytes keep coming', async () => {
    const clock = new ManualClock();
    const h = await openHostile(clock, {}, 1);
    const len = MAX_FRAME_BYTES - 16;
    h.raw.send(
      new Uint8Array([len >>> 24, (len >>> 16) & 0xff, (len >>> 8) & 0xff, len & 0xff, 5]),
    );
    // One byte every 500 ms keeps the idle timer quiet for ever; the frame's own timer is not.
    const stepMs = 500;
    for (let t = 0; t <= FRAME_RECEIVE_TIMEOUT_MS + 2_000 && !h.raw.conn.closed; t += stepMs) {
      h.raw.send(new Uint8Array([0xff]));
      await turn();
      clock.advance(stepMs);
    }
    expect(h.raw.conn.closeReason).toBe('frame-timeout');
    expectLoggedClose(h, 'frame-timeout', /frame incomplete after/);
    expect(clock.pending).toBe(0);
    await expectHonestPairWorks(clock);
  });

  it('an honest slow frame that completes within the limit is not closed', async () => {
    const clock = new ManualClock();
    const h = await openHostile(clock, {}, 1);
    const bits = Bitfield.full(64).toBytes();
    const frame = new Uint8Array([0, 0, 0, 9, 5, ...bits]);
    for (const byte of frame) {
      h.raw.send(new Uint8Array([byte]));
      await turn();
      clock.advance(FRAME_RECEIVE_TIMEOUT_MS / 20);
    }
    await until(() => h.raw.conn.peerBitfield.isFull());
    expect(h.raw.conn.closed).toBe(false);
  });
});
