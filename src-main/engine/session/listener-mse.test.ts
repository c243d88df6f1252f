/**
 * The listener's MSE/PE side (issue 18) on loopback: plaintext or MSE told by the first bytes, the
 * policies, and bad input. Each bad handshake closes that connection with its CloseReason in the
 * log, and a good MSE connection made right after is still accepted (the listener goes on).
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, seededRandom, systemClock, systemRandom } from '../time/clock';
import { MemoryLogger } from '../log/logger';
import { HANDSHAKE_TIMEOUT_MS, MSE_HANDSHAKE_TIMEOUT_MS, MSE_MAX_PAD_BYTES } from '../limits';
import { encodeHandshake, reservedFlags } from '../wire/handshake';
import { socketByteStream } from '../crypto/byte-stream';
import type { ByteStream } from '../crypto/byte-stream';
import { negotiateOutgoing } from '../crypto/mse-handshake';
import type { EncryptionPolicy } from '../crypto/mse-handshake';
import {
  CRYPTO_RC4,
  MSE_KEY_BYTES,
  SkeyTable,
  createMseKeyPair,
  mseCiphers,
  req1Hash,
  req2XorReq3,
} from '../crypto/mse-keys';
import { StreamReader } from '../crypto/stream-reader';
import type { PeerTransport } from '../peer/transport';
import { waitFor } from '../../testing/fixtures';
import { Listener } from './listener';

const INFO_HASH = new Uint8Array(20).fill(0x5a);
const BT_HANDSHAKE = encodeHandshake({
  infoHash: INFO_HASH,
  peerId: new TextEncoder().encode('-SW0100-listenermse0'),
  reserved: reservedFlags({ fast: true, extended: true }),
});

const sockets: net.Socket[] = [];
const transports: PeerTransport[] = [];
let listener: Listener | null = null;

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  for (const t of transports.splice(0)) t.destroy();
  await listener?.close();
  listener = null;
});

interface Started {
  l: Listener;
  logger: MemoryLogger;
  clock: ManualClock;
  accepted: { infoHash: Uint8Array; encrypted: boolean }[];
  plain: number;
}

async function start(policy: EncryptionPolicy = 'prefer'): Promise<Started> {
  const logger = new MemoryLogger('debug');
  const clock = new ManualClock();
  const s: Started = { l: null as unknown as Listener, logger, clock, accepted: [], plain: 0 };
  s.l = new Listener({
    clock,
    logger,
    host: '127.0.0.1',
    accept: (socket) => {
      sockets.push(socket);
      s.plain++;
      return true;
    },
    encryption: () => policy,
    skeys: new SkeyTable([INFO_HASH]),
    random: systemRandom,
    acceptEncrypted: (transport, infoHash) => {
      transports.push(transport);
      s.accepted.push({ infoHash, encrypted: transport.encrypted });
      return true;
    },
  });
  listener = s.l;
  await s.l.listen(0);
  return s;
}

async function connect(l: Listener): Promise<{ socket: net.Socket; stream: ByteStream }> {
  const socket = net.connect(l.port as number, '127.0.0.1');
  socket.on('error', () => undefined);
  sockets.push(socket);
  await new Promise((r) => socket.once('connect', r));
  return { socket, stream: socketByteStream(socket) };
}

function closed(socket: net.Socket): Promise<void> {
  return new Promise((r) => (socket.destroyed ? r() : socket.once('close', () => r())));
}

/** A good MSE dial: the listener must still take it. */
async function goodDialAccepted(s: Started): Promise<void> {
  const before = s.accepted.length;
  const { stream } = await connect(s.l);
  const negotiated = await negotiateOutgoing(stream, {
    clock: systemClock,
    random: systemRandom,
    policy: 'require',
    infoHash: INFO_HASH,
    initialPayload: BT_HANDSHAKE,
  });
  expect(negotiated.method).toBe('rc4');
  await waitFor(() => s.accepted.length === before + 1, 'the good dial to be taken', 5_000);
  expect(s.accepted.at(-1)!.encrypted).toBe(true);
  expect(s.l.pendingCount).toBe(0);
}

interface Step3 {
  vc?: Uint8Array;
  padCLength?: number;
}

/** A hand-made initiator: Ya, then (after Yb) the hashes and step 3 as told. */
async function scripted(s: Started, step3: Step3): Promise<net.Socket> {
  const { socket, stream } = await connect(s.l);
  const reader = new StreamReader(stream, 1 << 20);
  const keys = createMseKeyPair(systemRandom);
  stream.write(keys.publicKey);
  const secret = keys.secret(await reader.readExact(MSE_KEY_BYTES));
  const { keyA } = mseCiphers(secret, INFO_HASH);
  const padC = new Uint8Array(step3.padCLength ?? 0);
  const body = Buffer.concat([
    step3.vc ?? new Uint8Array(8),
    Uint8Array.of(0, 0, 0, CRYPTO_RC4, padC.length >> 8, padC.length & 0xff),
    padC,
    Uint8Array.of(0, BT_HANDSHAKE.length),
    BT_HANDSHAKE,
  ]);
  stream.write(
    Buffer.concat([req1Hash(secret), req2XorReq3(INFO_HASH, secret), keyA.process(body)]),
  );
  return socket;
}

