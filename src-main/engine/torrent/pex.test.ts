import { describe, expect, it } from 'vitest';
import { encode } from '../bencode';
import {
  PEX_INTERVAL_MS,
  PEX_MAX_ADDED_PER_MESSAGE,
  PEX_MAX_ADDED_PER_WINDOW,
  PEX_MAX_DROPPED_PER_MESSAGE,
  PEX_MAX_MESSAGES_PER_WINDOW,
} from '../limits';
import type { CloseReason } from '../peer/close-reason';
import { ManualClock } from '../time/clock';
import { LOCAL_EXTENSION_IDS } from '../wire/extension-ids';
import { decodePex, encodePex, PEX_FLAG_REACHABLE, PEX_FLAG_SEED } from '../wire/pex';
import type { PexMessage } from '../wire/pex';
import { PexExchange } from './pex';
import type { PexContact } from './pex';

interface FakeContact extends PexContact {
  sent: PexMessage[];
  closed: { reason: CloseReason; error?: Error } | null;
}

/** A connected peer: `pex` is the ut_pex id it asked for (0: it does not speak PEX). */
function contact(
  address: string,
  port: number,
  o: { incoming?: boolean; pex?: number; seed?: boolean; listenPort?: number } = {},
): FakeContact {
  const c: FakeContact = {
    key: `${address}:${port}`,
    address,
    port,
    sent: [],
    closed: null,
    conn: {
      incoming: o.incoming ?? false,
      remotePeerId: new Uint8Array(20),
      peerExtendedHandshake: { m: { ut_pex: o.pex ?? 3 }, p: o.listenPort },
      peerBitfield: { isFull: () => o.seed ?? false },
      sendExtended: (id, payload) => {
        expect(id).toBe(o.pex ?? 3);
        c.sent.push(decodePex(payload));
        return true;
      },
      close: (reason, error) => {
        c.closed = { reason, error };
      },
    },
  };
  return c;
}

function exchange(enabled = true) {
  const learnt: { peers: { address: string; port: number }[]; from: string }[] = [];
  const pex = new PexExchange({
    enabled: () => enabled,
    learn: (peers, from) => void learnt.push({ peers, from }),
    log: () => {},
  });
  return { pex, learnt };
}

const keys = (m: PexMessage | undefined): string[] =>
  [...(m?.added ?? [])].map((p) => `${p.address}:${p.port}`);

