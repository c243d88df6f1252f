import { createSocket } from 'node:dgram';
import { createServer } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { TRACKER_CLIENT_MAX_PEERS_PER_RESPONSE, TRACKER_HTTP_MAX_REDIRECTS } from '../../limits';
import { seededRandom, systemClock } from '../../time/clock';
import { openResources, startTestTracker } from '../server/testing/loopback';
import type { TestTracker } from '../server/testing/loopback';
import { TrackerClient } from './tracker-client';
import type { TrackerClientOptions } from './tracker-client';

const INFO_HASH = new Uint8Array(20).fill(0x11);
const HEX = '11'.repeat(20);

interface Probe {
  client: TrackerClient;
  peers: Array<{ address: string; port: number }>;
  left: number;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function tracker(...args: Parameters<typeof startTestTracker>): Promise<TestTracker> {
  const t = await startTestTracker(...args);
  cleanups.push(() => t.stop());
  return t;
}

function probe(
  announceList: string[][],
  port: number,
  left: number,
  over: Partial<TrackerClientOptions> = {},
): Probe {
  const p: Probe = { client: null as unknown as TrackerClient, peers: [], left };
  p.client = new TrackerClient({
    infoHash: INFO_HASH,
    peerId: new Uint8Array(20).fill(port & 0xff),
    port,
    announceList,
    isPrivate: false,
    clock: systemClock,
    random: seededRandom(port),
    stats: () => ({ uploaded: 0, downloaded: 0, left: p.left }),
    onPeers: (peers) => p.peers.push(...peers),
    udpBaseTimeoutMs: 200,
    udpMaxRetransmits: 2,
    ...over,
  });
  cleanups.push(() => p.client.stop());
  return p;
}

/** Polls `cond` every 10 ms, at most `ms`. */
async function until(cond: () => boolean, ms = 3000): Promise<void> {
  for (let waited = 0; !cond(); waited += 10) {
    if (waited >= ms) throw new Error('condition not met in time');
    await new Promise<void>((r) => systemClock.setTimeout(r, 10));
  }
}

describe.each(['http', 'udp'] as const)('TrackerClient against our tracker over %s', (proto) => {
  it('announces started, completed and stopped, and finds the other peer', async () => {
    const t = await tracker();
    const url = proto === 'http' ? t.httpUrl : t.udpUrl;
    const seeder = probe([[url]], 7001, 0);
    seeder.client.start();
    await until(() => t.server.swarm(HEX)?.seeders === 1);
    const leecher = probe([[url]], 7002, 100);
    leecher.client.start();
    await until(() => leecher.peers.length > 0);
    expect(leecher.peers).toEqual([{ address: '127.0.0.1', port: 7001 }]);
    const status = leecher.client.statuses()[0];
    expect(status).toMatchObject({
      url,
      state: 'working',
      seeders: 1,
      leechers: 1,
      lastError: null,
    });
    // interval 1800 s from our tracker decides the next announce.
    expect((status?.nextAnnounceAt ?? 0) - (status?.lastAnnounceAt ?? 0)).toBeGreaterThan(
      1_790_000,
    );

    leecher.left = 0;
    leecher.client.completed();
    await until(() => t.server.swarm(HEX)?.snatches === 1);
    expect(t.server.swarm(HEX)).toMatchObject({ seeders: 2, leechers: 0 });

    const scraped = await leecher.client.scrape();
    expect(scraped[0]).toMatchObject({ seeders: 2, leechers: 0, downloaded: 1 });

    await leecher.client.stop();
    await seeder.client.stop();
    expect(t.server.swarm(HEX)).toBeNull();
    expect(t.server.stats().peers).toBe(0);
  });

  it('surfaces a refusal as the tracker’s lastError', async () => {
    const t = await tracker({ mode: 'allow-list' });
    const url = proto === 'http' ? t.httpUrl : t.udpUrl;
    const p = probe([[url]], 7003, 10);
    p.client.start();
    await until(() => p.client.statuses()[0]?.state === 'error');
    expect(p.client.statuses()[0]?.lastError).toMatch(/not authorized/);
    expect(t.server.stats().rejected['not-allowed']).toBeGreaterThanOrEqual(1);
  });
});

describe('TrackerClient tiers (BEP 12) and private torrents (BEP 27)', () => {
  async function deadHttpUrl(): Promise<string> {
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const port = (s.address() as { port: number }).port;
    await new Promise<void>((r) => s.close(() => r()));
    return `http://127.0.0.1:${port}/announce`;
  }

  it('moves past dead trackers of a tier and promotes the one that answered', async () => {
    const t = await tracker();
    const dead1 = await deadHttpUrl();
    const dead2 = await deadHttpUrl();
    // Seeds chosen so that the shuffle puts the live tracker last in one case and first in another.
    for (const seed of [1, 2, 3, 4]) {
      const p = probe([[dead1, dead2, t.httpUrl]], 7100 + seed, 10, { random: seededRandom(seed) });
      const before = p.client.statuses().map((s) => s.url);
      p.client.start();
      await until(() => p.client.statuses().some((s) => s.state === 'working'));
      const after = p.client.statuses();
      expect(after[0]?.url).toBe(t.httpUrl);
      const tried = before.slice(0, before.indexOf(t.httpUrl));
      for (const url of tried)
        expect(after.find((s) => s.url === url)?.lastError).toMatch(/ECONNREFUSED/);
      await p.client.stop();
    }
  });

  it('announces to one tracker per tier, but to one tracker in all for a private torrent', async () => {
    const a = await tracker();
    const b = await tracker();
    const pub = probe([[a.httpUrl], [b.httpUrl]], 7201, 10);
    pub.client.start();
    await until(() => a.server.stats().peers === 1 && b.server.stats().peers === 1);
    // The trackers may hold the peer before the client has read their answers; a stop before
    // that owes them no `stopped` (a race seen when the machine is busy).
    await until(() => pub.client.statuses().every((s) => s.state === 'working'));
    await pub.client.stop();
    const priv = probe([[a.httpUrl], [b.httpUrl]], 7202, 10, { isPrivate: true });
    priv.client.start();
    await until(() => a.server.stats().peers === 1);
    await new Promise<void>((r) => systemClock.setTimeout(r, 100));
    expect(b.server.stats().peers).toBe(0);
    expect(priv.client.statuses().map((s) => s.state)).toEqual(['working', 'idle']);
  });

  it('re-announces on announceNow({ force }) and learns new peers', async () => {
    const t = await tracker();
    const seeder = probe([[t.httpUrl]], 7301, 0);
    seeder.client.start();
    await until(() => t.server.stats().peers === 1);
    const leecher = probe([[t.httpUrl]], 7302, 10);
    leecher.client.start();
    await until(() => t.server.stats().peers === 2);
    expect(seeder.peers).toEqual([]);
    await new Promise<void>((r) => systemClock.setTimeout(r, 2100)); // the forced floor is 2 s
    seeder.client.announceNow({ force: true });
    await until(() => seeder.peers.length > 0);
    expect(seeder.peers).toEqual([{ address: '127.0.0.1', port: 7302 }]);
  });

  it('ignores URLs it cannot speak', () => {
    const p = probe([['wss://t.example/announce', 'udp://no-port/announce']], 7401, 1);
    expect(p.client.statuses().map((s) => s.state)).toEqual(['disabled', 'disabled']);
  });
});

describe('TrackerClient over UDP (BEP 15) retransmits', () => {
  it('resends after base * 2^n against a silent tracker, then gives up, leaving nothing open', async () => {
    const before = openResources();
    const silent = createSocket('udp4');
    const arrivals: number[] = [];
    silent.on('message', () => arrivals.push(systemClock.now()));
    await new Promise<void>((r) => silent.bind(0, '127.0.0.1', r));
    const port = silent.address().port;
    try {
      const p = probe([[`udp://127.0.0.1:${port}/announce`]], 7501, 1, {
        udpBaseTimeoutMs: 40,
        udpMaxRetransmits: 3,
      });
      p.client.start();
      await until(() => p.client.statuses()[0]?.state === 'error', 5000);
      expect(p.client.statuses()[0]?.lastError).toMatch(/no answer after 4 tries/);
      expect(arrivals).toHaveLength(4);
      const gaps = arrivals.slice(1).map((t, i) => t - (arrivals[i] as number));
      // 40, 80, 160 ms: each gap about twice the one before.
      expect(gaps[0]).toBeGreaterThanOrEqual(35);
      expect(gaps[1]).toBeGreaterThanOrEqual(75);
      expect(gaps[2]).toBeGreaterThanOrEqual(155);
      expect(gaps[2]).toBeLessThan(400);
      await p.client.stop();
    } finally {
      await new Promise<void>((r) => silent.close(() => r()));
    }
    cleanups.splice(0);
    expect(openResources()['UDPWRAP'] ?? 0).toBe(before['UDPWRAP'] ?? 0);
    expect(openResources()['Timeout'] ?? 0).toBeLessThanOrEqual(before['Timeout'] ?? 0);
  });
});

describe('TrackerClient against hostile trackers (issue 16)', () => {
  /** A local HTTP server answering every request with `answer`; counts requests. */
  async function httpTracker(
    answer: (
      url: string,
      port: number,
    ) => { status: number; headers?: Record<string, string>; body?: Buffer },
  ): Promise<{ url: string; hits: () => number }> {
    let hits = 0;
    const s = createServer((req, res) => {
      hits++;
      const a = answer(req.url ?? '/', (s.address() as { port: number }).port);
      res.writeHead(a.status, a.headers ?? {});
      res.end(a.body ?? Buffer.alloc(0));
    });
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => s.close(() => r())));
    const port = (s.address() as { port: number }).port;
    return { url: `http://127.0.0.1:${port}/announce`, hits: () => hits };
  }

