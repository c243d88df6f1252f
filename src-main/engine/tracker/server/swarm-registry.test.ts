import { describe, expect, it } from 'vitest';
import { ManualClock, seededRandom } from '../../time/clock';
import { compactPeer } from '../codec/compact-peers';
import type { AnnounceOutcome, RegistryAnnounce, RegistryPeer } from './swarm-registry';
import { SwarmRegistry } from './swarm-registry';

const H = 'aa'.repeat(20);

function peer(n: number, over: Partial<RegistryAnnounce> = {}): RegistryAnnounce {
  return {
    peerId: new Uint8Array(20).fill(n & 0xff),
    address: `10.0.${(n >> 8) & 0xff}.${n & 0xff}`,
    port: 6881,
    uploaded: 0,
    downloaded: 0,
    left: 100,
    event: 'started',
    numwant: null,
    peerList: true,
    ...over,
  };
}

function setup(config = {}) {
  const clock = new ManualClock();
  const reg = new SwarmRegistry(clock, seededRandom(42), {
    intervalSec: 100,
    minIntervalSec: 10,
    ...config,
  });
  return { clock, reg };
}

/** For the tests of sampling and bookkeeping, which announce many times from few addresses. */
const NO_PER_IP_LIMITS = {
  maxPeersPerIpPerSwarm: Infinity,
  maxPeersPerIp: Infinity,
  announceBurstPerIp: 1e9,
};

type Answer = Extract<AnnounceOutcome, { ok: true }>;

/** The answer, with the peer list the test helper `peer` asks for. */
function ok(o: AnnounceOutcome): Answer & { peers: RegistryPeer[] } {
  if (!o.ok) throw new Error(`expected ok: ${JSON.stringify(o)}`);
  if (o.peers === null) throw new Error('expected a peer list');
  return o as Answer & { peers: RegistryPeer[] };
}

/** The compact bytes the sampled objects should have produced, per family. */
function compactOf(peers: RegistryPeer[], family: 4 | 6): Buffer {
  return Buffer.concat(
    peers
      .map((p) => compactPeer(p.address, p.port))
      .filter((c) => c !== null && c.family === family)
      .map((c) => (c as { bytes: Uint8Array }).bytes),
  );
}

