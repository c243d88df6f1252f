import { describe, expect, it } from 'vitest';
import { PeerError } from '../peer/close-reason';
import { encodeHandshake } from '../wire/handshake';
import { ProtocolError } from '../wire/protocol-error';
import { readTransportHandshake } from './read-transport-handshake';
import { B, TestUtpNet } from './test-utp-net';

const handshake = encodeHandshake({
  infoHash: new Uint8Array(20).fill(1),
  peerId: new Uint8Array(20).fill(2),
  reserved: new Uint8Array(8),
});

async function incoming(net: TestUtpNet) {
  const dialled = net.a.dial(B.address, B.port);
  const ok = dialled.connected();
  await net.settle();
  await ok;
  const t = net.accepted[0];
  if (!t) throw new Error('nothing accepted');
  return { dialled, t };
}

describe('readTransportHandshake', () => {
  it('reads a handshake cut in pieces, returns the bytes after it and holds later ones', async () => {
    const net = new TestUtpNet();
    const { dialled, t } = await incoming(net);
    const result = readTransportHandshake(t, 10_000, net.clock);
    dialled.write(handshake.subarray(0, 10));
    await net.settle();
    dialled.write(Buffer.concat([handshake.subarray(10), Buffer.from([0, 0, 0, 0])]));
    await net.settle();
    const { handshake: h, rest } = await result;
    expect([...h.peerId]).toEqual([...new Uint8Array(20).fill(2)]);
    expect([...rest]).toEqual([0, 0, 0, 0]);
    // Later bytes wait for the next reader.
    dialled.write(new Uint8Array([7]));
    await net.settle();
    const later: number[] = [];
    t.attach({
      onBytes: (c) => later.push(...c),
      onDrain: () => undefined,
      onEnd: () => undefined,
      onError: () => undefined,
    });
    t.startReading();
    expect(later).toEqual([7]);
  });

  it('refuses a stream that is not a BitTorrent handshake at its first wrong byte', async () => {
    const net = new TestUtpNet();
    const { dialled, t } = await incoming(net);
    const result = readTransportHandshake(t, 10_000, net.clock).catch((e: unknown) => e);
    dialled.write(Buffer.from('GET / HTTP/1.1\r\n'));
    await net.settle();
    expect(await result).toBeInstanceOf(ProtocolError);
  });

  it('gives up on a handshake that never finishes', async () => {
    const net = new TestUtpNet();
    const { dialled, t } = await incoming(net);
    const result = readTransportHandshake(t, 5_000, net.clock).catch((e: unknown) => e);
    dialled.write(handshake.subarray(0, 30));
    await net.advance(5_100);
    const err = await result;
    expect(err).toBeInstanceOf(PeerError);
    expect((err as PeerError).code).toBe('timeout');
  });
});
