/**
 * MseTransport: the peer connection over an MSE link, on the in-memory pair and on loopback TCP
 * (the dialled side reading into the shared buffer, as the torrent's dials do).
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SkeyTable } from '../crypto/mse-keys';
import type { EncryptionPolicy } from '../crypto/mse-handshake';
import { MseError } from '../crypto/mse-error';
import { dialShared } from '../net/shared-read-buffer';
import { systemClock, systemRandom } from '../time/clock';
import { MemoryTransport } from './memory-transport';
import { encryptIncoming, encryptOutgoing } from './mse-transport';
import type { MseTransport } from './mse-transport';
import { PeerConnection, ourHandshake } from './peer-connection';
import type { PeerConnectionOptions } from './peer-connection';
import { TcpTransport } from './tcp-transport';
import type { PeerTransport } from './transport';
import { PEER_ID_A, PEER_ID_B, TEST_INFO_HASH, nextEvent, until } from './test-peers';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

function connOptions(incoming: boolean): PeerConnectionOptions {
  return {
    clock: systemClock,
    incoming,
    infoHash: TEST_INFO_HASH,
    peerId: incoming ? PEER_ID_B : PEER_ID_A,
    pieceCount: 64,
    extensions: { fast: true, extended: true },
    clientVersion: 'test',
    reqq: 500,
  };
}

async function tcpRaw(): Promise<[PeerTransport, PeerTransport]> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const accepted = new Promise<net.Socket>((r) => server.once('connection', r));
  const { socket, reads } = dialShared('127.0.0.1', (server.address() as net.AddressInfo).port);
  await new Promise((r) => socket.once('connect', r));
  const a = new TcpTransport(socket, reads);
  const b = new TcpTransport(await accepted);
  cleanups.push(async () => {
    a.destroy();
    b.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  });
  return [a, b];
}

/** Both ends through MSE, then a PeerConnection on each. */
async function connect(
  kind: 'memory' | 'tcp',
  dialer: EncryptionPolicy,
  answerer: EncryptionPolicy,
): Promise<{ a: PeerConnection; b: PeerConnection; ta: MseTransport; tb: MseTransport }> {
  const [x, y] = kind === 'memory' ? MemoryTransport.pair() : await tcpRaw();
  const common = { clock: systemClock, random: systemRandom };
  const [out, inc] = await Promise.all([
    encryptOutgoing(x, {
      ...common,
      policy: dialer,
      infoHash: TEST_INFO_HASH,
      initialPayload: ourHandshake(connOptions(false)),
    }),
    encryptIncoming(y, { ...common, policy: answerer, skeys: new SkeyTable([TEST_INFO_HASH]) }),
  ]);
  // After MSE the SKEY names the torrent; a plaintext dial names it in its BT handshake.
  if (dialer !== 'disable')
    expect(Buffer.from(inc.infoHash!).equals(Buffer.from(TEST_INFO_HASH))).toBe(true);
  else expect(inc.infoHash).toBeUndefined();
  const a = new PeerConnection({ ...connOptions(false), transport: out, handshakeSent: true });
  const b = new PeerConnection({ ...connOptions(true), transport: inc.transport });
  cleanups.push(() => {
    a.close('shutdown');
    b.close('shutdown');
  });
  return { a, b, ta: out, tb: inc.transport };
}

describe('MseTransport', () => {
  for (const kind of ['memory', 'tcp'] as const) {
    it(`carries a peer connection over RC4 (${kind}): handshakes, then a block both ways`, async () => {
      const { a, b, ta, tb } = await connect(kind, 'prefer', 'prefer');
      expect([ta.encrypted, tb.encrypted, a.encrypted, b.encrypted]).toEqual([
        true,
        true,
        true,
        true,
      ]);
      expect(a.transportName).toBe(kind);
      // BEP 6: have-none / have-all go first, from the handshake event.
      a.on('handshake', () => a.haveNone());
      b.on('handshake', () => b.haveAll());
      const [ha, hb] = await Promise.all([nextEvent(a, 'handshake'), nextEvent(b, 'handshake')]);
      expect(Buffer.from(ha.peerId).toString()).toBe(Buffer.from(PEER_ID_B).toString());
      expect(Buffer.from(hb.peerId).toString()).toBe(Buffer.from(PEER_ID_A).toString());
      await until(() => a.peerBitfield.isFull());
      b.unchoke();
      await nextEvent(a, 'unchoke');
      a.interested();
      a.request(3, 0, 16384);
      const req = await nextEvent(b, 'request');
      const data = new Uint8Array(16384).map((_, k) => (k * 31) & 0xff);
      b.sendPiece(req.index, req.begin, data);
      const block = await nextEvent(a, 'block');
      expect(Buffer.from(block.data).equals(Buffer.from(data))).toBe(true);
    });
  }

  it('shows no E flag when plaintext was selected after the MSE handshake', async () => {
    const { a, b } = await connect('memory', 'prefer', 'prefer');
    expect(a.encrypted).toBe(true);
    b.close('shutdown');
    const plain = await connect('tcp', 'disable', 'prefer');
    expect(plain.a.encrypted).toBe(false);
    expect(plain.b.encrypted).toBe(false);
    await Promise.all([nextEvent(plain.a, 'handshake'), nextEvent(plain.b, 'handshake')]);
  });

  it('rejects with an MseError and destroys the raw transport when the answerer refuses', async () => {
    const [x, y] = MemoryTransport.pair();
    const common = { clock: systemClock, random: systemRandom };
    const results = await Promise.allSettled([
      encryptOutgoing(x, { ...common, policy: 'require', infoHash: TEST_INFO_HASH }),
      encryptIncoming(y, { ...common, policy: 'disable', skeys: new SkeyTable([TEST_INFO_HASH]) }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    const codes = results.map((r) => ((r as PromiseRejectedResult).reason as MseError).code);
    expect(codes).toEqual(['closed', 'encryption-disabled']);
    expect(x.destroyed && y.destroyed).toBe(true);
  });

  it('ends the connection above when the remote closes', async () => {
    const { a, b } = await connect('tcp', 'require', 'require');
    // Both sides read all that was sent (the extended handshakes), so the close is a clean FIN.
    await Promise.all([nextEvent(a, 'extended-handshake'), nextEvent(b, 'extended-handshake')]);
    const closed = nextEvent(a, 'closed');
    b.close('shutdown');
    const { reason, error } = await closed;
    expect(`${reason} ${error?.message ?? ''}`).toBe('remote-closed ');
  });
});
