import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, seededRandom, systemClock, systemRandom } from '../time/clock';
import type { Random } from '../time/clock';
import { MSE_HANDSHAKE_TIMEOUT_MS, MSE_REQ1_SYNC_WINDOW_BYTES } from '../limits';
import { encodeHandshake, reservedFlags } from '../wire/handshake';
import { socketByteStream } from './byte-stream';
import type { ByteStream } from './byte-stream';
import { MseError } from './mse-error';
import type { MseErrorCode } from './mse-error';
import { detectIncoming, negotiateIncoming, negotiateOutgoing } from './mse-handshake';
import type { EncryptionPolicy, NegotiatedStream } from './mse-handshake';
import {
  CRYPTO_PLAINTEXT,
  CRYPTO_RC4,
  MSE_KEY_BYTES,
  MSE_PRIME,
  SkeyTable,
  createMseKeyPair,
  mseCiphers,
  req1Hash,
  req2XorReq3,
} from './mse-keys';
import { StreamReader } from './stream-reader';
import { collect, ended, recut, tappedSocketStream, tcpPair } from './test-streams';
import type { Cut, SocketPair } from './test-streams';

const INFO_HASH = new Uint8Array(20).fill(0xab);
const OTHER_HASH = new Uint8Array(20).fill(0xcd);
const PEER_ID = new TextEncoder().encode('-SW0100-aaaaaaaaaaaa');
const BT_HANDSHAKE = encodeHandshake({
  infoHash: INFO_HASH,
  peerId: PEER_ID,
  reserved: reservedFlags({ fast: true, extended: true }),
});
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

let pairs: SocketPair[] = [];
afterEach(async () => {
  await Promise.all(pairs.map((p) => p.cleanup()));
  pairs = [];
});

async function pair(): Promise<SocketPair> {
  const p = await tcpPair();
  pairs.push(p);
  return p;
}

interface Sides {
  initiator: EncryptionPolicy;
  responder: EncryptionPolicy;
  cut?: Cut;
  random?: Random;
  skeys?: SkeyTable;
  maxCryptoPadBytes?: number;
}

/** Both roles over one loopback TCP connection; settles each side on its own. */
async function handshake(sides: Sides) {
  const p = await pair();
  const random = sides.random ?? systemRandom;
  const a = tappedSocketStream(p.client, sides.cut ?? 'whole');
  const b = tappedSocketStream(p.server, sides.cut ?? 'whole');
  const common = { clock: systemClock, random, maxCryptoPadBytes: sides.maxCryptoPadBytes };
  const [out, inc] = await Promise.allSettled([
    negotiateOutgoing(a, {
      ...common,
      policy: sides.initiator,
      infoHash: INFO_HASH,
      initialPayload: BT_HANDSHAKE,
    }),
    negotiateIncoming(b, {
      ...common,
      policy: sides.responder,
      skeys: sides.skeys ?? new SkeyTable([OTHER_HASH, INFO_HASH]),
    }),
  ]);
  return { out, inc, wireA: a.wire, wireB: b.wire };
}

function value<T>(r: PromiseSettledResult<T>): T {
  if (r.status === 'rejected') throw r.reason;
  return r.value;
}

function mseCode(r: PromiseSettledResult<unknown>): MseErrorCode | undefined {
  if (r.status === 'fulfilled') return undefined;
  expect(r.reason).toBeInstanceOf(MseError);
  return (r.reason as MseError).code;
}

/** The responder reads the initiator's BT handshake first, then both send 100 KiB each way. */
async function exchange(a: NegotiatedStream, b: NegotiatedStream, random: Random): Promise<void> {
  const toB = random.bytes(100_000);
  const toA = random.bytes(100_000);
  const gotB = collect(b.stream, BT_HANDSHAKE.length + toB.length);
  const gotA = collect(a.stream, toA.length);
  a.stream.write(toB);
  b.stream.write(toA);
  const [fromA, fromB] = await Promise.all([gotB, gotA]);
  expect(hex(fromA.subarray(0, BT_HANDSHAKE.length))).toBe(hex(BT_HANDSHAKE));
  expect(hex(fromA.subarray(BT_HANDSHAKE.length))).toBe(hex(toB));
  expect(hex(fromB)).toBe(hex(toA));
}

const contains = (hay: Uint8Array, needle: Uint8Array): boolean =>
  Buffer.from(hay).includes(Buffer.from(needle));

