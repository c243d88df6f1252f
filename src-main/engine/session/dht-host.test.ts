/**
 * DhtHost's schedule with a manual clock: three hosts joined by datagrams in memory, counting the
 * announce_peer queries that reach the others. Seeds re-announce every 15 minutes, downloads
 * that found nobody every 30 seconds, private torrents never; `stop()` leaves no timer.
 */
import { describe, expect, it } from 'vitest';
import type { TorrentState } from '../../../src-shared/model';
import { decodeKrpc, idToHex } from '../dht';
import {
  DHT_ANNOUNCE_INTERVAL_MS,
  DHT_EMPTY_LOOKUP_RETRY_MS,
  DHT_SESSION_TICK_MS,
} from '../limits';
import { MemoryLogger } from '../log/logger';
import { ManualClock, seededRandom } from '../time/clock';
import type { PeerAddress } from '../tracker/codec/compact-peers';
import { DhtHost } from './dht-host';
import type { DhtDatagrams, DhtTorrentView } from './dht-host';
import type { UdpHandler } from '../net/udp-endpoint';

const SEED_HASH = '11'.repeat(20);
const LEECH_HASH = '22'.repeat(20);
const PRIVATE_HASH = '33'.repeat(20);

/** Datagrams between hosts on 127.0.0.1, delivered on a later turn (like a network). */
class MemoryNet {
  readonly handlers = new Map<number, UdpHandler>();
  /** announce_peer queries seen, by info-hash hex. */
  readonly announces = new Map<string, number>();

  endpoint(ownPort: number): DhtDatagrams {
    return {
      send: (packet, port) => {
        const msg = decodeKrpc(packet);
        if (msg.kind === 'query' && msg.method === 'announce_peer') {
          const hex = idToHex(msg.infoHash);
          this.announces.set(hex, (this.announces.get(hex) ?? 0) + 1);
        }
        setImmediate(() =>
          this.handlers.get(port)?.(Buffer.from(packet), { address: '127.0.0.1', port: ownPort }),
        );
      },
      on: (_consumer, handler) => void this.handlers.set(ownPort, handler),
      off: () => void this.handlers.delete(ownPort),
    };
  }
}

/** Lets the queued datagrams and promise chains run. */
async function settle(turns = 40): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((r) => setImmediate(r));
}

function host(
  clock: ManualClock,
  seed: number,
  torrents: DhtTorrentView[],
  fed: { hex: string; peers: PeerAddress[] }[] = [],
): DhtHost {
  return new DhtHost({
    clock,
    random: seededRandom(seed),
    logger: new MemoryLogger('warn'),
    dataDir: null,
    listenPort: () => 6000 + seed,
    torrents: () => torrents,
    find: (hex) => torrents.find((t) => t.infoHashHex === hex),
    feedPeers: (hex, peers) => void fed.push({ hex, peers }),
    changed: () => {},
  });
}

const view = (infoHashHex: string, state: TorrentState, isPrivate = false): DhtTorrentView => ({
  infoHashHex,
  state,
  private: isPrivate,
});

describe('DhtHost', () => {
  it('announces seeds every 15 minutes, retries empty downloads every 30 s, never private ones', async () => {
    const clock = new ManualClock();
    const net = new MemoryNet();
    const others = [host(clock, 1, []), host(clock, 2, [])];
    await others[0]!.start(net.endpoint(1), [], '127.0.0.1');
    await others[1]!.start(net.endpoint(2), ['127.0.0.1:1'], '127.0.0.1');
    await settle();
    const ours = host(clock, 3, [
      view(SEED_HASH, 'seeding'),
      view(LEECH_HASH, 'downloading'),
      view(PRIVATE_HASH, 'seeding', true),
    ]);
    await ours.start(net.endpoint(3), ['127.0.0.1:1'], '127.0.0.1');
    await settle();
    expect(ours.stats().nodes).toBe(2);
    // Bootstrap done: the first announces go out at once, to both other nodes.
    expect(net.announces.get(SEED_HASH)).toBe(2);
    expect(net.announces.get(LEECH_HASH)).toBe(2);
    expect(net.announces.has(PRIVATE_HASH)).toBe(false);
    expect(ours.stats().announces).toBe(2);

    // 30 s on: the download that found nobody asks again; the seed waits its 15 minutes.
    for (let t = 0; t < DHT_EMPTY_LOOKUP_RETRY_MS; t += DHT_SESSION_TICK_MS) {
      clock.advance(DHT_SESSION_TICK_MS);
      await settle();
    }
    expect(net.announces.get(LEECH_HASH)).toBe(4);
    expect(net.announces.get(SEED_HASH)).toBe(2);
    for (
      let t = DHT_EMPTY_LOOKUP_RETRY_MS;
      t < DHT_ANNOUNCE_INTERVAL_MS;
      t += DHT_SESSION_TICK_MS
    ) {
      clock.advance(DHT_SESSION_TICK_MS);
      await settle(10);
    }
    expect(net.announces.get(SEED_HASH)).toBe(4);
    expect(net.announces.has(PRIVATE_HASH)).toBe(false);

    await ours.stop();
    for (const h of others) await h.stop();
    expect(clock.pending).toBe(0);
    expect(net.handlers.size).toBe(0);
  });

  it('feeds peers that other nodes give, and peers that announce to us, for our public torrents', async () => {
    const clock = new ManualClock();
    const net = new MemoryNet();
    const fedToSeeder: { hex: string; peers: PeerAddress[] }[] = [];
    const seeder = host(clock, 1, [view(SEED_HASH, 'seeding')], fedToSeeder);
    await seeder.start(net.endpoint(1), [], '127.0.0.1');
    const fedToLeecher: { hex: string; peers: PeerAddress[] }[] = [];
    const leecher = host(clock, 2, [view(SEED_HASH, 'downloading')], fedToLeecher);
    await leecher.start(net.endpoint(2), ['127.0.0.1:1'], '127.0.0.1');
    await settle();
    // The leecher announced to the seeder's node: the seeder learns it (and may dial it).
    expect(fedToSeeder).toContainEqual({
      hex: SEED_HASH,
      peers: [{ address: '127.0.0.1', port: 6002 }],
    });
    expect(seeder.stats().peersFound).toBeGreaterThanOrEqual(1);
    await seeder.stop();
    await leecher.stop();
  });
});
