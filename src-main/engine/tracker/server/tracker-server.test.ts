import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createSocket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { decode } from '../../bencode';
import type { BDict } from '../../bencode';
import { ManualClock, systemClock, systemRandom } from '../../time/clock';
import { percentEncodeBytes } from '../codec/http-query';
import {
  decodeUdpResponse,
  encodeUdpAnnounceRequest,
  encodeUdpConnectRequest,
  encodeUdpScrapeRequest,
} from '../codec/udp-packets';
import type { AnnounceRequest } from '../codec/announce-request';
import type { UdpAnnounceRequest } from '../codec/udp-packets';
import { defaultTrackerServerSettings } from '../../../../src-shared/model';
import { openResources, rawHttp, startTestTracker, udpExchange } from './testing/loopback';
import type { TestTracker } from './testing/loopback';
import { TrackerServer } from './tracker-server';
import { announceUrls } from './announce-urls';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function tracker(...args: Parameters<typeof startTestTracker>): Promise<TestTracker> {
  const t = await startTestTracker(...args);
  cleanups.push(() => t.stop());
  return t;
}

const hash = (n: number, len = 20): Uint8Array => new Uint8Array(len).fill(n);

function announceQuery(over: Record<string, string> = {}): string {
  const fields: Record<string, string> = {
    info_hash: percentEncodeBytes(hash(0xab)),
    peer_id: percentEncodeBytes(hash(0x01)),
    port: '6881',
    uploaded: '0',
    downloaded: '0',
    left: '100',
    compact: '1',
    ...over,
  };
  return Object.entries(fields)
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

async function get(
  t: TestTracker,
  pathAndQuery: string,
): Promise<{ status: number; body: Buffer }> {
  const res = await fetch(`http://127.0.0.1:${t.httpPort}${pathAndQuery}`);
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
}

async function announce(t: TestTracker, over: Record<string, string> = {}): Promise<BDict> {
  const r = await get(t, `/announce?${announceQuery(over)}`);
  expect(r.status).toBe(200);
  return decode(r.body) as BDict;
}

function failure(d: BDict): string | null {
  const f = d['failure reason'];
  return f instanceof Uint8Array ? Buffer.from(f).toString() : null;
}

describe('TrackerServer HTTP front', () => {
  it('serves announces (compact and not) and scrapes (BEP 48), and /stats', async () => {
    const t = await tracker();
    await announce(t, { port: '1000', left: '0', peer_id: percentEncodeBytes(hash(2)) });
    const d = await announce(t, { port: '1001' });
    expect(d['complete']).toBe(1);
    expect(d['incomplete']).toBe(1);
    expect(d['interval']).toBe(1800);
    expect(d['min interval']).toBe(60);
    expect([...(d['peers'] as Uint8Array)]).toEqual([127, 0, 0, 1, 1000 >> 8, 1000 & 255]);
    const full = await announce(t, { port: '1001', compact: '0' });
    const peers = full['peers'] as BDict[];
    expect(Buffer.from(peers[0]?.['ip'] as Uint8Array).toString()).toBe('127.0.0.1');
    expect(peers[0]?.['peer id']).toEqual(hash(2));
    const noId = await announce(t, { port: '1001', compact: '0', no_peer_id: '1' });
    expect((noId['peers'] as BDict[])[0]?.['peer id']).toBeUndefined();

    const s = await get(
      t,
      `/scrape?info_hash=${percentEncodeBytes(hash(0xab))}&info_hash=${percentEncodeBytes(hash(0xcd))}`,
    );
    const files = (decode(s.body) as BDict)['files'] as BDict;
    expect(Object.keys(files)).toHaveLength(2);
    expect(files[Buffer.from(hash(0xab)).toString('latin1')]).toEqual(
      Object.assign(Object.create(null), { complete: 1, downloaded: 0, incomplete: 1 }),
    );
    // A scrape without info-hashes lists nothing, not every swarm.
    expect(Buffer.from((await get(t, '/scrape')).body).toString()).toBe('d5:filesdee');

    const stats = (await (await fetch(`http://127.0.0.1:${t.httpPort}/stats`)).json()) as {
      peers: number;
      running: boolean;
    };
    expect(stats).toMatchObject({ peers: 2, running: true });
    expect(
      t.server
        .swarm('ab'.repeat(20))
        ?.peers?.map((p) => p.port)
        .sort(),
    ).toEqual([1000, 1001]);
  });

  it('answers each invalid announce with the right failure reason, counts it, and keeps serving', async () => {
    const t = await tracker();
    const cases: Array<[Record<string, string>, RegExp, string]> = [
      [{ info_hash: percentEncodeBytes(hash(1, 19)) }, /info_hash: 19 bytes/, 'bad-info_hash'],
      [{ info_hash: percentEncodeBytes(hash(1, 21)) }, /info_hash: 21 bytes/, 'bad-info_hash'],
      [{ info_hash: '' }, /info_hash: missing/, 'bad-info_hash'],
      [{ port: '0' }, /invalid port/, 'bad-port'],
      [{ port: '70000' }, /invalid port/, 'bad-port'],
      [{ port: '' }, /invalid port: missing/, 'bad-port'],
      [{ left: '-5' }, /invalid left/, 'bad-left'],
      [{ event: 'exploded' }, /invalid event/, 'bad-event'],
      [{ peer_id: '%zz' }, /invalid peer_id/, 'bad-peer_id'],
    ];
    for (const [over, why] of cases) expect(failure(await announce(t, over))).toMatch(why);
    const rejected = t.server.stats().rejected;
    for (const [, , reason] of cases) expect(rejected[reason]).toBeGreaterThan(0);
    expect(Object.values(rejected).reduce((a, b) => a + b, 0)).toBe(cases.length);
    expect(failure(await announce(t))).toBeNull();
  });

  it('one address cannot flood a swarm with peers or announces over HTTP (issue 16 item 6)', async () => {
    const t = await tracker(
      {},
      {
        registry: {
          exemptLoopback: false,
          maxPeersPerIpPerSwarm: 3,
          announcesPerIpPerSec: 0.001,
          announceBurstPerIp: 6,
        },
      },
    );
    for (const port of ['1', '2', '3']) expect(failure(await announce(t, { port }))).toBeNull();
    expect(failure(await announce(t, { port: '4' }))).toBe(
      'too many peers from your address in this swarm',
    );
    expect(failure(await announce(t, { port: '1' }))).toBeNull(); // a known peer re-announces
    expect(failure(await announce(t, { port: '2' }))).toBeNull();
    expect(failure(await announce(t, { port: '2' }))).toBe(
      'too many announces from your address, slow down',
    );
    expect(t.server.stats()).toMatchObject({
      peers: 3,
      rejected: { 'ip-swarm-full': 1, 'rate-limited': 1 },
    });
  });

  it('/stats refuses a Host that does not name us, even with the token (DNS rebinding, issue 16 item 9)', async () => {
    const t = await tracker({}, { statsToken: 'sekrit' });
    const statusOf = async (headers: string, query = ''): Promise<string> =>
      (
        await rawHttp(
          t.httpPort,
          `GET /stats${query} HTTP/1.1\r\n${headers}Connection: close\r\n\r\n`,
        )
      ).slice(0, 12);
    const port = t.httpPort;
    for (const host of [
      `127.0.0.1:${port}`,
      `localhost:${port}`,
      'LOCALHOST',
      `[::1]:${port}`,
      '10.1.2.3',
    ])
      expect(await statusOf(`Host: ${host}\r\n`)).toBe('HTTP/1.1 200');
    for (const host of [
      `rebind.example:${port}`,
      'rebind.example',
      '127.0.0.1.nip.io',
      '[::1]x',
      '127.0.0.1:x',
    ])
      expect(await statusOf(`Host: ${host}\r\n`, '?token=sekrit')).toBe('HTTP/1.1 403');
    expect(await statusOf('')).toBe('HTTP/1.1 403');
    expect(await statusOf(`Host: 127.0.0.1\r\nHost: rebind.example\r\n`)).toBe('HTTP/1.1 403');
    expect(t.server.stats().rejected['stats-bad-host']).toBe(7);
    // The configured host name is ours too.
    const named = await tracker({ host: 'localhost', udp: false });
    const res = await rawHttp(named.httpPort, 'GET /stats HTTP/1.1\r\nHost: LocalHost\r\n\r\n');
    expect(res.slice(0, 12)).toBe('HTTP/1.1 200');
  });

  it('clips numwant 10^9 to 200 peers', async () => {
    const t = await tracker();
    for (let port = 2000; port < 2210; port++)
      await announce(t, { port: String(port), numwant: '0' });
    const d = await announce(t, { port: '3000', numwant: '1000000000' });
    expect((d['peers'] as Uint8Array).length).toBe(200 * 6);
  });

  it('refuses broken HTTP: garbage, truncated requests, a 1 MB query string, other methods', async () => {
    const t = await tracker();
    expect(await rawHttp(t.httpPort, '\x00\x01\x02 garbage\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
    expect(
      await rawHttp(t.httpPort, 'GET /announce?info_hash=abc HTTP/1.1\r\nHost: x\r\nContent-Le'),
    ).toMatch(/^(HTTP\/1\.1 400|$)/);
    const huge = `GET /announce?${'a'.repeat(1024 * 1024)} HTTP/1.1\r\nHost: x\r\n\r\n`;
    expect(await rawHttp(t.httpPort, huge)).toMatch(/^HTTP\/1\.1 431/);
    expect(
      await rawHttp(t.httpPort, 'POST /announce HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n'),
    ).toMatch(/^HTTP\/1\.1 405/);
    expect(
      await rawHttp(t.httpPort, 'GET /nothing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
    ).toMatch(/^HTTP\/1\.1 404/);
    const rejected = t.server.stats().rejected;
    expect(rejected['http-malformed']).toBeGreaterThanOrEqual(1);
    expect(rejected['http-head-too-large']).toBe(1);
    expect(rejected['http-method']).toBe(1);
    expect(failure(await announce(t))).toBeNull();
  });

  it('stays bounded under a flood of new info-hashes', async () => {
    const t = await tracker({}, { registry: { maxSwarms: 100 } });
    for (let i = 0; i < 300; i++) {
      const h = new Uint8Array(20);
      new DataView(h.buffer).setUint32(0, i);
      await announce(t, { info_hash: percentEncodeBytes(h) });
    }
    expect(t.server.swarmCount).toBe(100);
    expect(t.server.stats().rejected['too-many-swarms']).toBe(200);
    expect(failure(await announce(t, { info_hash: percentEncodeBytes(hash(0xff)) }))).toMatch(
      /too many/,
    );
  });

  it('in allow-list mode serves only listed and host-allowed info-hashes', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'swarmscope-allow-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'allow.txt');
    await writeFile(file, `# listed\n${'ab'.repeat(20)}\nnot-a-hash\n\n`);
    const t = await tracker(
      { mode: 'allow-list', allowListFile: file },
      { isAllowed: (h) => h === 'cd'.repeat(20) },
    );
    expect(failure(await announce(t))).toBeNull();
    expect(failure(await announce(t, { info_hash: percentEncodeBytes(hash(0xcd)) }))).toBeNull();
    expect(failure(await announce(t, { info_hash: percentEncodeBytes(hash(0xef)) }))).toMatch(
      /not authorized/,
    );
    t.server.setAllowList(['EF'.repeat(20)]);
    expect(failure(await announce(t, { info_hash: percentEncodeBytes(hash(0xef)) }))).toBeNull();
    // Scrape of a hash that is not allowed says nothing about it.
    t.server.setAllowList([]);
    const s = decode(
      (await get(t, `/scrape?info_hash=${percentEncodeBytes(hash(0xef))}`)).body,
    ) as BDict;
    expect(
      ((s['files'] as BDict)[Buffer.from(hash(0xef)).toString('latin1')] as BDict)['incomplete'],
    ).toBe(0);
  });
});

describe('TrackerServer addresses', () => {
  it('takes the address from the socket, and `ip=` only when the operator allows it', async () => {
    const plain = await tracker();
    await announce(plain, { ip: '10.1.2.3' });
    expect(plain.server.swarm('ab'.repeat(20))?.peers?.[0]?.address).toBe('127.0.0.1');
    const trusting = await tracker({}, { trustIpParam: true });
    await announce(trusting, { ip: '10.1.2.3' });
    expect(trusting.server.swarm('ab'.repeat(20))?.peers?.[0]?.address).toBe('10.1.2.3');
  });

  it('gives IPv6 peers as peers6 (BEP 7) on a dual-stack tracker', async () => {
    const t = await tracker({ host: '::', udp: false });
    const base = `http://[::1]:${t.httpPort}/announce?`;
    await fetch(base + announceQuery({ port: '4000' }));
    const r4 = await fetch(
      `http://127.0.0.1:${t.httpPort}/announce?` + announceQuery({ port: '4001' }),
    );
    const d4 = decode(Buffer.from(await r4.arrayBuffer())) as BDict;
    expect([...(d4['peers'] as Uint8Array)]).toEqual([]);
    expect([...(d4['peers6'] as Uint8Array)]).toEqual([
      ...new Uint8Array(15),
      1,
      4000 >> 8,
      4000 & 255,
    ]);
    const r6 = await fetch(base + announceQuery({ port: '4000' }));
    const d6 = decode(Buffer.from(await r6.arrayBuffer())) as BDict;
    expect([...(d6['peers'] as Uint8Array)]).toEqual([127, 0, 0, 1, 4001 >> 8, 4001 & 255]);
    expect(d6['peers6']).toBeUndefined();
  });
});

describe('TrackerServer UDP front (BEP 15)', () => {
  function announceFields(
    connectionId: Uint8Array,
    over: Partial<AnnounceRequest> = {},
  ): UdpAnnounceRequest {
    return {
      connectionId,
      transactionId: 77,
      request: {
        infoHash: hash(0xab),
        peerId: hash(1),
        downloaded: 0,
        left: 10,
        uploaded: 0,
        event: 'started',
        key: '1',
        numwant: null,
        compact: true,
        noPeerId: true,
        trackerId: null,
        ip: null,
        port: 6881,
        ...over,
      },
    };
  }

  /** A client socket that keeps its port, as real clients do. */
  async function client() {
    const socket = createSocket('udp4');
    await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => socket.close(() => r())));
    const inbox: Buffer[] = [];
    socket.on('message', (m: Buffer) => inbox.push(m));
    return {
      async ask(port: number, packet: Uint8Array, timeoutMs = 500): Promise<Buffer | null> {
        const before = inbox.length;
        socket.send(packet, port, '127.0.0.1');
        for (let waited = 0; inbox.length === before && waited < timeoutMs; waited += 5) {
          await new Promise<void>((r) => systemClock.setTimeout(r, 5));
        }
        return inbox[before] ?? null;
      },
    };
  }

  it('connects, announces and scrapes', async () => {
    const t = await tracker();
    const c = await client();
    const conn = decodeUdpResponse((await c.ask(t.udpPort, encodeUdpConnectRequest(5))) as Buffer);
    if (conn.action !== 'connect') throw new Error(`got ${conn.action}`);
    const a = decodeUdpResponse(
      (await c.ask(
        t.udpPort,
        encodeUdpAnnounceRequest(announceFields(conn.connectionId)),
      )) as Buffer,
    );
    expect(a).toMatchObject({
      action: 'announce',
      transactionId: 77,
      intervalSec: 1800,
      leechers: 1,
      seeders: 0,
      peers: [],
    });
    const s = decodeUdpResponse(
      (await c.ask(
        t.udpPort,
        encodeUdpScrapeRequest({
          connectionId: conn.connectionId,
          transactionId: 9,
          infoHashes: [hash(0xab), hash(1)],
        }),
      )) as Buffer,
    );
    expect(s).toEqual({
      action: 'scrape',
      transactionId: 9,
      files: [
        { seeders: 0, completed: 0, leechers: 1 },
        { seeders: 0, completed: 0, leechers: 0 },
      ],
    });
  });

  it('drops packets too short for a transaction id and answers every other bad packet with an error', async () => {
    const t = await tracker();
    for (let n = 0; n < 16; n++)
      expect(await udpExchange(t.udpPort, new Uint8Array(n).fill(1), 100)).toBeNull();
    const c = await client();
    const conn = decodeUdpResponse((await c.ask(t.udpPort, encodeUdpConnectRequest(5))) as Buffer);
    if (conn.action !== 'connect') throw new Error('no connect');
    const full = encodeUdpAnnounceRequest(announceFields(conn.connectionId));
    for (let n = 16; n < 98; n++) {
      const r = decodeUdpResponse((await c.ask(t.udpPort, full.subarray(0, n))) as Buffer);
      expect(r.action).toBe('error');
    }
    const badMagic = encodeUdpConnectRequest(5);
    badMagic[2] = 9;
    expect(decodeUdpResponse((await c.ask(t.udpPort, badMagic)) as Buffer)).toMatchObject({
      action: 'error',
      transactionId: 5,
    });
    const badAction = Uint8Array.from(full);
    badAction[11] = 42;
    expect(decodeUdpResponse((await c.ask(t.udpPort, badAction)) as Buffer)).toMatchObject({
      action: 'error',
      message: expect.stringMatching(/action 42/),
    });
    const badScrape = encodeUdpScrapeRequest({
      connectionId: conn.connectionId,
      transactionId: 3,
      infoHashes: [hash(1)],
    }).subarray(0, 35);
    expect(decodeUdpResponse((await c.ask(t.udpPort, badScrape)) as Buffer).action).toBe('error');
    const port0 = encodeUdpAnnounceRequest(announceFields(conn.connectionId, { port: 1 }));
    port0[97] = 0;
    expect(decodeUdpResponse((await c.ask(t.udpPort, port0)) as Buffer)).toMatchObject({
      action: 'error',
      message: expect.stringMatching(/port/),
    });
    const rejected = t.server.stats().rejected;
    expect(rejected['udp-truncated']).toBe(16);
    expect(rejected['udp-bad-action']).toBe(1);
    expect(rejected['udp-malformed']).toBe(82 + 1 + 1 + 1);
    // Still serving.
    expect(decodeUdpResponse((await c.ask(t.udpPort, full)) as Buffer).action).toBe('announce');
  });

  it('one address cannot flood a swarm with peers or announces over UDP (issue 16 item 6)', async () => {
    const t = await tracker(
      {},
      {
        registry: {
          exemptLoopback: false,
          maxPeersPerIpPerSwarm: 2,
          announcesPerIpPerSec: 0.001,
          announceBurstPerIp: 4,
        },
      },
    );
    const c = await client();
    const conn = decodeUdpResponse((await c.ask(t.udpPort, encodeUdpConnectRequest(5))) as Buffer);
    if (conn.action !== 'connect') throw new Error('no connect');
    const ask = async (port: number) =>
      decodeUdpResponse(
        (await c.ask(
          t.udpPort,
          encodeUdpAnnounceRequest(announceFields(conn.connectionId, { port })),
        )) as Buffer,
      );
    expect((await ask(1)).action).toBe('announce');
    expect((await ask(2)).action).toBe('announce');
    expect(await ask(3)).toMatchObject({
      action: 'error',
      message: 'too many peers from your address in this swarm',
    });
    expect((await ask(1)).action).toBe('announce');
    expect(await ask(1)).toMatchObject({
      action: 'error',
      message: 'too many announces from your address, slow down',
    });
    expect(t.server.stats()).toMatchObject({
      peers: 2,
      rejected: { 'ip-swarm-full': 1, 'rate-limited': 1 },
    });
  });

  it('never answers a datagram with a larger error packet (reflection, issue 16 item 10)', async () => {
    const t = await tracker();
    const c = await client();
    const conn = decodeUdpResponse((await c.ask(t.udpPort, encodeUdpConnectRequest(5))) as Buffer);
    if (conn.action !== 'connect') throw new Error('no connect');
    const full = encodeUdpAnnounceRequest(announceFields(conn.connectionId));
    const badMagic = encodeUdpConnectRequest(5);
    badMagic[2] = 9;
    const badAction = Uint8Array.from(badMagic);
    badAction[11] = 42;
    const stale = encodeUdpAnnounceRequest(announceFields(new Uint8Array(8)));
    const requests = [badMagic, badAction, stale, full.subarray(0, 16), full.subarray(0, 40)];
    for (let n = 16; n < 98; n += 9) requests.push(full.subarray(0, n));
    for (const req of requests) {
      const reply = (await c.ask(t.udpPort, req)) as Buffer;
      expect(decodeUdpResponse(reply).action).toBe('error');
      expect(reply.length).toBeLessThanOrEqual(req.length);
    }
    // A 16-byte request still gets the start of the reason.
    const short = decodeUdpResponse((await c.ask(t.udpPort, badMagic)) as Buffer);
    expect(short).toMatchObject({ action: 'error', transactionId: 5 });
    expect(short.action === 'error' ? short.message : '').toHaveLength(8);
  });

  it('refuses forged, foreign and stale connection ids; accepts them for two minutes', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const t = await tracker({}, { clock });
    const c = await client();
    const other = await client();
    const conn = decodeUdpResponse((await c.ask(t.udpPort, encodeUdpConnectRequest(5))) as Buffer);
    if (conn.action !== 'connect') throw new Error('no connect');
    expect(conn.connectionId).not.toEqual(
      decodeUdpResponse((await other.ask(t.udpPort, encodeUdpConnectRequest(5))) as Buffer),
    );
    const forged = decodeUdpResponse(
      (await c.ask(t.udpPort, encodeUdpAnnounceRequest(announceFields(hash(7, 8))))) as Buffer,
    );
    expect(forged).toMatchObject({ action: 'error', message: 'connection id expired' });
    const foreign = decodeUdpResponse(
      (await other.ask(
        t.udpPort,
        encodeUdpAnnounceRequest(announceFields(conn.connectionId)),
      )) as Buffer,
    );
    expect(foreign.action).toBe('error');
    clock.advance(119_000);
    expect(
      decodeUdpResponse(
        (await c.ask(
          t.udpPort,
          encodeUdpAnnounceRequest(announceFields(conn.connectionId)),
        )) as Buffer,
      ).action,
    ).toBe('announce');
    clock.advance(62_000);
    expect(
      decodeUdpResponse(
        (await c.ask(
          t.udpPort,
          encodeUdpAnnounceRequest(announceFields(conn.connectionId)),
        )) as Buffer,
      ).action,
    ).toBe('error');
    expect(t.server.stats().rejected['udp-stale-connection-id']).toBe(3);
  });
});