describe('detectIncoming', () => {
  it('tells a plaintext handshake from MSE by the first bytes', () => {
    expect(detectIncoming(BT_HANDSHAKE)).toBe('plaintext');
    expect(detectIncoming(BT_HANDSHAKE.subarray(0, 20))).toBe('plaintext');
    expect(detectIncoming(BT_HANDSHAKE.subarray(0, 5))).toBe('undecided');
    expect(detectIncoming(new Uint8Array(0))).toBe('undecided');
    expect(detectIncoming(Uint8Array.of(0x14))).toBe('encrypted');
    expect(detectIncoming(Uint8Array.of(0x13, 0x42, 0x69, 0x74, 0x00))).toBe('encrypted');
  });
});

describe('MSE handshake over loopback TCP', () => {
  it('connects prefer to prefer with RC4, delivering IA first and payload intact both ways', async () => {
    const { out, inc, wireA, wireB } = await handshake({
      initiator: 'prefer',
      responder: 'prefer',
    });
    const a = value(out);
    const b = value(inc);
    expect([a.method, a.mse, b.method, b.mse]).toEqual(['rc4', true, 'rc4', true]);
    expect(hex(b.infoHash!)).toBe(hex(INFO_HASH));
    await exchange(a, b, seededRandom(1));
    // Nothing readable on the wire: not the protocol string, not the info-hash.
    const pstr = new TextEncoder().encode('BitTorrent protocol');
    expect(contains(wireA(), pstr) || contains(wireA(), INFO_HASH)).toBe(false);
    expect(wireA().length).toBeGreaterThan(100_000);
    expect(contains(wireB(), pstr)).toBe(false);
  });

  const matrix: [EncryptionPolicy, EncryptionPolicy, string][] = [
    ['prefer', 'prefer', 'rc4'],
    ['prefer', 'require', 'rc4'],
    ['require', 'prefer', 'rc4'],
    ['require', 'require', 'rc4'],
    ['disable', 'prefer', 'plaintext'],
    ['disable', 'disable', 'plaintext'],
  ];
  for (const [initiator, responder, method] of matrix) {
    it(`connects ${initiator} to ${responder} with ${method}`, async () => {
      const { out, inc } = await handshake({ initiator, responder });
      const a = value(out);
      const b = value(inc);
      expect([a.method, b.method]).toEqual([method, method]);
      expect([a.mse, b.mse]).toEqual([method === 'rc4', method === 'rc4']);
      await exchange(a, b, seededRandom(2));
    });
  }

  it('refuses prefer and require dialling a disable responder: encryption-disabled, the dialer sees the close', async () => {
    for (const initiator of ['prefer', 'require'] as const) {
      const { out, inc } = await handshake({ initiator, responder: 'disable' });
      expect(mseCode(inc)).toBe('encryption-disabled');
      expect((inc as PromiseRejectedResult).reason.closeReason).toBe('not-wanted');
      expect(mseCode(out)).toBe('closed');
    }
  });

  it('refuses a plaintext dialer at a require responder: plaintext-refused', async () => {
    const { out, inc } = await handshake({ initiator: 'disable', responder: 'require' });
    expect(mseCode(inc)).toBe('plaintext-refused');
    // The plaintext dialer has no handshake of its own to fail; it sees its stream end.
    expect(await ended(value(out).stream)).toBeUndefined();
  });

  it('survives byte-at-a-time delivery on both sides, with the largest pads', async () => {
    const { out, inc } = await handshake({
      initiator: 'prefer',
      responder: 'prefer',
      cut: 'bytes',
      maxCryptoPadBytes: 512,
    });
    await exchange(value(out), value(inc), seededRandom(3));
  });

  it('survives random segmentation of the stream, for several seeds', async () => {
    for (let seed = 10; seed < 16; seed++) {
      const random = seededRandom(seed);
      const { out, inc } = await handshake({
        initiator: 'prefer',
        responder: 'prefer',
        cut: random,
        random,
        maxCryptoPadBytes: 512,
      });
      await exchange(value(out), value(inc), random);
    }
  });

  it('carries an empty IA: the BT handshake then goes in the encrypted payload stream', async () => {
    const p = await pair();
    const common = { clock: systemClock, random: seededRandom(21) };
    const [a, b] = await Promise.all([
      negotiateOutgoing(socketByteStream(p.client), {
        ...common,
        policy: 'require',
        infoHash: INFO_HASH,
      }),
      negotiateIncoming(socketByteStream(p.server), {
        ...common,
        policy: 'require',
        skeys: new SkeyTable([INFO_HASH]),
      }),
    ]);
    const got = collect(b.stream, BT_HANDSHAKE.length);
    a.stream.write(BT_HANDSHAKE);
    expect(hex(await got)).toBe(hex(BT_HANDSHAKE));
    expect([a.method, b.method]).toEqual(['rc4', 'rc4']);
  });

  it('refuses an info-hash the responder does not have: unknown-info-hash', async () => {
    const { out, inc } = await handshake({
      initiator: 'prefer',
      responder: 'prefer',
      skeys: new SkeyTable([OTHER_HASH]),
    });
    expect(mseCode(inc)).toBe('unknown-info-hash');
    expect((inc as PromiseRejectedResult).reason.closeReason).toBe('info-hash-mismatch');
    expect(mseCode(out)).toBe('closed');
  });
});

