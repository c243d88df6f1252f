/**
 * For tests: one of our DHT nodes on 127.0.0.1 with a seeded id, short timeouts and same-IP
 * nodes allowed (every loopback node shares 127.0.0.1), bootstrapped from one port or none.
 * The caller closes it; `opened` collects it for an afterEach.
 */
import { seededRandom } from '../time/clock';
import { bindUdpDhtNode } from './udp-dht-node';
import type { UdpDhtNode } from './udp-dht-node';

export async function startLoopbackNode(
  seed: number,
  bootstrapPort: number | null,
  opened: UdpDhtNode[],
): Promise<UdpDhtNode> {
  const n = await bindUdpDhtNode({
    host: '127.0.0.1',
    random: seededRandom(seed),
    allowSameIp: true,
    bootstrapNodes: bootstrapPort === null ? [] : [{ host: '127.0.0.1', port: bootstrapPort }],
    queryTimeoutMs: 1_000,
    lookupTimeoutMs: 10_000,
  });
  opened.push(n);
  return n;
}
