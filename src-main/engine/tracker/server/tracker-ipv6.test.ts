/**
 * The embedded tracker on both stacks (issue 18): by default (host 0.0.0.0) it answers HTTP and
 * UDP announces over IPv4 and IPv6 on one port each, and gives IPv6 announcers their swarm's
 * IPv6 peers (BEP 7 `peers6`, BEP 15's 18-byte entries over IPv6).
 */
import { createSocket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { decode } from '../../bencode';
import type { BDict } from '../../bencode';
import { systemClock } from '../../time/clock';
import { percentEncodeBytes } from '../codec/http-query';
import {
  decodeUdpResponse,
  encodeUdpAnnounceRequest,
  encodeUdpConnectRequest,
} from '../codec/udp-packets';
import { defaultTrackerServerSettings } from '../../../../src-shared/model';
import { startTestTracker } from './testing/loopback';
import type { TestTracker } from './testing/loopback';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function defaultHostTracker(): Promise<TestTracker> {
  const t = await startTestTracker({ host: defaultTrackerServerSettings.host });
  cleanups.push(() => t.stop());
  return t;
}

const infoHash = new Uint8Array(20).fill(0x6e);

async function httpAnnounce(host: string, t: TestTracker, port: number, peer: number) {
  const q = [
    `info_hash=${percentEncodeBytes(infoHash)}`,
    `peer_id=${percentEncodeBytes(new Uint8Array(20).fill(peer))}`,
    `port=${port}`,
    'uploaded=0',
    'downloaded=0',
    'left=5',
    'compact=1',
  ].join('&');
  const res = await fetch(`http://${host}:${t.httpPort}/announce?${q}`);
  expect(res.status).toBe(200);
  return decode(Buffer.from(await res.arrayBuffer())) as BDict;
}

/** One BEP 15 exchange from a udp6 socket on ::1: connect, then announce. */
async function udp6Announce(
  t: TestTracker,
  port: number,
): Promise<ReturnType<typeof decodeUdpResponse>> {
  const socket = createSocket({ type: 'udp6', ipv6Only: true });
  await new Promise<void>((r) => socket.bind(0, '::1', r));
  cleanups.push(() => new Promise<void>((r) => socket.close(() => r())));
  const inbox: Buffer[] = [];
  socket.on('message', (m: Buffer) => inbox.push(m));
  const ask = async (packet: Uint8Array): Promise<Buffer> => {
    const before = inbox.length;
    socket.send(packet, t.udpPort, '::1');
    for (let waited = 0; inbox.length === before && waited < 2_000; waited += 5)
      await new Promise<void>((r) => systemClock.setTimeout(r, 5));
    const got = inbox[before];
    if (!got) throw new Error('no answer over udp6');
    return got;
  };
  const conn = decodeUdpResponse(await ask(encodeUdpConnectRequest(3)));
  if (conn.action !== 'connect') throw new Error(`got ${conn.action}`);
  const packet = encodeUdpAnnounceRequest({
    connectionId: conn.connectionId,
    transactionId: 4,
    request: {
      infoHash,
      peerId: new Uint8Array(20).fill(9),
      downloaded: 0,
      left: 5,
      uploaded: 0,
      event: 'started',
      key: '1',
      numwant: null,
      compact: true,
      noPeerId: true,
      trackerId: null,
      ip: null,
      port,
    },
  });
  return decodeUdpResponse(await ask(packet), 6);
}

describe('embedded tracker on both stacks', () => {
  it('serves HTTP announces over IPv4 and IPv6 by default; IPv6 peers go out as peers6', async () => {
    const t = await defaultHostTracker();
    const v6 = await httpAnnounce('[::1]', t, 5000, 1);
    expect(v6['peers6']).toBeUndefined();
    const v4 = await httpAnnounce('127.0.0.1', t, 5001, 2);
    expect([...(v4['peers6'] as Uint8Array)]).toEqual([
      ...new Uint8Array(15),
      1,
      5000 >> 8,
      5000 & 255,
    ]);
    const again = await httpAnnounce('[::1]', t, 5000, 1);
    expect([...(again['peers'] as Uint8Array)]).toEqual([127, 0, 0, 1, 5001 >> 8, 5001 & 255]);
    expect(
      t.server
        .swarm('6e'.repeat(20))
        ?.peers?.map((p) => p.address)
        .sort(),
    ).toEqual(['127.0.0.1', '::1']);
  });

  it('serves UDP announces over IPv6 by default, with 18-byte peers', async () => {
    const t = await defaultHostTracker();
    await httpAnnounce('[::1]', t, 6000, 1);
    const a = await udp6Announce(t, 6001);
    expect(a).toMatchObject({ action: 'announce', leechers: 2 });
    if (a.action !== 'announce') throw new Error('not an announce');
    expect(a.peers).toEqual([{ address: '::1', port: 6000 }]);
  });
});