/** A raw peer: our socket's end as a StreamReader, for hand-made handshakes. */
async function rawPeer() {
  const p = await pair();
  const raw = socketByteStream(p.client);
  const reader = new StreamReader(raw, 1 << 20);
  const ours = socketByteStream(p.server);
  return { raw, reader, ours, p };
}

const incomingOpts = (policy: EncryptionPolicy = 'prefer') => ({
  clock: systemClock,
  random: systemRandom,
  policy,
  skeys: new SkeyTable([INFO_HASH]),
});

interface Step3 {
  vc?: Uint8Array;
  provide?: number;
  padCLength?: number;
  ya?: Uint8Array;
}

/** A hand-made initiator that sends step 1 and 3 as told; returns its ciphers and the reader. */
async function scriptedInitiator(raw: ByteStream, reader: StreamReader, s: Step3) {
  const keys = createMseKeyPair(systemRandom);
  raw.write(s.ya ?? keys.publicKey);
  const yb = await reader.readExact(MSE_KEY_BYTES);
  const secret = keys.secret(yb);
  const c = mseCiphers(secret, INFO_HASH);
  const padC = new Uint8Array(s.padCLength ?? 0);
  const body = Buffer.concat([
    s.vc ?? new Uint8Array(8),
    Uint8Array.of(0, 0, 0, s.provide ?? CRYPTO_RC4),
    Uint8Array.of(padC.length >> 8, padC.length & 0xff),
    padC,
    Uint8Array.of(0, BT_HANDSHAKE.length),
    BT_HANDSHAKE,
  ]);
  raw.write(
    Buffer.concat([req1Hash(secret), req2XorReq3(INFO_HASH, secret), c.keyA.process(body)]),
  );
  return c;
}

async function incomingFails(s: Step3, policy: EncryptionPolicy = 'prefer'): Promise<MseError> {
  const { raw, reader, ours } = await rawPeer();
  const result = negotiateIncoming(ours, incomingOpts(policy));
  void scriptedInitiator(raw, reader, s).catch(() => undefined);
  const e = await result.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(MseError);
  return e as MseError;
}

