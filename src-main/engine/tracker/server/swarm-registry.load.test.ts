/**
 * Tracker load (issue 15, "Long runs"): 100k simulated peers over 10k swarms in the embedded
 * tracker's registry, through rounds of re-announces and churn. The caps hold, memory stays
 * bounded, and expiry gives everything back. Counts are asserted exactly; memory is measured as
 * heap plus array buffers (the peers live in typed arrays) after a full GC.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { ManualClock, seededRandom } from '../../time/clock';
import type { RegistryAnnounce } from './swarm-registry';
import { SwarmRegistry } from './swarm-registry';

const SWARMS = 10_000;
const PEERS = 100_000;
const PER_SWARM = PEERS / SWARMS;
const INTERVAL_SEC = 1800;
const MB = 1024 * 1024;

/** A full GC, exposed at run time: no vitest pool flags needed. */
function collector(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

const gc = collector();

function usedBytes(): number {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

const hashes = Array.from({ length: SWARMS + 1 }, (_, i) => i.toString(16).padStart(40, '0'));

/** One reused request (the fronts decode into fresh ones; the registry keeps nothing of it). */
const req: RegistryAnnounce = {
  peerId: new Uint8Array(20),
  address: '',
  port: 6881,
  uploaded: 0,
  downloaded: 0,
  left: 0,
  event: 'started',
  numwant: 50,
  peerList: false,
};

/** Peer number `n`: its own IPv4 address (so the per-IP maps hold one entry per peer). */
function announce(
  reg: SwarmRegistry,
  swarm: number,
  n: number,
  event: RegistryAnnounce['event'],
): string {
  req.address = `10.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
  req.port = 6881 + ((n >>> 24) & 1023);
  req.peerId[0] = n & 255;
  req.peerId[1] = (n >>> 8) & 255;
  req.peerId[2] = (n >>> 16) & 255;
  req.left = n % 3 === 0 ? 0 : 1000;
  req.event = event;
  const o = reg.announce(hashes[swarm] as string, req);
  return o.ok ? 'ok' : o.reason;
}

describe('SwarmRegistry under load (issue 15)', () => {
  it('holds 100k peers over 10k swarms through churn within its caps, and expiry returns it all', () => {
    const clock = new ManualClock();
    const random = seededRandom(15);
    const reg = new SwarmRegistry(clock, random, {
      intervalSec: INTERVAL_SEC,
      maxPeersPerSwarm: PER_SWARM,
      maxPeersTotal: PEERS,
      rateLimitedIps: 65_536,
    });
    const baseline = usedBytes();

    // Round 0: every peer joins; peer n goes to swarm n % SWARMS.
    const member = new Int32Array(PEERS); // slot -> the peer number in it
    // Outcomes are tallied, not asserted one by one: 600k expect() calls would dominate the time.
    const tally = new Map<string, number>();
    const note = (outcome: string): void => void tally.set(outcome, (tally.get(outcome) ?? 0) + 1);
    for (let n = 0; n < PEERS; n++) {
      member[n] = n;
      note(announce(reg, n % SWARMS, n, 'started'));
    }
    expect(Object.fromEntries(tally)).toEqual({ ok: PEERS });
    expect(reg.totalPeers).toBe(PEERS);
    expect(reg.swarmCount).toBe(SWARMS);
    expect(reg.countedIpCount).toBe(PEERS);
    const loaded = usedBytes();

    // The caps hold: a full swarm refuses a newcomer, a full tracker refuses a new swarm.
    expect(announce(reg, 0, PEERS, 'started')).toBe('swarm-full');
    expect(announce(reg, SWARMS, PEERS + 1, 'started')).toBe('tracker-full');
    expect(reg.swarmCount).toBe(SWARMS);

    // Three announce intervals of churn: every peer re-announces, one in ten leaves and a new
    // peer (a new address) takes its place; as many newcomers are refused by the full swarms.
    const samples: number[] = [];
    let next = PEERS + 2;
    let refused = 0;
    for (let round = 1; round <= 3; round++) {
      clock.advance(INTERVAL_SEC * 1000);
      tally.clear();
      for (let slot = 0; slot < PEERS; slot++) {
        const swarm = slot % SWARMS;
        if (random.int(10) === 0) {
          note(announce(reg, swarm, member[slot] as number, 'stopped'));
          if (announce(reg, random.int(SWARMS), next, 'started') === 'swarm-full') refused++;
          member[slot] = next;
          note(announce(reg, swarm, next++, 'started'));
        } else {
          note(announce(reg, swarm, member[slot] as number, 'none'));
        }
      }
      expect([...tally.keys()]).toEqual(['ok']);
      expect(reg.totalPeers).toBe(PEERS);
      expect(reg.swarmCount).toBe(SWARMS);
      expect(reg.countedIpCount).toBe(PEERS);
      const largest = reg.swarmCounts(1)[0] as { seeders: number; leechers: number };
      expect(largest.seeders + largest.leechers).toBe(PER_SWARM);
      expect(reg.rateLimitedIpCount).toBeLessThanOrEqual(65_536);
      samples.push(usedBytes());
    }
    expect(refused).toBeGreaterThan(PEERS / 20);
    // Bounded: churn of over a quarter of the peers in three rounds leaves memory where the first load put
    // it (typed-array stores are reused slot for slot; nothing accrues per announce or per peer
    // gone).
    const grown = Math.max(...samples) - loaded;
    expect(grown).toBeLessThan(16 * MB);

    // Expiry: silent for the peer timeout, every peer and swarm goes, and the memory with them.
    clock.advance(2 * INTERVAL_SEC * 1000 + 1000);
    expect(reg.expire()).toBe(PEERS);
    expect(reg.totalPeers).toBe(0);
    expect(reg.swarmCount).toBe(0);
    expect(reg.countedIpCount).toBe(0);
    expect(reg.scrape(hashes[0] as string)).toEqual({ complete: 0, incomplete: 0, downloaded: 0 });
    const expired = usedBytes();
    // The rate limiter keeps at most rateLimitedIps small entries by design; the rest is freed.
    expect(expired - baseline).toBeLessThan(16 * MB);
    expect(loaded - baseline).toBeGreaterThan(expired - baseline + 8 * MB);
    console.log(
      `tracker load: baseline ${(baseline / MB).toFixed(1)} MB, 100k peers ${(
        (loaded - baseline) /
        MB
      ).toFixed(1)} MB, churn max +${(grown / MB).toFixed(1)} MB, after expiry +${(
        (expired - baseline) /
        MB
      ).toFixed(1)} MB`,
    );
  }, 30_000);
});