describe('TrackerServer lifecycle', () => {
  it('reports a port in use in stats.error instead of throwing, and leaves nothing open', async () => {
    await new Promise<void>((r) => systemClock.setTimeout(r, 50));
    const before = openResources();
    const t = await tracker();
    const second = new TrackerServer({ clock: systemClock, random: systemRandom });
    const stats = await second.start({
      ...defaultTrackerServerSettings,
      host: '127.0.0.1',
      httpPort: t.httpPort,
      udpPort: 0,
      mode: 'open',
    });
    expect(stats.running).toBe(false);
    expect(stats.error).toMatch(/EADDRINUSE/);
    await second.stop();
    await t.stop();
    cleanups.splice(0);
    await new Promise<void>((r) => systemClock.setTimeout(r, 50));
    const after = openResources();
    for (const kind of ['TCPServerWrap', 'UDPWRAP', 'TCPSocketWrap'])
      expect(after[kind] ?? 0, kind).toBeLessThanOrEqual(before[kind] ?? 0);
  });

  it('computes announce URLs with LAN addresses before loopback', () => {
    const interfaces = {
      lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true }],
      eth0: [
        { address: '192.168.1.5', family: 'IPv4', internal: false },
        { address: 'fe80::1', family: 'IPv6', internal: false },
      ],
    } as unknown as ReturnType<typeof import('node:os').networkInterfaces>;
    const s = { host: '0.0.0.0', http: true, udp: true, httpPort: 6969, udpPort: 6970 };
    expect(announceUrls(s, interfaces)).toEqual([
      'http://192.168.1.5:6969/announce',
      'udp://192.168.1.5:6970/announce',
      'http://127.0.0.1:6969/announce',
      'udp://127.0.0.1:6970/announce',
    ]);
    expect(announceUrls({ ...s, host: '10.0.0.2', udp: false }, interfaces)).toEqual([
      'http://10.0.0.2:6969/announce',
    ]);
  });
});