describe('MSE responder against bad input', () => {
  it('closes on a wrong VC: bad-vc', async () => {
    expect((await incomingFails({ vc: Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 1) })).code).toBe(
      'bad-vc',
    );
  });

  it('closes on a PadC longer than 512: bad-pad-length', async () => {
    expect((await incomingFails({ padCLength: 513 })).code).toBe('bad-pad-length');
  });

  it('closes on a public key of P-1: bad-public-key', async () => {
    const pMinusOne = Uint8Array.from(MSE_PRIME);
    pMinusOne[95]! -= 1;
    expect((await incomingFails({ ya: pMinusOne })).code).toBe('bad-public-key');
  });

  it('selects plaintext for a plaintext-only provide under prefer, refuses it under require', async () => {
    expect((await incomingFails({ provide: CRYPTO_PLAINTEXT }, 'require')).code).toBe(
      'no-common-method',
    );

    const { raw, reader, ours } = await rawPeer();
    const result = negotiateIncoming(ours, incomingOpts('prefer'));
    const c = await scriptedInitiator(raw, reader, { provide: CRYPTO_PLAINTEXT });
    const b = await result;
    expect([b.method, b.mse]).toEqual(['plaintext', true]);
    // Step 4 still comes under RC4, after PadB: VC, crypto_select = plaintext, len(PadD).
    const vc = c.keyB.process(new Uint8Array(8));
    await reader.skipPast(vc, 520, () => new MseError('no-vc-sync', 'test', 'no VC'));
    const step4 = c.keyB.process(await reader.readExact(6));
    expect(hex(step4)).toBe(hex(Uint8Array.of(0, 0, 0, CRYPTO_PLAINTEXT, 0, 0)));
    // After it, both ways are plain: IA (sent encrypted in step 3) comes out as the handshake.
    const got = collect(b.stream, BT_HANDSHAKE.length + 5);
    raw.write(new TextEncoder().encode('hello'));
    const bytes = await got;
    expect(hex(bytes.subarray(0, BT_HANDSHAKE.length))).toBe(hex(BT_HANDSHAKE));
    expect(new TextDecoder().decode(bytes.subarray(BT_HANDSHAKE.length))).toBe('hello');
    b.stream.write(new TextEncoder().encode('world'));
    expect(new TextDecoder().decode(await reader.readExact(5))).toBe('world');
  });

  it('closes on garbage after the DH key: no-req1-sync once the window is past', async () => {
    const { raw, ours } = await rawPeer();
    const result = negotiateIncoming(ours, incomingOpts());
    raw.write(seededRandom(5).bytes(MSE_KEY_BYTES + MSE_REQ1_SYNC_WINDOW_BYTES + 10));
    const e = await result.then(
      () => null,
      (x: unknown) => x,
    );
    expect((e as MseError).code).toBe('no-req1-sync');
    await ended(raw); // rejects unless our side closed the socket
  });

  it('closes on a stream that ends within Ya: closed', async () => {
    const { raw, ours } = await rawPeer();
    const result = negotiateIncoming(ours, incomingOpts());
    raw.write(seededRandom(6).bytes(50));
    raw.close();
    const e = await result.then(
      () => null,
      (x: unknown) => x,
    );
    expect((e as MseError).code).toBe('closed');
    expect((e as MseError).closeReason).toBe('remote-closed');
  });

  it('closes a handshake that never finishes: timeout on the injected clock', async () => {
    const { raw, ours } = await rawPeer();
    const clock = new ManualClock();
    const result = negotiateIncoming(ours, { ...incomingOpts(), clock });
    raw.write(seededRandom(7).bytes(MSE_KEY_BYTES + 30));
    clock.advance(MSE_HANDSHAKE_TIMEOUT_MS - 1);
    await new Promise((r) => setImmediate(r));
    clock.advance(1);
    const e = await result.then(
      () => null,
      (x: unknown) => x,
    );
    expect((e as MseError).code).toBe('timeout');
    expect(clock.pending).toBe(0);
    await ended(raw); // rejects unless our side closed the socket
  });
});

/** A hand-made responder: reads Ya and step 3 loosely, answers with the given step 4. */
async function outgoingFails(
  step4: (c: ReturnType<typeof mseCiphers>) => Uint8Array | null,
  yb?: Uint8Array,
): Promise<MseError> {
  const p = await pair();
  const raw = socketByteStream(p.server);
  const reader = new StreamReader(raw, 1 << 20);
  const ours = recut(socketByteStream(p.client), 'whole');
  const result = negotiateOutgoing(ours, {
    clock: systemClock,
    random: systemRandom,
    policy: 'prefer',
    infoHash: INFO_HASH,
    initialPayload: BT_HANDSHAKE,
  });
  const keys = createMseKeyPair(systemRandom);
  const ya = await reader.readExact(MSE_KEY_BYTES);
  raw.write(yb ?? keys.publicKey);
  if (!yb) {
    const secret = keys.secret(ya);
    await reader.skipPast(
      req1Hash(secret),
      600,
      () => new MseError('no-req1-sync', 'test', 'test'),
    );
    const c = mseCiphers(secret, INFO_HASH);
    const answer = step4(c);
    if (answer) raw.write(answer);
    else raw.close();
  }
  const e = await result.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(MseError);
  return e as MseError;
}

describe('MSE initiator against bad input', () => {
  it('closes on a crypto_select it did not provide: bad-crypto-select', async () => {
    for (const select of [0x04, CRYPTO_RC4 | CRYPTO_PLAINTEXT, 0]) {
      const e = await outgoingFails((c) =>
        c.keyB.process(Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, select, 0, 0)),
      );
      expect(e.code).toBe('bad-crypto-select');
    }
  });

  it('closes on a PadD longer than 512: bad-pad-length', async () => {
    const e = await outgoingFails((c) =>
      c.keyB.process(Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, CRYPTO_RC4, 0x02, 0x01)),
    );
    expect(e.code).toBe('bad-pad-length');
  });

  it('closes on garbage instead of step 4: no-vc-sync', async () => {
    const e = await outgoingFails(() => seededRandom(8).bytes(700));
    expect(e.code).toBe('no-vc-sync');
  });

  it('closes on a stream that ends before step 4: closed', async () => {
    const e = await outgoingFails(() => null);
    expect(e.code).toBe('closed');
  });

  it('closes on a public key of zero: bad-public-key', async () => {
    const e = await outgoingFails(() => null, new Uint8Array(MSE_KEY_BYTES));
    expect(e.code).toBe('bad-public-key');
  });
});
