import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, systemClock } from '../time/clock';
import { encodeHandshake, reservedFlags } from '../wire/handshake';
import { encodeMessage } from '../wire/message';
import { ProtocolError } from '../wire/protocol-error';
import { PeerError, readHandshake } from './peer-connection';

const opened: { server: net.Server; sockets: net.Socket[] }[] = [];

afterEach(async () => {
  for (const { server, sockets } of opened.splice(0)) {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  }
});

/** A loopback server; resolves with the accepted socket and the dialling one. */
async function connected(): Promise<{ accepted: net.Socket; dial: net.Socket }> {
  const server = net.createServer();
  const entry = { server, sockets: [] as net.Socket[] };
  opened.push(entry);
  const accepted = new Promise<net.Socket>((r) => server.once('connection', r));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const dial = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  entry.sockets.push(dial);
  const socket = await accepted;
  entry.sockets.push(socket);
  return { accepted: socket, dial };
}

const handshake = encodeHandshake({
  infoHash: new Uint8Array(20).fill(7),
  peerId: new Uint8Array(20).fill(8),
  reserved: reservedFlags({ fast: true }),
});

describe('readHandshake', () => {
  it('returns the handshake and the bytes after it, leaving the socket paused', async () => {
    const { accepted, dial } = await connected();
    const have = encodeMessage({ type: 'have', index: 3 });
    dial.write(handshake.subarray(0, 30));
    setImmediate(() => dial.write(Buffer.concat([handshake.subarray(30), have])));
    const res = await readHandshake(accepted, 5_000, systemClock);
    expect([...res.handshake.infoHash]).toEqual(new Array(20).fill(7));
    expect(accepted.isPaused()).toBe(true);
    expect(accepted.listenerCount('data')).toBe(0);
    // Bytes may arrive in the same chunk (returned) or later (still buffered in the socket).
    const later: Buffer[] = [];
    accepted.on('data', (c: Buffer) => later.push(c));
    accepted.resume();
    const all = () => Buffer.concat([res.rest, ...later]);
    for (let i = 0; i < 200 && all().length < have.length; i++)
      await new Promise((r) => setImmediate(r));
    expect([...all()]).toEqual([...have]);
  });

  it('refuses a stream that is not a BitTorrent handshake at once', async () => {
    const { accepted, dial } = await connected();
    dial.write('GET / HTTP/1.1\r\n\r\n');
    await expect(readHandshake(accepted, 5_000, systemClock)).rejects.toBeInstanceOf(ProtocolError);
    expect(accepted.listenerCount('data')).toBe(0);
  });

  it('gives up after the timeout and when the peer closes first', async () => {
    const clock = new ManualClock();
    const first = await connected();
    const pending = readHandshake(first.accepted, 10_000, clock);
    clock.advance(10_000);
    await expect(pending).rejects.toMatchObject({ code: 'timeout' });
    expect(clock.pending).toBe(0);

    const second = await connected();
    const closing = readHandshake(second.accepted, 10_000, clock);
    second.dial.end(handshake.subarray(0, 10));
    const err = await closing.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PeerError);
    expect((err as PeerError).code).toBe('remote-closed');
  });
});
