import { describe, expect, it } from 'vitest';
import {
  MAX_ALLOWED_FAST_PIECES,
  MAX_REFUSED_REQUESTS_PER_REQQ,
  MAX_UNREQUESTED_BLOCKS,
} from '../limits';
import { RateMeter } from '../net/rate-meter';
import { ManualClock } from '../time/clock';
import { EXTENDED_HANDSHAKE_ID, encodeExtendedHandshake } from '../wire/extension-handshake';
import type { Message } from '../wire/message';
import { ProtocolError } from '../wire/protocol-error';
import { PeerAvailability } from './peer-availability';
import type { PeerConnectionEvents } from './peer-connection-options';
import { PeerInbox } from './peer-inbox';
import type { InboxConnection } from './peer-inbox';
import { RequestPipeline } from './request-pipeline';
import { UploadQueue } from './upload-queue';

const PIECES = 1000;
const BLOCK = 16_384;

/** An inbox over real parts, recording what it emits and sends. */
function inbox(
  fast: boolean,
  opts: { extended?: boolean; reqq?: number; pieceBytes?: number; metadataOnly?: boolean } = {},
) {
  const clock = new ManualClock();
  const conn: InboxConnection = {
    pieceCount: PIECES,
    metadataOnly: opts.metadataOnly ?? false,
    amChoking: false,
    peerChoking: false,
    peerInterested: false,
    supportsFast: fast,
    supportsExtended: opts.extended ?? true,
    peerExtendedHandshake: null,
    clientName: 'unknown',
    unrequestedBlocks: 0,
  };
  const requests = new RequestPipeline({
    maxQueueDepth: 100,
    requestTimeoutMs: 60_000,
    snubMs: 60_000,
    now: clock.now(),
  });
  const uploads = new UploadQueue(opts.reqq ?? 10);
  const emitted: [keyof PeerConnectionEvents, unknown][] = [];
  const sent: Message[] = [];
  const pieceBytes = opts.pieceBytes;
  const box = new PeerInbox(conn, {
    clock,
    requests,
    uploads,
    availability: new PeerAvailability(PIECES),
    down: new RateMeter(clock),
    blockLog: null,
    pieceBytes: pieceBytes === undefined ? undefined : () => pieceBytes,
    emit: (name, payload) => void emitted.push([name, payload]),
    send: (m) => void sent.push(m),
    log: () => undefined,
  });
  const names = (): string[] => emitted.map(([n]) => n);
  return { box, conn, requests, uploads, emitted, sent, names, clock };
}

const req = (index: number, begin = 0): Message => ({
  type: 'request',
  index,
  begin,
  length: BLOCK,
});

