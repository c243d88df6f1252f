/**
 * The LSD service over real UDP multicast on 127.0.0.1 (this machine has only loopback; the
 * kernel lets a group be joined on it), with a test port so nothing else hears us.
 */
import { afterEach, describe, expect, it } from 'vitest';
import dgram from 'node:dgram';
import { ManualClock, seededRandom } from '../time/clock';
import { MemoryLogger } from '../log/logger';
import { waitFor } from '../../testing/fixtures';
import {
  LSD_ANNOUNCE_INTERVAL_MS,
  LSD_MAX_MESSAGES_PER_IP_PER_WINDOW,
  LSD_TICK_MS,
} from '../limits';
import { LsdService } from './lsd';
import { decodeLsdAnnounce, encodeLsdAnnounce } from './lsd-message';
import type { LsdAnnounce } from './lsd-message';

const GROUP = '239.192.152.143';
const H1 = '11'.repeat(20);
const H2 = '22'.repeat(20);

const open: { close(): unknown }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
});

async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const { port } = s.address();
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** A member of the group on loopback that records what it hears. */
async function listener(port: number): Promise<{ heard: LsdAnnounce[]; sock: dgram.Socket }> {
  const sock = dgram.createSocket({ type: 'udp4', reuseAddr: true });
  const heard: LsdAnnounce[] = [];
  sock.on('message', (m) => {
    // The hostile datagrams of a test reach this member too.
    if (m.length < 1400 && m.includes('cookie')) heard.push(decodeLsdAnnounce(m));
  });
  await new Promise<void>((r) => sock.bind(port, () => r()));
  sock.addMembership(GROUP, '127.0.0.1');
  sock.setMulticastInterface('127.0.0.1');
  sock.setMulticastLoopback(true);
  open.push({ close: () => new Promise<void>((r) => sock.close(() => r())) });
  return { heard, sock };
}

async function service(port: number, announce: () => string[], clock = new ManualClock(0)) {
  const found: { hash: string; address: string; port: number }[] = [];
  const lsd = new LsdService(
    { group: GROUP, port, interface: '127.0.0.1' },
    {
      clock,
      random: seededRandom(port),
      logger: new MemoryLogger('error'),
      listenPort: () => 7000,
      announce,
      found: (hash, peer) => void found.push({ hash, ...peer }),
    },
  );
  await lsd.start();
  open.push({ close: () => lsd.stop() });
  return { lsd, found, clock };
}

/** Lets datagrams sent so far arrive (loopback delivers within microseconds). */
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 30));

describe('LsdService (BEP 14)', () => {
  it('announces each torrent at once, then every five minutes, never twice in a minute', async () => {
    const port = await freeUdpPort();
    const { heard } = await listener(port);
    let wanted = [H1];
    const { lsd, clock } = await service(port, () => wanted);
    await waitFor(() => heard.length === 1, 'the first announce', 2_000);
    expect(heard[0]).toMatchObject({ port: 7000, infoHashes: [H1], host: `${GROUP}:${port}` });
    // A second torrent comes; the first stops and restarts within the minute.
    wanted = [H1, H2];
    clock.advance(LSD_TICK_MS);
    await settle();
    expect(heard.map((h) => h.infoHashes)).toEqual([[H1], [H2]]);
    wanted = [H2];
    clock.advance(LSD_TICK_MS);
    wanted = [H1, H2];
    clock.advance(LSD_TICK_MS);
    await settle();
    expect(heard).toHaveLength(2);
    // The restarted one goes out once its minute is over, not after five.
    while (clock.now() < 60_000) clock.advance(LSD_TICK_MS);
    await settle();
    expect(heard.map((h) => h.infoHashes)).toEqual([[H1], [H2], [H1]]);
    // Then each every five minutes.
    while (clock.now() < 60_000 + LSD_ANNOUNCE_INTERVAL_MS) clock.advance(LSD_TICK_MS);
    await settle();
    expect(heard.map((h) => h.infoHashes.join())).toEqual([H1, H2, H1, H2, H1]);
    await lsd.stop();
    expect(lsd.running).toBe(false);
  });

  it('hands on what others announce, ignores its own, garbage and floods', async () => {
    const port = await freeUdpPort();
    const { sock } = await listener(port);
    const { lsd, found } = await service(port, () => [H1]);
    const send = (buf: Uint8Array): void => void sock.send(buf, port, GROUP);
    send(new TextEncoder().encode('BT-SEARCH * HTTP/1.1\r\nPort: 1\r\nInfohash: 12\r\n\r\n'));
    send(new Uint8Array(5000));
    send(encodeLsdAnnounce({ host: 'x', port: 6000, infoHashes: [H2, H1], cookie: 'other' }));
    await waitFor(() => found.length === 2, 'the valid announce', 2_000);
    expect(found).toEqual([
      { hash: H2, address: '127.0.0.1', port: 6000 },
      { hash: H1, address: '127.0.0.1', port: 6000 },
    ]);
    // Its own first announce reached it too (loopback on), and was dropped by the cookie.
    expect(found.some((f) => f.port === 7000)).toBe(false);
    // A flood from one address: only LSD_MAX_MESSAGES_PER_IP_PER_WINDOW per minute count (the
    // three above already did).
    for (let i = 0; i < 2 * LSD_MAX_MESSAGES_PER_IP_PER_WINDOW; i++)
      send(encodeLsdAnnounce({ host: 'x', port: 10_000 + i, infoHashes: [H1], cookie: 'f' }));
    await waitFor(() => found.length >= LSD_MAX_MESSAGES_PER_IP_PER_WINDOW - 2, 'the flood', 2_000);
    await settle();
    expect(found).toHaveLength(2 + LSD_MAX_MESSAGES_PER_IP_PER_WINDOW - 3);
    await lsd.stop();
  });
});