  /** A bencoded announce answer whose compact `peers` holds `n` distinct IPv4 peers. */
  function compactAnswer(n: number): Buffer {
    const peers = Buffer.alloc(n * 6);
    for (let i = 0; i < n; i++) {
      peers.writeUInt32BE(0x0a000000 + i, i * 6);
      peers.writeUInt16BE(1 + (i % 60000), i * 6 + 4);
    }
    return Buffer.concat([
      Buffer.from(`d8:intervali1800e5:peers${peers.length}:`),
      peers,
      Buffer.from('e'),
    ]);
  }

  it('reports garbage from an HTTP tracker as a clear error, and the torrent goes on', async () => {
    const garbage = await httpTracker(() => ({
      status: 200,
      body: Buffer.from('<html><body>502 Bad Gateway</body></html>'),
    }));
    const t = await tracker();
    const seeder = probe([[t.httpUrl]], 7601, 0);
    seeder.client.start();
    await until(() => t.server.stats().peers === 1);
    const p = probe([[garbage.url], [t.httpUrl]], 7602, 10);
    p.client.start();
    await until(() =>
      p.client.statuses().every((s) => s.state === 'error' || s.state === 'working'),
    );
    await until(() => p.peers.length > 0);
    const [bad, good] = p.client.statuses();
    expect(bad).toMatchObject({ url: garbage.url, state: 'error' });
    expect(bad?.lastError).toMatch(/^decode announce response: /);
    expect(good).toMatchObject({ url: t.httpUrl, state: 'working', lastError: null });
    expect(p.peers).toEqual([{ address: '127.0.0.1', port: 7601 }]);
  });