describe('PeerInbox rules', () => {
  it('a repeated choke, unchoke or interest changes nothing and emits nothing', () => {
    const t = inbox(true);
    t.box.handle({ type: 'choke' });
    t.box.handle({ type: 'choke' });
    t.box.handle({ type: 'interested' });
    t.box.handle({ type: 'interested' });
    t.box.handle({ type: 'unchoke' });
    t.box.handle({ type: 'unchoke' });
    expect(t.names()).toEqual(['choke', 'interested', 'unchoke']);
    expect(t.conn.peerChoking).toBe(false);
    expect(t.conn.peerInterested).toBe(true);
  });

  it('BEP 3: a choke drops our requests in flight; BEP 6: it keeps them until rejected', () => {
    for (const fast of [false, true]) {
      const t = inbox(fast);
      t.requests.add({ index: 1, begin: 0, length: BLOCK }, t.clock.now());
      t.box.handle({ type: 'choke' });
      expect(t.emitted[0]).toEqual(['choke', fast ? [] : [{ index: 1, begin: 0, length: BLOCK }]]);
      expect(t.requests.size).toBe(fast ? 1 : 0);
    }
  });

  it('fast messages without the Fast Extension are a fault of the peer', () => {
    const fastOnly: Message[] = [
      { type: 'have-all' },
      { type: 'have-none' },
      { type: 'reject', index: 0, begin: 0, length: BLOCK },
      { type: 'allowed-fast', index: 0 },
      { type: 'suggest', index: 0 },
    ];
    for (const m of fastOnly) {
      const t = inbox(false);
      expect(() => t.box.handle(m)).toThrow(ProtocolError);
      expect(t.emitted).toEqual([]);
    }
  });

  it('BEP 9: before the metadata, piece availability of any size is ignored, not a fault', () => {
    const t = inbox(true, { metadataOnly: true });
    t.box.handle({ type: 'bitfield', bits: new Uint8Array(1000).fill(0xff) });
    t.box.handle({ type: 'have', index: 1_000_000 });
    t.box.handle({ type: 'have-all' });
    t.box.handle({ type: 'suggest', index: 99_999 });
    t.box.handle({ type: 'extended', extId: 2, payload: new Uint8Array([1]) });
    expect(t.names()).toEqual(['extended']);
    // The same bitfield on an ordinary connection is the peer's fault.
    expect(() =>
      inbox(true).box.handle({ type: 'bitfield', bits: new Uint8Array(1000).fill(0xff) }),
    ).toThrow(ProtocolError);
  });

  it('ignores allowed-fast out of range, repeated, or past MAX_ALLOWED_FAST_PIECES', () => {
    const t = inbox(true);
    t.box.handle({ type: 'allowed-fast', index: PIECES });
    t.box.handle({ type: 'allowed-fast', index: 3 });
    t.box.handle({ type: 'allowed-fast', index: 3 });
    expect(t.emitted).toEqual([['allowed-fast', 3]]);
    for (let i = 0; i < MAX_ALLOWED_FAST_PIECES + 5; i++) {
      t.box.handle({ type: 'allowed-fast', index: i });
    }
    expect(t.box.peerAllowedFast.size).toBe(MAX_ALLOWED_FAST_PIECES);
    expect(t.box.peerAllowedFast.has(MAX_ALLOWED_FAST_PIECES)).toBe(false);
  });

  it('BEP 6: rejects a request while we choke and closes a flood past the refused limit', () => {
    const reqq = 4;
    const t = inbox(true, { reqq });
    t.conn.amChoking = true;
    const limit = MAX_REFUSED_REQUESTS_PER_REQQ * reqq;
    for (let i = 0; i < limit; i++) t.box.handle(req(i));
    expect(t.sent).toHaveLength(limit);
    expect(t.sent[0]).toEqual({ type: 'reject', index: 0, begin: 0, length: BLOCK });
    expect(t.emitted).toEqual([]);
    expect(() => t.box.handle(req(limit))).toThrow(/request flood/);
  });

  it('BEP 3: a request while we choke is dropped without an answer', () => {
    const t = inbox(false);
    t.conn.amChoking = true;
    t.box.handle(req(0));
    expect(t.sent).toEqual([]);
    expect(t.uploads.size).toBe(0);
  });

  it('a request past the end of its piece is a fault of the peer', () => {
    const t = inbox(true, { pieceBytes: BLOCK });
    t.box.handle(req(0, 0));
    expect(t.emitted).toEqual([['request', { index: 0, begin: 0, length: BLOCK }]]);
    expect(() => t.box.handle(req(0, BLOCK))).toThrow(/past the piece/);
  });

  it('BEP 6: a cancelled pending request is answered with a reject, once', () => {
    const t = inbox(true);
    t.box.handle(req(2));
    const cancel: Message = { type: 'cancel', index: 2, begin: 0, length: BLOCK };
    t.box.handle(cancel);
    t.box.handle(cancel);
    expect(t.sent).toEqual([{ type: 'reject', index: 2, begin: 0, length: BLOCK }]);
    expect(t.names()).toEqual(['request', 'cancel']);
  });

  it('emits a block only for a request we made; past MAX_UNREQUESTED_BLOCKS others are a fault', () => {
    const t = inbox(true);
    const data = new Uint8Array(BLOCK);
    t.requests.add({ index: 5, begin: 0, length: BLOCK }, t.clock.now());
    t.box.handle({ type: 'piece', index: 5, begin: 0, block: data });
    expect(t.emitted).toEqual([['block', { index: 5, begin: 0, data, late: false }]]);
    for (let i = 0; i < MAX_UNREQUESTED_BLOCKS; i++) {
      t.box.handle({ type: 'piece', index: 6, begin: i * BLOCK, block: data });
    }
    expect(t.conn.unrequestedBlocks).toBe(MAX_UNREQUESTED_BLOCKS);
    expect(t.emitted).toHaveLength(1);
    expect(() => t.box.handle({ type: 'piece', index: 7, begin: 0, block: data })).toThrow(
      /never requested/,
    );
  });

  it('BEP 10: the extended handshake sets the peer reqq and client name; without BEP 10 it is a fault', () => {
    const t = inbox(true);
    const payload = encodeExtendedHandshake({ m: { ut_metadata: 3 }, v: 'Peer 9', reqq: 0 });
    t.box.handle({ type: 'extended', extId: EXTENDED_HANDSHAKE_ID, payload });
    expect(t.requests.peerReqq).toBe(1);
    expect(t.conn.clientName).toBe('Peer 9');
    expect(t.conn.peerExtendedHandshake?.m).toEqual({ ut_metadata: 3 });
    expect(t.names()).toEqual(['extended-handshake']);
    const off = inbox(true, { extended: false });
    expect(() => off.box.handle({ type: 'extended', extId: 3, payload })).toThrow(ProtocolError);
  });
});