describe('PexExchange: sending', () => {
  it('tells a PEX peer about the peers we dialled, never about itself or incoming ones', () => {
    const { pex } = exchange();
    const a = contact('10.0.0.1', 1000);
    const b = contact('10.0.0.2', 2000, { seed: true });
    const inc = contact('10.0.0.3', 3000, { incoming: true });
    const other = contact('10.0.0.4', 4000, { pex: 0 });
    pex.tick(0, [a, b, inc, other]);
    expect(keys(a.sent[0])).toEqual(['10.0.0.2:2000', '10.0.0.4:4000']);
    expect(a.sent[0]?.added[0]?.flags).toBe(PEX_FLAG_REACHABLE | PEX_FLAG_SEED);
    expect(keys(b.sent[0])).toEqual(['10.0.0.1:1000', '10.0.0.4:4000']);
    // The incoming peer hears about the dialled ones; nobody hears about it.
    expect(keys(inc.sent[0])).toEqual(['10.0.0.1:1000', '10.0.0.2:2000', '10.0.0.4:4000']);
    expect(other.sent).toEqual([]);
  });

  it('does not tell an incoming peer its own listen address', () => {
    const { pex } = exchange();
    const inc = contact('10.0.0.3', 50000, { incoming: true, listenPort: 6881 });
    // We also dialled that same host's listen port (a second connection, before dedup).
    const same = contact('10.0.0.3', 6881);
    pex.tick(0, [inc, same]);
    expect(inc.sent).toEqual([]);
  });

  it('sends at most once a minute, only the difference, on a manual clock', () => {
    const clock = new ManualClock(0);
    const { pex } = exchange();
    const a = contact('10.0.0.1', 1000);
    const b = contact('10.0.0.2', 2000);
    const c = contact('10.0.0.3', 3000, { pex: 0 });
    pex.tick(clock.now(), [a, b]);
    expect(a.sent).toHaveLength(1);
    clock.advance(PEX_INTERVAL_MS - 1);
    pex.tick(clock.now(), [a, c]); // b gone, c new: not yet
    expect(a.sent).toHaveLength(1);
    clock.advance(1);
    pex.tick(clock.now(), [a, c]);
    expect(a.sent).toHaveLength(2);
    expect(keys(a.sent[1])).toEqual(['10.0.0.3:3000']);
    expect(a.sent[1]?.dropped).toEqual([{ address: '10.0.0.2', port: 2000 }]);
    // Nothing changed: nothing is sent, however long we wait.
    clock.advance(10 * PEX_INTERVAL_MS);
    pex.tick(clock.now(), [a, c]);
    expect(a.sent).toHaveLength(2);
  });

  it(`caps a message at ${PEX_MAX_ADDED_PER_MESSAGE} added and ${PEX_MAX_DROPPED_PER_MESSAGE} dropped; the rest follows`, () => {
    const { pex } = exchange();
    const a = contact('10.0.0.1', 1000);
    const many = Array.from({ length: 120 }, (_, i) => contact('10.1.0.1', 2000 + i, { pex: 0 }));
    pex.tick(0, [a, ...many]);
    expect(a.sent[0]?.added).toHaveLength(PEX_MAX_ADDED_PER_MESSAGE);
    pex.tick(PEX_INTERVAL_MS, [a, ...many]);
    pex.tick(2 * PEX_INTERVAL_MS, [a, ...many]);
    expect(a.sent.map((m) => m.added.length)).toEqual([50, 50, 20]);
    expect(new Set(a.sent.flatMap(keys)).size).toBe(120);
    // All 120 leave: dropped in 50, 50, 20.
    for (let i = 3; i < 6; i++) pex.tick(i * PEX_INTERVAL_MS, [a]);
    expect(a.sent.slice(3).map((m) => [m.added.length, m.dropped.length])).toEqual([
      [0, 50],
      [0, 50],
      [0, 20],
    ]);
  });

  it('sends nothing when PEX is off (setting, or a private torrent)', () => {
    const { pex } = exchange(false);
    const a = contact('10.0.0.1', 1000);
    pex.tick(0, [a, contact('10.0.0.2', 2000)]);
    expect(a.sent).toEqual([]);
    expect(pex.offer()).toEqual({});
    expect(exchange(true).pex.offer()).toEqual({ ut_pex: LOCAL_EXTENSION_IDS.ut_pex });
  });

  it('starts afresh with a peer that reconnects', () => {
    const { pex } = exchange();
    const a = contact('10.0.0.1', 1000);
    const b = contact('10.0.0.2', 2000);
    pex.tick(0, [a, b]);
    pex.onPeerGone(a.key);
    const a2 = contact('10.0.0.1', 1000);
    pex.tick(1, [a2, b]);
    expect(keys(a2.sent[0])).toEqual(['10.0.0.2:2000']);
  });
});

