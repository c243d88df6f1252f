/**
 * The announce client over IPv6 (issue 18): trackers named by a bracketed v6 literal, over HTTP
 * and UDP, and the v6 peers (BEP 7 `peers6`, BEP 15's 18-byte entries) they return.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { seededRandom, systemClock } from '../../time/clock';
import { startTestTracker } from '../server/testing/loopback';
import { TrackerClient } from './tracker-client';

const INFO_HASH = new Uint8Array(20).fill(0x66);

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function client(url: string, port: number) {
  const peers: Array<{ address: string; port: number }> = [];
  const c = new TrackerClient({
    infoHash: INFO_HASH,
    peerId: new Uint8Array(20).fill(port & 0xff),
    port,
    announceList: [[url]],
    isPrivate: false,
    clock: systemClock,
    random: seededRandom(port),
    stats: () => ({ uploaded: 0, downloaded: 0, left: 100 }),
    onPeers: (got) => peers.push(...got),
    udpBaseTimeoutMs: 200,
    udpMaxRetransmits: 2,
  });
  cleanups.push(() => c.stop());
  return { c, peers };
}

async function until(cond: () => boolean, ms = 3000): Promise<void> {
  for (let waited = 0; !cond(); waited += 10) {
    if (waited >= ms) throw new Error('condition not met in time');
    await new Promise<void>((r) => systemClock.setTimeout(r, 10));
  }
}

describe.each(['http', 'udp'] as const)('TrackerClient to a v6 tracker over %s', (proto) => {
  it('announces to [::1] and gets the other v6 peer', async () => {
    const t = await startTestTracker({ host: '::1' });
    cleanups.push(() => t.stop());
    const url =
      proto === 'http'
        ? `http://[::1]:${t.httpPort}/announce`
        : `udp://[::1]:${t.udpPort}/announce`;
    const first = client(url, 7601);
    first.c.start();
    await until(() => (t.server.swarm('66'.repeat(20))?.peers?.length ?? 0) === 1);
    const second = client(url, 7602);
    second.c.start();
    await until(() => second.peers.length > 0);
    expect(second.peers).toEqual([{ address: '::1', port: 7601 }]);
    expect(second.c.statuses()[0]).toMatchObject({ state: 'working', lastError: null });
  });
});
