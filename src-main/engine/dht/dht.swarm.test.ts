import { afterEach, describe, expect, it, vi } from 'vitest';
import { openHandles, waitFor } from '../../testing/fixtures';
import { seededRandom } from '../time/clock';
import type { PeerAddress } from '../tracker/codec/compact-peers';
import { startLoopbackNode } from './test-nodes';
import { bindUdpDhtNode } from './udp-dht-node';
import type { UdpDhtNode } from './udp-dht-node';

const open: UdpDhtNode[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((n) => n.close()));
});

const startNode = (seed: number, bootstrapPort: number | null): Promise<UdpDhtNode> =>
  startLoopbackNode(seed, bootstrapPort, open);

/** UDP sockets and timers alive in this process. */
function handles(): { udp: number; timers: number } {
  const h = openHandles();
  return { udp: h['UDPWrap'] ?? 0, timers: h['Timeout'] ?? 0 };
}

describe('DHT on loopback', () => {
  it('a node knowing only the bootstrap node finds a peer announced by another, among 20', async () => {
    const before = handles();
    const boot = await startNode(1, null);
    const nodes: UdpDhtNode[] = [];
    for (let i = 0; i < 18; i++) {
      const n = await startNode(100 + i, boot.port);
      await n.node.bootstrap();
      nodes.push(n);
    }
    // The whole DHT knows more than the bootstrap node alone.
    expect(boot.node.stats().nodes).toBeGreaterThan(8);
    expect(nodes.every((n) => n.node.stats().nodes >= 1)).toBe(true);

    const infoHash = seededRandom(999).bytes(20);
    const announcer = nodes[7]!;
    const announced = await announcer.node.announce(infoHash, 51413);
    expect(announced.announcedTo).toBeGreaterThanOrEqual(4);

    const found: PeerAddress[] = [];
    const seeker = await bindUdpDhtNode({
      host: '127.0.0.1',
      random: seededRandom(4242),
      allowSameIp: true,
      bootstrapNodes: [{ host: '127.0.0.1', port: boot.port }],
      queryTimeoutMs: 1_000,
      lookupTimeoutMs: 10_000,
      onPeersFound: (hash, peers) => {
        expect(hash).toEqual(infoHash);
        found.push(...peers);
      },
    });
    open.push(seeker);
    const started = Date.now();
    const peers = await seeker.node.getPeers(infoHash);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(peers).toEqual([{ address: '127.0.0.1', port: 51413 }]);
    expect(found).toEqual(peers);
    expect(seeker.node.stats().lookupsInFlight).toBe(0);
    expect(handles().udp).toBe(before.udp + 20);
    // Closing the 20 nodes frees every socket, query timer and upkeep interval.
    await Promise.all(open.splice(0).map((n) => n.close()));
    await waitFor(() => handles().udp <= before.udp, 'UDP sockets to close', 5_000);
    expect(handles().timers).toBeLessThanOrEqual(before.timers);
  });

  it('implied_port announces the UDP source port', async () => {
    const boot = await startNode(2, null);
    const a = await startNode(3, boot.port);
    const b = await startNode(4, boot.port);
    await a.node.bootstrap();
    await b.node.bootstrap();
    const infoHash = new Uint8Array(20).fill(7);
    const r = await a.node.announce(infoHash, 1, true);
    expect(r.announcedTo).toBe(2);
    expect(await b.node.getPeers(infoHash)).toEqual([{ address: '127.0.0.1', port: a.port }]);
  });

  it('close() leaves no pending queries, lookups or timers behind', async () => {
    const boot = await startNode(5, null);
    const a = await startNode(6, boot.port);
    await a.node.bootstrap();
    // A lookup toward a node that never answers (an unbound port), closed mid-flight.
    const silent = await startNode(7, null);
    const silentPort = silent.port;
    await silent.close();
    open.splice(open.indexOf(silent), 1);
    const b = await startNode(8, silentPort);
    const lookup = b.node.getPeers(new Uint8Array(20).fill(1));
    await vi.waitFor(() => expect(b.node.stats().queriesInFlight).toBeGreaterThan(0), {
      timeout: 2_000,
    });
    await b.close();
    open.splice(open.indexOf(b), 1);
    await expect(lookup).resolves.toEqual([]);
    expect(b.node.stats()).toMatchObject({ queriesInFlight: 0, lookupsInFlight: 0 });
  });
});