  it('takes at most TRACKER_CLIENT_MAX_PEERS_PER_RESPONSE peers from a huge HTTP peer list', async () => {
    // 174,000 peers: just under the 1 MiB a response may have.
    const huge = await httpTracker(() => ({ status: 200, body: compactAnswer(174_000) }));
    const p = probe([[huge.url]], 7603, 10);
    p.client.start();
    await until(() => p.client.statuses()[0]?.state !== 'announcing' && p.peers.length > 0, 5000);
    expect(p.client.statuses()[0]).toMatchObject({ state: 'working', lastError: null });
    expect(p.peers).toHaveLength(TRACKER_CLIENT_MAX_PEERS_PER_RESPONSE);
    expect(p.peers[1]).toEqual({ address: '10.0.0.1', port: 2 });
  });

  it('takes at most TRACKER_CLIENT_MAX_PEERS_PER_RESPONSE peers from a full UDP datagram', async () => {
    const server = createSocket('udp4');
    server.on('message', (msg: Buffer, from) => {
      const tid = msg.readUInt32BE(12);
      const action = msg.readUInt32BE(8);
      // connect: any id; announce: 20-byte header and as many peers as a datagram holds.
      const out = action === 0 ? Buffer.alloc(16) : Buffer.alloc(20 + 10_900 * 6, 7);
      out.writeUInt32BE(action === 0 ? 0 : 1, 0);
      out.writeUInt32BE(tid, 4);
      if (action !== 0) out.writeUInt32BE(1800, 8);
      server.send(out, from.port, from.address);
    });
    await new Promise<void>((r) => server.bind(0, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
    const p = probe([[`udp://127.0.0.1:${server.address().port}/announce`]], 7604, 10);
    p.client.start();
    await until(() => p.peers.length > 0);
    expect(p.client.statuses()[0]).toMatchObject({ state: 'working', lastError: null });
    expect(p.peers).toHaveLength(TRACKER_CLIENT_MAX_PEERS_PER_RESPONSE);
  });

  it('reports garbage from a UDP tracker as a clear error', async () => {
    const server = createSocket('udp4');
    server.on('message', (msg: Buffer, from) => {
      // The right transaction id, then an action BEP 15 does not have and random-looking bytes.
      const out = Buffer.alloc(40, 0xa5);
      out.writeUInt32BE(9, 0);
      out.writeUInt32BE(msg.readUInt32BE(12), 4);
      server.send(out, from.port, from.address);
    });
    await new Promise<void>((r) => server.bind(0, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
    const p = probe([[`udp://127.0.0.1:${server.address().port}/announce`]], 7608, 10);
    p.client.start();
    await until(() => p.client.statuses()[0]?.state === 'error');
    expect(p.client.statuses()[0]?.lastError).toMatch(/action 9/);
    expect(p.peers).toEqual([]);
  });

  it('gives up on a redirect loop after TRACKER_HTTP_MAX_REDIRECTS with a clear error', async () => {
    const loop = await httpTracker((url, port) => ({
      status: 302,
      headers: { Location: `http://127.0.0.1:${port}${url}` },
    }));
    const p = probe([[loop.url]], 7605, 10);
    p.client.start();
    await until(() => p.client.statuses()[0]?.state === 'error');
    expect(p.client.statuses()[0]?.lastError).toMatch(
      new RegExp(`^more than ${TRACKER_HTTP_MAX_REDIRECTS} redirects`),
    );
    expect(loop.hits()).toBe(TRACKER_HTTP_MAX_REDIRECTS + 1);
  });

  it('follows a redirect to the real tracker', async () => {
    const t = await tracker();
    const seeder = probe([[t.httpUrl]], 7606, 0);
    seeder.client.start();
    await until(() => t.server.stats().peers === 1);
    const moved = await httpTracker((url) => ({
      status: 301,
      headers: { Location: `${t.httpUrl}${url.slice(url.indexOf('?'))}` },
    }));
    const p = probe([[moved.url]], 7607, 10);
    p.client.start();
    await until(() => p.peers.length > 0);
    expect(p.client.statuses()[0]).toMatchObject({ state: 'working', lastError: null });
    expect(p.peers).toEqual([{ address: '127.0.0.1', port: 7606 }]);
  });
});