describe('PexExchange: receiving', () => {
  const msg = (n: number, base = 0): Uint8Array =>
    encodePex({
      added: Array.from({ length: n }, (_, i) => ({
        address: '10.2.0.1',
        port: 1000 + base + i,
        flags: 0,
      })),
      dropped: [],
    });

  it('hands the added peers to learn, without the sender itself', () => {
    const { pex, learnt } = exchange();
    const from = contact('10.0.0.1', 1000);
    const payload = encodePex({
      added: [
        { address: '10.0.0.1', port: 1000, flags: 0 },
        { address: '10.0.0.9', port: 9000, flags: 0 },
      ],
      dropped: [],
    });
    expect(pex.onMessage(from, payload, 0)).toBe(true);
    expect(learnt).toEqual([{ peers: [{ address: '10.0.0.9', port: 9000 }], from: from.key }]);
  });

  it('skips our own address when a peer names us back to ourselves', () => {
    const learnt: { address: string; port: number }[] = [];
    const pex = new PexExchange({
      enabled: () => true,
      learn: (peers) => void learnt.push(...peers),
      log: () => {},
      ownPort: () => 6881,
    });
    const from = contact('10.0.0.1', 1000);
    const withYourIp = {
      ...from,
      conn: {
        ...from.conn,
        peerExtendedHandshake: { m: { ut_pex: 3 }, yourip: Uint8Array.of(192, 168, 1, 5) },
      },
    };
    const payload = encodePex({
      added: [
        { address: '192.168.1.5', port: 6881, flags: 0 }, // us, as the sender sees us
        { address: '127.0.0.1', port: 6881, flags: 0 }, // us on loopback
        { address: '192.168.1.5', port: 6882, flags: 0 }, // another client on our host
        { address: '192.168.1.6', port: 6881, flags: 0 },
      ],
      dropped: [],
    });
    expect(pex.onMessage(withYourIp, payload, 0)).toBe(true);
    expect(learnt.map((p) => `${p.address}:${p.port}`)).toEqual([
      '192.168.1.5:6882',
      '192.168.1.6:6881',
    ]);
  });

  it('closes a peer that sends a malformed message', () => {
    const { pex, learnt } = exchange();
    const from = contact('10.0.0.1', 1000);
    expect(pex.onMessage(from, encode({ added: new Uint8Array(7) }), 0)).toBe(false);
    expect(from.closed?.reason).toBe('protocol-error');
    expect(from.closed?.error?.message).toMatch(/multiple of 6/);
    expect(learnt).toEqual([]);
  });

  it(`closes a peer that sends more than ${PEX_MAX_MESSAGES_PER_WINDOW} messages in a minute`, () => {
    const { pex, learnt } = exchange();
    const from = contact('10.0.0.1', 1000);
    for (let i = 0; i < PEX_MAX_MESSAGES_PER_WINDOW; i++)
      expect(pex.onMessage(from, msg(1, i), i * 1000)).toBe(true);
    expect(pex.onMessage(from, msg(1, 99), 5000)).toBe(false);
    expect(from.closed?.reason).toBe('protocol-error');
    expect(from.closed?.error?.message).toMatch(/PEX flood: 5 PEX messages/);
    expect(learnt).toHaveLength(PEX_MAX_MESSAGES_PER_WINDOW);
  });

  it('a message a minute for long is fine', () => {
    const { pex } = exchange();
    const from = contact('10.0.0.1', 1000);
    for (let i = 0; i < 20; i++)
      expect(pex.onMessage(from, msg(50, i), i * PEX_INTERVAL_MS)).toBe(true);
    expect(from.closed).toBeNull();
  });

  it(`closes a peer that adds more than ${PEX_MAX_ADDED_PER_WINDOW} peers in a minute`, () => {
    const { pex, learnt } = exchange();
    const from = contact('10.0.0.1', 1000);
    for (let i = 0; i < 2; i++) expect(pex.onMessage(from, msg(100, i * 100), i)).toBe(true);
    expect(pex.onMessage(from, msg(1, 500), 10)).toBe(false);
    expect(from.closed?.error?.message).toMatch(/PEX flood: 201 PEX peers added/);
    expect(learnt.flatMap((l) => l.peers)).toHaveLength(PEX_MAX_ADDED_PER_WINDOW);
  });

  it('ignores messages when PEX is off (we never offered it)', () => {
    const { pex, learnt } = exchange(false);
    const from = contact('10.0.0.1', 1000);
    expect(pex.onMessage(from, msg(3), 0)).toBe(true);
    expect(pex.onMessage(from, new Uint8Array([1, 2, 3]), 0)).toBe(true);
    expect(learnt).toEqual([]);
    expect(from.closed).toBeNull();
  });
});

// --- IPv6 (issue 18) ---
describe('PexExchange: IPv6 peers', () => {
  /** A v6 contact keyed as the torrent keys it: `[v6]:port`. */
  function contact6(address: string, port: number, o: { pex?: number } = {}): FakeContact {
    const c = contact(address, port, o);
    return { ...c, key: `[${address}]:${port}`, conn: c.conn, sent: c.sent };
  }

  it('tells peers about a v6 peer in added6 and, when it leaves, in dropped6', () => {
    const { pex } = exchange();
    const clock = new ManualClock();
    const a = contact('10.0.0.1', 1000);
    const v6 = contact6('2001:db8::7', 7000);
    pex.tick(clock.now(), [a, v6]);
    expect(a.sent[0]?.added).toEqual([
      { address: '2001:db8::7', port: 7000, flags: PEX_FLAG_REACHABLE },
    ]);
    clock.advance(PEX_INTERVAL_MS);
    pex.tick(clock.now(), [a]);
    expect(a.sent[1]?.dropped).toEqual([{ address: '2001:db8::7', port: 7000 }]);
  });

  it('learns v6 peers from added6, but not the sender itself', () => {
    const { pex, learnt } = exchange();
    const from = contact6('2001:db8::1', 6881);
    pex.onMessage(
      from,
      encodePex({
        added: [
          { address: '2001:db8::1', port: 6881, flags: 0 },
          { address: '2001:db8::2', port: 6882, flags: 0 },
        ],
        dropped: [],
      }),
      0,
    );
    expect(learnt).toEqual([
      { peers: [{ address: '2001:db8::2', port: 6882 }], from: '[2001:db8::1]:6881' },
    ]);
  });
});