describe('SwarmRegistry', () => {
  it('counts seeders, leechers and snatches (once per peer)', () => {
    const { reg } = setup();
    reg.announce(H, peer(1));
    reg.announce(H, peer(2));
    reg.announce(H, peer(3, { left: 0 }));
    expect(reg.scrape(H)).toEqual({ complete: 1, incomplete: 2, downloaded: 0 });
    reg.announce(H, peer(1, { left: 0, event: 'completed' }));
    reg.announce(H, peer(1, { left: 0, event: 'completed' }));
    expect(reg.scrape(H)).toEqual({ complete: 2, incomplete: 1, downloaded: 1 });
    reg.announce(H, peer(2, { event: 'stopped' }));
    expect(reg.scrape(H)).toEqual({ complete: 2, incomplete: 0, downloaded: 1 });
    expect(reg.scrape('bb'.repeat(20))).toEqual({ complete: 0, incomplete: 0, downloaded: 0 });
  });

  it('answers with interval and min interval from its config', () => {
    const { reg } = setup();
    const r = ok(reg.announce(H, peer(1)));
    expect([r.intervalSec, r.minIntervalSec]).toEqual([100, 10]);
  });

  it('never lists the announcing peer in its own answer', () => {
    const { reg } = setup();
    for (let i = 1; i <= 30; i++) {
      const r = ok(reg.announce(H, peer(i)));
      expect(r.peers.map((p) => p.endpoint)).not.toContain(`10.0.0.${i}:6881`);
      expect(r.peers).toHaveLength(i - 1);
    }
  });

  it('gives seeders only leechers, and leechers both', () => {
    const { reg } = setup();
    for (let i = 1; i <= 5; i++) reg.announce(H, peer(i, { left: 0 }));
    for (let i = 6; i <= 8; i++) reg.announce(H, peer(i));
    const seeder = ok(reg.announce(H, peer(1, { left: 0, event: 'none' })));
    expect(seeder.peers.every((p) => !p.seeding)).toBe(true);
    expect(seeder.peers).toHaveLength(3);
    const leecher = ok(reg.announce(H, peer(6, { event: 'none' })));
    expect(leecher.peers).toHaveLength(7);
    // A lone leecher is all a seeder gets, and it gets it.
    for (let i = 7; i <= 8; i++) reg.announce(H, peer(i, { event: 'stopped' }));
    expect(
      ok(reg.announce(H, peer(2, { left: 0, event: 'none' }))).peers.map((p) => p.port),
    ).toEqual([6881]);
  });

  it('samples uniformly at random, distinct, within numwant', () => {
    const { reg } = setup(NO_PER_IP_LIMITS);
    for (let i = 1; i <= 400; i++) reg.announce(H, peer(i));
    const seen = new Map<string, number>();
    for (let round = 0; round < 200; round++) {
      const r = ok(reg.announce(H, peer(1, { event: 'none', numwant: 20 })));
      expect(r.peers).toHaveLength(20);
      expect(new Set(r.peers.map((p) => p.endpoint)).size).toBe(20);
      for (const p of r.peers) seen.set(p.endpoint, (seen.get(p.endpoint) ?? 0) + 1);
    }
    // 4000 draws over 399 peers: each expected ~10 times; nearly all must appear.
    expect(seen.size).toBeGreaterThan(390);
    expect(Math.max(...seen.values())).toBeLessThan(35);
    // A sample close to the pool size takes the partial-shuffle path.
    const big = ok(reg.announce(H, peer(1, { event: 'none', numwant: 150 })));
    expect(new Set(big.peers.map((p) => p.endpoint)).size).toBe(150);
  });

  it('writes the sample as compact bytes, per family, matching the peer objects', () => {
    const { reg } = setup();
    for (let i = 1; i <= 60; i++) {
      const address = i % 3 === 0 ? `2001:db8::${i.toString(16)}` : `10.0.0.${i}`;
      reg.announce(H, peer(i, { address, port: 1000 + i, left: i % 4 === 0 ? 0 : 7 }));
    }
    // Removals and seeding switches move entries between and within the byte stores.
    for (let i = 1; i <= 60; i += 5) {
      const address = i % 3 === 0 ? `2001:db8::${i.toString(16)}` : `10.0.0.${i}`;
      reg.announce(H, peer(i, { address, port: 1000 + i, event: 'stopped' }));
    }
    for (let i = 2; i <= 60; i += 7) {
      const address = i % 3 === 0 ? `2001:db8::${i.toString(16)}` : `10.0.0.${i}`;
      reg.announce(H, peer(i, { address, port: 1000 + i, left: 0, event: 'none' }));
    }
    for (const numwant of [5, 30, 200]) {
      const r = ok(reg.announce(H, peer(99, { address: '10.9.9.9', numwant })));
      expect(Buffer.from(r.peers4).equals(compactOf(r.peers, 4))).toBe(true);
      expect(Buffer.from(r.peers6).equals(compactOf(r.peers, 6))).toBe(true);
      expect(r.peers4.length / 6 + r.peers6.length / 18).toBe(r.peers.length);
    }
  });

  it('leaves out the peer objects unless asked, and answers the same bytes', () => {
    const { reg } = setup();
    for (let i = 1; i <= 10; i++) reg.announce(H, peer(i));
    const r = reg.announce(H, peer(1, { event: 'none', peerList: false }));
    if (!r.ok) throw new Error('expected ok');
    expect(r.peers).toBeNull();
    expect(r.peers4.length).toBe(9 * 6);
    expect(r.peers6.length).toBe(0);
  });

  it('uses numwant 50 by default and clips it at 200', () => {
    const { reg } = setup();
    for (let i = 1; i <= 300; i++) reg.announce(H, peer(i));
    expect(ok(reg.announce(H, peer(1, { event: 'none' }))).peers).toHaveLength(50);
    expect(ok(reg.announce(H, peer(1, { event: 'none', numwant: 1e9 }))).peers).toHaveLength(200);
    expect(ok(reg.announce(H, peer(1, { event: 'none', numwant: 0 }))).peers).toHaveLength(0);
  });

  it('expires a peer after 2x the interval, and drops empty swarms', () => {
    const { clock, reg } = setup();
    reg.announce(H, peer(1));
    clock.advance(150_000);
    reg.announce(H, peer(2));
    expect(reg.expire()).toBe(0);
    clock.advance(50_001); // peer 1 silent for 200.001 s = 2x interval + 1 ms
    expect(reg.expire()).toBe(1);
    expect(reg.scrape(H).incomplete).toBe(1);
    clock.advance(200_000);
    expect(reg.expire()).toBe(1);
    expect(reg.has(H)).toBe(false);
    expect(reg.totalPeers).toBe(0);
  });

  it('keys a peer by endpoint: a restarted client replaces its old entry', () => {
    const { reg } = setup();
    reg.announce(H, peer(1));
    reg.announce(H, peer(1, { peerId: new Uint8Array(20).fill(99) }));
    expect(reg.totalPeers).toBe(1);
  });

  it('enforces the swarm, per-swarm and total limits', () => {
    const { reg } = setup({ maxSwarms: 2, maxPeersPerSwarm: 3, maxPeersTotal: 5 });
    expect(reg.announce('01'.repeat(20), peer(1)).ok).toBe(true);
    expect(reg.announce('02'.repeat(20), peer(1)).ok).toBe(true);
    expect(reg.announce('03'.repeat(20), peer(1))).toMatchObject({
      ok: false,
      reason: 'too-many-swarms',
    });
    expect(reg.swarmCount).toBe(2);
    reg.announce('01'.repeat(20), peer(2));
    reg.announce('01'.repeat(20), peer(3));
    expect(reg.announce('01'.repeat(20), peer(4))).toMatchObject({
      ok: false,
      reason: 'swarm-full',
    });
    // A known peer still updates when the swarm is full.
    expect(reg.announce('01'.repeat(20), peer(3, { event: 'none' })).ok).toBe(true);
    reg.announce('02'.repeat(20), peer(2));
    expect(reg.announce('02'.repeat(20), peer(3))).toMatchObject({
      ok: false,
      reason: 'tracker-full',
    });
    expect(reg.totalPeers).toBe(5);
  });

  it('a stopped announce for an unknown swarm creates nothing', () => {
    const { reg } = setup();
    expect(ok(reg.announce(H, peer(1, { event: 'stopped' }))).peers).toEqual([]);
    expect(reg.swarmCount).toBe(0);
  });

  it('lists swarm counts largest first and a swarm’s peers', () => {
    const { reg } = setup();
    reg.announce('01'.repeat(20), peer(1));
    for (let i = 1; i <= 3; i++) reg.announce('02'.repeat(20), peer(i, { left: i === 1 ? 0 : 5 }));
    expect(reg.swarmCounts(10).map((s) => s.infoHash)).toEqual(['02'.repeat(20), '01'.repeat(20)]);
    expect(reg.swarmCounts(1)).toHaveLength(1);
    expect(reg.peers('02'.repeat(20), 10)?.[0]?.seeding).toBe(true);
    expect(reg.peers('ff'.repeat(20), 10)).toBeNull();
  });

  it('agrees with a plain map model over random announces, stops, switches and expiry', () => {
    const { clock, reg } = setup({ maxPeersPerSwarm: 10_000, ...NO_PER_IP_LIMITS });
    const r = seededRandom(7);
    type Model = { seeding: boolean; lastSeen: number; peerId: number };
    const model = new Map<string, Map<string, Model>>();
    const hashes = ['01'.repeat(20), '02'.repeat(20), '03'.repeat(20)];
    const addressOf = (n: number): string =>
      n % 5 === 0 ? `2001:db8::${(1 + (n % 97)).toString(16)}` : `10.0.${n % 3}.${n % 97}`;
    for (let step = 0; step < 20_000; step++) {
      const h = hashes[r.int(hashes.length)] as string;
      const n = r.int(400);
      const address = addressOf(n);
      const port = 6881 + (n % 4);
      const endpoint = `${address}:${port}`;
      const roll = r.int(10);
      const event = roll === 0 ? 'stopped' : roll === 1 ? 'completed' : 'none';
      const left = roll === 1 || r.int(3) === 0 ? 0 : 5;
      const id = r.int(250);
      reg.announce(h, peer(0, { address, port, left, event, peerId: new Uint8Array(20).fill(id) }));
      const swarm = model.get(h) ?? new Map<string, Model>();
      if (event === 'stopped') swarm.delete(endpoint);
      else swarm.set(endpoint, { seeding: left === 0, lastSeen: clock.now(), peerId: id });
      if (swarm.size > 0) model.set(h, swarm);
      else model.delete(h);
      if (step % 500 === 499) {
        clock.advance(30_000);
        reg.expire();
        const deadline = clock.now() - 200_000;
        for (const [k, m] of model) {
          for (const [e, p] of m) if (p.lastSeen < deadline) m.delete(e);
          if (m.size === 0) model.delete(k);
        }
      }
      if (step % 100 === 0 || step === 19_999) {
        for (const k of hashes) {
          const m = model.get(k);
          const seeders = m ? [...m.values()].filter((p) => p.seeding).length : 0;
          expect(reg.scrape(k).complete).toBe(seeders);
          expect(reg.scrape(k).incomplete).toBe((m?.size ?? 0) - seeders);
          const listed = reg.peers(k, 100_000) ?? [];
          expect(new Set(listed.map((p) => p.endpoint))).toEqual(new Set(m?.keys() ?? []));
          for (const p of listed) {
            const want = m?.get(p.endpoint);
            expect(p.seeding).toBe(want?.seeding);
            expect(p.peerId).toBe(String.fromCharCode(want?.peerId ?? -1).repeat(20));
          }
        }
        expect(reg.totalPeers).toBe([...model.values()].reduce((a, m) => a + m.size, 0));
      }
    }
    // 20,000 announces with checks: slow when the shared test machine is busy.
  }, 60_000);

  it('an info-hash given as bytes (the fronts) or as hex (stats, tests) is one swarm', () => {
    const { clock, reg } = setup(NO_PER_IP_LIMITS);
    const bytes = new Uint8Array(20).fill(0xaa);
    ok(reg.announce(bytes, peer(1)));
    expect(ok(reg.announce(H, peer(2))).peers.map((p) => p.address)).toEqual(['10.0.0.1']);
    expect(reg.scrape(H).incomplete).toBe(2);
    expect(reg.swarmCount).toBe(1);
    // Stopping the last peer drops the swarm under both keys; a new one starts from nothing.
    ok(reg.announce(bytes, peer(1, { event: 'stopped' })));
    ok(reg.announce(H, peer(2, { event: 'stopped' })));
    expect(reg.has(H)).toBe(false);
    ok(reg.announce(bytes, peer(3)));
    expect(reg.scrape(H)).toEqual({ complete: 0, incomplete: 1, downloaded: 0 });
    clock.advance(201_000);
    expect(reg.expire()).toBe(1);
    expect(ok(reg.announce(bytes, peer(4))).incomplete).toBe(1);
  });

  it('holds 100k peers in under 100 MB', () => {
    const { reg } = setup();
    globalThis.gc?.();
    // The peers live in typed arrays: their backing stores are off the JS heap.
    const bytes = (): number => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
    const before = bytes();
    for (let i = 0; i < 100_000; i++) {
      reg.announce(
        (i % 1000).toString(16).padStart(40, '0'),
        peer(i, { address: `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}` }),
      );
    }
    const used = bytes() - before;
    expect(reg.totalPeers).toBe(100_000);
    expect(used).toBeLessThan(100 * 1024 * 1024);
  });
});

