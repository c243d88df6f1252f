import { createSocket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { UdpEndpoint, classifyDatagram } from './udp-endpoint';
import type { UdpSource } from './udp-endpoint';

describe('classifyDatagram', () => {
  it('sends bencoded dicts to the DHT and uTP headers (types 0..4, version 1) to uTP', () => {
    expect(classifyDatagram(Buffer.from('d1:y1:qe'))).toBe('dht');
    for (const type of [0, 1, 2, 3, 4])
      expect(classifyDatagram(Uint8Array.of((type << 4) | 1))).toBe('utp');
  });

  it('drops empty datagrams, unknown uTP types and versions, and other bytes', () => {
    expect(classifyDatagram(new Uint8Array(0))).toBeNull();
    expect(classifyDatagram(Uint8Array.of(0x51))).toBeNull(); // type 5 does not exist
    expect(classifyDatagram(Uint8Array.of(0x02))).toBeNull(); // version 2
    expect(classifyDatagram(Buffer.from('l1:ae'))).toBeNull();
  });
});

describe('UdpEndpoint', () => {
  const open: { close(): unknown }[] = [];
  afterEach(async () => {
    for (const c of open.splice(0)) await c.close();
  });

  it('routes each datagram to its one consumer and counts the rest as dropped', async () => {
    const ep = await UdpEndpoint.open('127.0.0.1', 0);
    open.push(ep);
    const got: { kind: string; text: string; from: UdpSource }[] = [];
    ep.on('dht', (p, from) => got.push({ kind: 'dht', text: p.toString('latin1'), from }));
    ep.on('utp', (p, from) => got.push({ kind: 'utp', text: p.toString('hex'), from }));
    const client = createSocket('udp4');
    open.push({ close: () => new Promise<void>((r) => client.close(() => r())) });
    await new Promise<void>((r) => client.bind(0, '127.0.0.1', () => r()));
    const send = (b: Uint8Array): Promise<void> =>
      new Promise((r) => client.send(b, ep.port, '127.0.0.1', () => r()));
    await send(Buffer.from('d1:y1:qe'));
    await send(Uint8Array.of(0x41, 0x01));
    await send(Uint8Array.of(0xff));
    for (let i = 0; i < 400 && ep.stats().received < 3; i++)
      await new Promise((r) => setTimeout(r, 5));
    expect(got.map((g) => [g.kind, g.text])).toEqual([
      ['dht', 'd1:y1:qe'],
      ['utp', '4101'],
    ]);
    expect(got[0]?.from).toEqual({ address: '127.0.0.1', port: client.address().port });
    expect(ep.stats()).toMatchObject({ received: 3, dropped: 1 });
  });

  // --- IPv6 (issue 18) ---
  it('opens a udp6 endpoint on the port of a udp4 one on the wildcard, and hears ::1 on it', async () => {
    const v4 = await UdpEndpoint.open('0.0.0.0', 0);
    open.push(v4);
    const v6 = await UdpEndpoint.open('::', v4.port, 'udp6');
    open.push(v6);
    expect([v4.family, v6.family, v6.port]).toEqual(['udp4', 'udp6', v4.port]);
    const got: UdpSource[] = [];
    v6.on('dht', (_p, from) => got.push(from));
    const client = createSocket('udp6');
    open.push({ close: () => new Promise<void>((r) => client.close(() => r())) });
    await new Promise<void>((r) => client.bind(0, '::1', () => r()));
    client.send(Buffer.from('d1:y1:qe'), v6.port, '::1');
    for (let i = 0; i < 200 && got.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(got).toEqual([{ address: '::1', port: client.address().port }]);
  });
});