function logged(s: Started, text: string): boolean {
  return s.logger.lines.some((l) => l.includes(text));
}

describe('Listener: MSE/PE', () => {
  it('takes MSE as a transport named by its SKEY, plaintext as before (prefer)', async () => {
    const s = await start('prefer');
    await goodDialAccepted(s);
    expect(s.accepted[0]!.infoHash).toEqual(INFO_HASH);
    const { socket } = await connect(s.l);
    socket.write(BT_HANDSHAKE);
    await waitFor(() => s.plain === 1, 'the plaintext handshake to be taken', 5_000);
  });

  it('require refuses a plaintext handshake, logged with its reason, and goes on', async () => {
    const s = await start('require');
    const { socket } = await connect(s.l);
    socket.write(BT_HANDSHAKE);
    await closed(socket);
    expect(s.plain).toBe(0);
    expect(logged(s, 'closed: not-wanted (MSE plaintext-refused')).toBe(true);
    await goodDialAccepted(s);
  });

  it('disable refuses an MSE handshake, logged with its reason', async () => {
    const s = await start('disable');
    const { socket, stream } = await connect(s.l);
    stream.write(createMseKeyPair(systemRandom).publicKey);
    await closed(socket);
    expect(logged(s, 'closed: not-wanted (MSE encryption-disabled')).toBe(true);
    expect(s.accepted).toEqual([]);
  });

  it(`closes a handshake that never finishes after MSE_HANDSHAKE_TIMEOUT_MS (${MSE_HANDSHAKE_TIMEOUT_MS} ms)`, async () => {
    const s = await start();
    const { socket, stream } = await connect(s.l);
    const reader = new StreamReader(stream, 1 << 20);
    stream.write(createMseKeyPair(systemRandom).publicKey);
    await reader.readExact(MSE_KEY_BYTES); // Yb: the handshake is under way, then we stall.
    s.clock.advance(MSE_HANDSHAKE_TIMEOUT_MS - 1);
    expect(socket.destroyed).toBe(false);
    s.clock.advance(1);
    await closed(socket);
    await waitFor(() => logged(s, 'closed: timeout (MSE timeout'), 'the timeout logged', 5_000);
    expect(s.l.pendingCount).toBe(0);
    await goodDialAccepted(s);
  });

  it('closes on garbage after the DH key: no req1 within 512 pad bytes + 20', async () => {
    const s = await start();
    const { socket, stream } = await connect(s.l);
    stream.write(
      Buffer.concat([createMseKeyPair(systemRandom).publicKey, seededRandom(3).bytes(700)]),
    );
    await closed(socket);
    await waitFor(
      () => logged(s, 'closed: protocol-error (MSE no-req1-sync'),
      'no-req1-sync logged',
      5_000,
    );
    await goodDialAccepted(s);
  });

  it('closes on a wrong VC', async () => {
    const s = await start();
    const socket = await scripted(s, { vc: Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 1) });
    await closed(socket);
    await waitFor(() => logged(s, 'closed: protocol-error (MSE bad-vc'), 'bad-vc logged', 5_000);
    expect(s.accepted).toEqual([]);
    await goodDialAccepted(s);
  });

  it('closes on a PadC over the limit', async () => {
    const s = await start();
    const socket = await scripted(s, { padCLength: MSE_MAX_PAD_BYTES + 1 });
    await closed(socket);
    await waitFor(
      () => logged(s, 'closed: protocol-error (MSE bad-pad-length'),
      'bad-pad-length logged',
      5_000,
    );
    await goodDialAccepted(s);
  });

  it('closes an MSE handshake for a torrent we do not have', async () => {
    const s = await start();
    const { socket, stream } = await connect(s.l);
    void negotiateOutgoing(stream, {
      clock: systemClock,
      random: systemRandom,
      policy: 'require',
      infoHash: new Uint8Array(20).fill(1),
    }).catch(() => undefined);
    await closed(socket);
    await waitFor(
      () => logged(s, 'closed: info-hash-mismatch (MSE unknown-info-hash'),
      'unknown-info-hash logged',
      5_000,
    );
    await goodDialAccepted(s);
  });

  it('gives a trickled plaintext handshake one deadline from accept, the sniff included', async () => {
    const s = await start('prefer');
    const { socket } = await connect(s.l);
    socket.write(BT_HANDSHAKE.subarray(0, 1)); // 0x13: plaintext or MSE is not decided yet
    await new Promise((r) => setTimeout(r, 50));
    s.clock.advance(HANDSHAKE_TIMEOUT_MS / 2);
    socket.write(BT_HANDSHAKE.subarray(1, 30)); // decided: plaintext; the rest never comes
    await new Promise((r) => setTimeout(r, 50));
    s.clock.advance(HANDSHAKE_TIMEOUT_MS / 2 - 1);
    await new Promise((r) => setTimeout(r, 50));
    expect(socket.destroyed).toBe(false);
    s.clock.advance(1);
    await waitFor(() => socket.destroyed, 'the deadline to close it', 3_000);
    await waitFor(() => logged(s, 'closed: timeout'), 'the timeout logged', 5_000);
    expect(s.plain).toBe(0);
  });
});