describe('SwarmRegistry per-IP limits (issue 16 item 6)', () => {
  const from = (address: string, port: number, over: Partial<RegistryAnnounce> = {}) =>
    peer(port, { address, port, peerList: false, ...over });
  const reasonOf = (o: AnnounceOutcome): string => (o.ok ? 'ok' : o.reason);

  it('one host cannot register 5,000 peers in a swarm in 1.7 s', () => {
    const { clock, reg } = setup();
    const reasons = new Map<string, number>();
    for (let i = 0; i < 5000; i++) {
      const r = reasonOf(reg.announce(H, from('203.0.113.7', 1024 + i)));
      reasons.set(r, (reasons.get(r) ?? 0) + 1);
      clock.advance(1700 / 5000);
    }
    expect(reg.scrape(H).incomplete).toBe(32);
    expect(reasons.get('ok')).toBe(32);
    expect(reasons.get('ip-swarm-full')).toBeGreaterThan(0);
    expect(reasons.get('rate-limited')).toBeGreaterThan(4000);
    // Another host is not affected.
    expect(reasonOf(reg.announce(H, from('198.51.100.1', 6881)))).toBe('ok');
  });

  it('caps peers per IP per swarm, counting an IPv6 /64 as one IP, and frees slots on stop and expiry', () => {
    const { clock, reg } = setup({ maxPeersPerIpPerSwarm: 3 });
    for (let p = 1; p <= 3; p++) expect(reasonOf(reg.announce(H, from('10.1.1.1', p)))).toBe('ok');
    const refused = reg.announce(H, from('10.1.1.1', 4));
    expect(refused).toMatchObject({ ok: false, reason: 'ip-swarm-full' });
    expect(refused.ok ? '' : refused.message).toMatch(/too many peers from your address/);
    // Re-announcing a peer it already has is not a new peer.
    expect(reasonOf(reg.announce(H, from('10.1.1.1', 2, { event: 'none' })))).toBe('ok');
    // Another swarm has its own count.
    expect(reasonOf(reg.announce('bb'.repeat(20), from('10.1.1.1', 4)))).toBe('ok');
    reg.announce(H, from('10.1.1.1', 1, { event: 'stopped' }));
    expect(reasonOf(reg.announce(H, from('10.1.1.1', 4)))).toBe('ok');

    for (const a of ['2001:db8:1:2::1', '2001:db8:1:2::2', '2001:db8:1:2:ffff::9'])
      expect(reasonOf(reg.announce(H, from(a, 6881)))).toBe('ok');
    expect(reasonOf(reg.announce(H, from('2001:db8:1:2::77', 6881)))).toBe('ip-swarm-full');
    expect(reasonOf(reg.announce(H, from('2001:db8:1:3::1', 6881)))).toBe('ok');

    // After expiry the IP may register its full quota again.
    clock.advance(201_000);
    expect(reg.expire()).toBe(8);
    for (let p = 10; p < 13; p++) expect(reasonOf(reg.announce(H, from('10.1.1.1', p)))).toBe('ok');
    expect(reasonOf(reg.announce(H, from('10.1.1.1', 13)))).toBe('ip-swarm-full');
  });

  it('caps peers per IP over all swarms', () => {
    const { reg } = setup({ maxPeersPerIp: 5 });
    const hash = (i: number): string => i.toString(16).padStart(40, '0');
    for (let i = 0; i < 5; i++)
      expect(reasonOf(reg.announce(hash(i), from('10.2.2.2', 1)))).toBe('ok');
    expect(reg.announce(hash(5), from('10.2.2.2', 1))).toMatchObject({
      ok: false,
      reason: 'ip-full',
    });
    expect(reg.swarmCount).toBe(5);
    reg.announce(hash(0), from('10.2.2.2', 1, { event: 'stopped' }));
    expect(reasonOf(reg.announce(hash(5), from('10.2.2.2', 1)))).toBe('ok');
    expect(reasonOf(reg.announce(hash(6), from('10.2.2.3', 1)))).toBe('ok');
  });

  it('refuses announces over the per-IP rate with a failure reason, and refills with time', () => {
    const { clock, reg } = setup({ announcesPerIpPerSec: 10, announceBurstPerIp: 20 });
    const ask = (): AnnounceOutcome => reg.announce(H, from('10.3.3.3', 1, { event: 'none' }));
    for (let i = 0; i < 20; i++) expect(reasonOf(ask())).toBe('ok');
    const refused = ask();
    expect(refused).toMatchObject({ ok: false, reason: 'rate-limited' });
    expect(refused.ok ? '' : refused.message).toMatch(/slow down/);
    // Another address keeps its own bucket.
    expect(reasonOf(reg.announce(H, from('10.3.3.4', 1)))).toBe('ok');
    clock.advance(100); // one token at 10/s
    expect(reasonOf(ask())).toBe('ok');
    expect(reasonOf(ask())).toBe('rate-limited');
    clock.advance(2000); // a full bucket again, no more
    for (let i = 0; i < 20; i++) expect(reasonOf(ask())).toBe('ok');
    expect(reasonOf(ask())).toBe('rate-limited');
  });

  it('remembers the rate of at most rateLimitedIps addresses', () => {
    const { reg } = setup({ rateLimitedIps: 100, announceBurstPerIp: 2 });
    for (let i = 0; i < 1000; i++)
      reg.announce(H, from(`10.4.${i >> 8}.${i & 255}`, 1, { event: 'stopped' }));
    expect(reg.rateLimitedIpCount).toBe(100);
    // The most recent addresses are still limited.
    reg.announce(H, from('10.4.3.231', 1, { event: 'stopped' }));
    expect(reasonOf(reg.announce(H, from('10.4.3.231', 1, { event: 'stopped' })))).toBe(
      'rate-limited',
    );
  });

  it('exempts loopback by default (the user’s own machine), and not when told', () => {
    const open = setup({ maxPeersPerIpPerSwarm: 2, announceBurstPerIp: 2 }).reg;
    for (let p = 1; p <= 10; p++)
      expect(reasonOf(open.announce(H, from('127.0.0.1', p)))).toBe('ok');
    for (let p = 1; p <= 10; p++) expect(reasonOf(open.announce(H, from('::1', p)))).toBe('ok');
    const strict = setup({ maxPeersPerIpPerSwarm: 2, exemptLoopback: false }).reg;
    for (let p = 1; p <= 2; p++)
      expect(reasonOf(strict.announce(H, from('127.0.0.1', p)))).toBe('ok');
    expect(reasonOf(strict.announce(H, from('127.0.0.1', 3)))).toBe('ip-swarm-full');
  });
});

// --- tracker view (issue 21) ---
describe('SwarmRegistry: as of when', () => {
  it('records each peer’s last announce time and event, with the figures it reported then', () => {
    const { clock, reg } = setup(NO_PER_IP_LIMITS);
    reg.announce(H, peer(1, { left: 100, uploaded: 5, downloaded: 0 }));
    const firstAt = clock.now();
    clock.advance(90_000);
    reg.announce(H, peer(2, { left: 40, downloaded: 60 }));
    clock.advance(30_000);
    // Peer 1 finishes: its counters, time and event are those of this announce.
    reg.announce(H, peer(1, { left: 0, uploaded: 7, downloaded: 100, event: 'completed' }));
    const laterAt = clock.now();
    clock.advance(10_000);
    reg.announce(H, peer(2, { left: 30, downloaded: 70, event: 'none' }));
    const byAddr = (n: number) => {
      const p = reg.peers(H, 10)?.find((x) => x.address === `10.0.0.${n}`);
      if (!p) throw new Error(`peer ${n} missing`);
      return p;
    };
    expect(laterAt - firstAt).toBe(120_000);
    expect(byAddr(1)).toMatchObject({
      lastSeenMs: laterAt,
      lastEvent: 'completed',
      left: 0,
      uploaded: 7,
      downloaded: 100,
      seeding: true,
    });
    expect(byAddr(2)).toMatchObject({
      lastSeenMs: laterAt + 10_000,
      lastEvent: 'none',
      left: 30,
      downloaded: 70,
      seeding: false,
    });
    // A stats read is not an announce: the times stay where the announces put them.
    clock.advance(60_000);
    expect(byAddr(1).lastSeenMs).toBe(laterAt);
    expect(byAddr(2).lastEvent).toBe('none');
  });

  it('keeps each peer’s time and event when a removal swaps another into its slot', () => {
    const { clock, reg } = setup(NO_PER_IP_LIMITS);
    for (let i = 1; i <= 4; i++) {
      reg.announce(H, peer(i));
      clock.advance(1000);
    }
    const startedAt = clock.now() - 4000;
    // Peer 1 leaves: swap-remove moves peer 4 into its slot.
    reg.announce(H, peer(1, { event: 'stopped' }));
    const peers = reg.peers(H, 10) ?? [];
    expect(peers.map((p) => [p.address, p.lastSeenMs, p.lastEvent]).sort()).toEqual([
      ['10.0.0.2', startedAt + 1000, 'started'],
      ['10.0.0.3', startedAt + 2000, 'started'],
      ['10.0.0.4', startedAt + 3000, 'started'],
    ]);
  });
});
