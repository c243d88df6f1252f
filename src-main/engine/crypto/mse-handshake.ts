/**
 * The MSE/PE handshake (Message Stream Encryption, as libtorrent, Transmission and qBittorrent
 * speak it), in both roles, over any ByteStream:
 *
 *   1 A->B: Ya, PadA
 *   2 B->A: Yb, PadB
 *   3 A->B: HASH('req1', S), HASH('req2', SKEY) xor HASH('req3', S),
 *           ENCRYPT(VC, crypto_provide, len(PadC), PadC, len(IA)), ENCRYPT(IA)
 *   4 B->A: ENCRYPT(VC, crypto_select, len(PadD), PadD), ENCRYPT2(payload)
 *   5 A->B: ENCRYPT2(payload)
 *
 * ENCRYPT is RC4-drop-1024 keyed with HASH('keyA', S, SKEY) from A and HASH('keyB', S, SKEY) from
 * B; ENCRYPT2 is the same stream continued (RC4) or nothing (plaintext), as crypto_select says.
 * SKEY is the info-hash. A finds step 4 by searching for ENCRYPT(VC) after Yb, B finds step 3
 * by searching for HASH('req1', S) after Ya: the pads have no length field.
 *
 * Invariants:
 * - Every read is bounded (pads, sync windows, the buffer) and the whole handshake is timed on
 *   the injected clock; every failure closes the stream and rejects with an `MseError`.
 * - On success the caller gets a ByteStream of plain BitTorrent bytes, starting with whatever
 *   arrived after the handshake (for the responder: the initiator's IA first).
 */
import type { Clock, Random } from '../time/clock';
import {
  MSE_HANDSHAKE_TIMEOUT_MS,
  MSE_MAX_HANDSHAKE_BUFFER_BYTES,
  MSE_MAX_INITIAL_PAYLOAD_BYTES,
  MSE_MAX_PAD_BYTES,
  MSE_REQ1_SYNC_WINDOW_BYTES,
  MSE_VC_SYNC_WINDOW_BYTES,
} from '../limits';
import type { ByteStream } from './byte-stream';
import { CipherStream } from './cipher-stream';
import { MseError } from './mse-error';
import {
  CRYPTO_PLAINTEXT,
  CRYPTO_RC4,
  MSE_KEY_BYTES,
  MSE_VC,
  createMseKeyPair,
  mseCiphers,
  req1Hash,
  req2FromXor,
  req2XorReq3,
} from './mse-keys';
import type { MseKeyPair, SkeyTable } from './mse-keys';
import { StreamReader } from './stream-reader';

/**
 * `prefer`: offer RC4 and plaintext, select RC4 when offered. `require`: RC4 only.
 * `disable`: plaintext only, and an incoming MSE handshake is refused.
 */
export type EncryptionPolicy = 'prefer' | 'require' | 'disable';

export interface MseCommonOptions {
  clock: Clock;
  random: Random;
  /** Defaults to MSE_HANDSHAKE_TIMEOUT_MS. */
  timeoutMs?: number;
  /** Longest PadA/PadB we send (random length up to it); defaults to 512, the spec's maximum. */
  maxDhPadBytes?: number;
  /**
   * Longest PadC/PadD we send; defaults to 0, as libtorrent and Transmission send: the spec
   * reserves them for extensions, and some old clients mishandle them.
   */
  maxCryptoPadBytes?: number;
}

export interface OutgoingOptions extends MseCommonOptions {
  policy: EncryptionPolicy;
  /** The torrent we dial for: MSE's SKEY. */
  infoHash: Uint8Array;
  /** Sent first on the negotiated stream (as MSE's IA when encrypting): the BT handshake. */
  initialPayload?: Uint8Array;
}

export interface IncomingOptions extends MseCommonOptions {
  policy: EncryptionPolicy;
  /** Our torrents, by HASH('req2', info-hash). */
  skeys: SkeyTable;
}

export interface NegotiatedStream {
  /** Plain BitTorrent bytes both ways. */
  stream: ByteStream;
  /** How the bytes travel on the wire: the Peers tab's E flag is `method === 'rc4'`. */
  method: 'rc4' | 'plaintext';
  /** True when an MSE handshake was made (it may still have selected plaintext). */
  mse: boolean;
  /** Responder after MSE: the torrent the initiator asked for (its SKEY). */
  infoHash?: Uint8Array;
}

/** BEP 3: a plaintext handshake starts with 19 and "BitTorrent protocol". */
const PLAINTEXT_PREFIX = Uint8Array.from(Buffer.from('\x13BitTorrent protocol', 'latin1'));

/**
 * Tells a plaintext BitTorrent handshake from an MSE one by the first bytes of an incoming
 * stream: 'undecided' while they are a proper prefix of "\x13BitTorrent protocol".
 */
export function detectIncoming(firstBytes: Uint8Array): 'plaintext' | 'encrypted' | 'undecided' {
  const n = Math.min(firstBytes.length, PLAINTEXT_PREFIX.length);
  for (let k = 0; k < n; k++) if (firstBytes[k] !== PLAINTEXT_PREFIX[k]) return 'encrypted';
  return n === PLAINTEXT_PREFIX.length ? 'plaintext' : 'undecided';
}

/** Dials: MSE unless the policy is `disable`, then the initial payload, sent first. */
export function negotiateOutgoing(
  stream: ByteStream,
  opts: OutgoingOptions,
): Promise<NegotiatedStream> {
  const payload = opts.initialPayload ?? new Uint8Array(0);
  if (payload.length > MSE_MAX_INITIAL_PAYLOAD_BYTES) {
    throw new RangeError(`an initial payload over ${MSE_MAX_INITIAL_PAYLOAD_BYTES} bytes`);
  }
  if (opts.policy === 'disable') {
    const plain = new CipherStream(stream, null, null, new Uint8Array(0));
    if (payload.length > 0) plain.write(payload);
    return Promise.resolve({ stream: plain, method: 'plaintext', mse: false });
  }
  return guarded(stream, opts, (reader) => initiate(stream, reader, opts, payload));
}

/** Accepts: plaintext or MSE by the first bytes, as the policy allows. */
export function negotiateIncoming(
  stream: ByteStream,
  opts: IncomingOptions,
): Promise<NegotiatedStream> {
  return guarded(stream, opts, async (reader) => {
    let kind = detectIncoming(await reader.peek(1));
    if (kind === 'undecided') kind = detectIncoming(await reader.peek(PLAINTEXT_PREFIX.length));
    if (kind === 'plaintext') {
      if (opts.policy === 'require') {
        throw new MseError(
          'plaintext-refused',
          'detect',
          'a plaintext handshake; policy is require',
        );
      }
      return {
        stream: new CipherStream(stream, null, null, reader.detach()),
        method: 'plaintext',
        mse: false,
      };
    }
    if (opts.policy === 'disable') {
      throw new MseError('encryption-disabled', 'detect', 'an MSE handshake; policy is disable');
    }
    return respond(stream, reader, opts);
  });
}

/** Runs `body` with a reader and the timeout; on any failure closes the stream. */
async function guarded(
  stream: ByteStream,
  opts: MseCommonOptions,
  body: (reader: StreamReader) => Promise<NegotiatedStream>,
): Promise<NegotiatedStream> {
  const reader = new StreamReader(stream, MSE_MAX_HANDSHAKE_BUFFER_BYTES);
  const timeoutMs = opts.timeoutMs ?? MSE_HANDSHAKE_TIMEOUT_MS;
  const timer = opts.clock.setTimeout(
    () =>
      reader.fail(new MseError('timeout', 'handshake', `no MSE handshake within ${timeoutMs} ms`)),
    timeoutMs,
  );
  try {
    return await body(reader);
  } catch (e) {
    reader.detach();
    stream.close();
    throw e;
  } finally {
    timer.cancel();
  }
}

async function initiate(
  stream: ByteStream,
  reader: StreamReader,
  opts: OutgoingOptions,
  payload: Uint8Array,
): Promise<NegotiatedStream> {
  const keys = createMseKeyPair(opts.random);
  stream.write(concat(keys.publicKey, pad(opts.random, opts.maxDhPadBytes ?? MSE_MAX_PAD_BYTES)));

  const yb = await reader.readExact(MSE_KEY_BYTES);
  const secret = sharedSecret(keys, yb, 'read-yb');
  const { keyA, keyB } = mseCiphers(secret, opts.infoHash);
  const provide = opts.policy === 'require' ? CRYPTO_RC4 : CRYPTO_RC4 | CRYPTO_PLAINTEXT;
  const padC = pad(opts.random, opts.maxCryptoPadBytes ?? 0);
  const sealed = keyA.process(
    concat(MSE_VC, u32(provide), u16(padC.length), padC, u16(payload.length), payload),
  );
  stream.write(concat(req1Hash(secret), req2XorReq3(opts.infoHash, secret), sealed));

  // B's step 4 starts with ENCRYPT(VC): the first 8 bytes of its keystream, after PadB.
  const vcSealed = keyB.process(MSE_VC);
  await reader.skipPast(
    vcSealed,
    MSE_VC_SYNC_WINDOW_BYTES,
    () =>
      new MseError(
        'no-vc-sync',
        'sync-vc',
        `no encrypted VC within ${MSE_VC_SYNC_WINDOW_BYTES} bytes after Yb`,
      ),
  );
  const head = keyB.process(await reader.readExact(6));
  const select = readU32(head, 0);
  if ((select !== CRYPTO_RC4 && select !== CRYPTO_PLAINTEXT) || (select & provide) === 0) {
    throw new MseError(
      'bad-crypto-select',
      'read-crypto-select',
      `crypto_select 0x${select.toString(16)} for provide 0x${provide.toString(16)}`,
    );
  }
  const padDLength = readU16(head, 4);
  checkPad(padDLength, 'read-pad-d');
  await reader.readExact(padDLength); // PadD carries nothing; RC4 must still pass over it.
  keyB.skip(padDLength);

  const rc4 = select === CRYPTO_RC4;
  const rest = reader.detach();
  if (rc4) keyB.process(rest, rest);
  return {
    stream: new CipherStream(stream, rc4 ? keyA : null, rc4 ? keyB : null, rest),
    method: rc4 ? 'rc4' : 'plaintext',
    mse: true,
  };
}

async function respond(
  stream: ByteStream,
  reader: StreamReader,
  opts: IncomingOptions,
): Promise<NegotiatedStream> {
  const keys = createMseKeyPair(opts.random);
  const ya = await reader.readExact(MSE_KEY_BYTES);
  const secret = sharedSecret(keys, ya, 'read-ya');
  stream.write(concat(keys.publicKey, pad(opts.random, opts.maxDhPadBytes ?? MSE_MAX_PAD_BYTES)));

  await reader.skipPast(
    req1Hash(secret),
    MSE_REQ1_SYNC_WINDOW_BYTES,
    () =>
      new MseError(
        'no-req1-sync',
        'sync-req1',
        `no req1 hash within ${MSE_REQ1_SYNC_WINDOW_BYTES} bytes after Ya`,
      ),
  );
  const infoHash = opts.skeys.lookup(req2FromXor(await reader.readExact(20), secret));
  if (!infoHash)
    throw new MseError(
      'unknown-info-hash',
      'read-req2',
      'the req2 hash names none of our torrents',
    );
  const { keyA, keyB } = mseCiphers(secret, infoHash);

  const head = keyA.process(await reader.readExact(MSE_VC.length + 6));
  for (let k = 0; k < MSE_VC.length; k++) {
    if (head[k] !== 0)
      throw new MseError('bad-vc', 'read-vc', 'the verification constant is not zero');
  }
  const provide = readU32(head, MSE_VC.length);
  const padCLength = readU16(head, MSE_VC.length + 4);
  checkPad(padCLength, 'read-pad-c');
  await reader.readExact(padCLength);
  keyA.skip(padCLength);
  const iaLength = readU16(keyA.process(await reader.readExact(2)), 0);
  const initialPayload = keyA.process(await reader.readExact(iaLength));

  let select: number;
  if ((provide & CRYPTO_RC4) !== 0) select = CRYPTO_RC4;
  else if ((provide & CRYPTO_PLAINTEXT) !== 0 && opts.policy === 'prefer')
    select = CRYPTO_PLAINTEXT;
  else {
    throw new MseError(
      'no-common-method',
      'select',
      `crypto_provide 0x${provide.toString(16)} with policy ${opts.policy}`,
    );
  }
  const padD = pad(opts.random, opts.maxCryptoPadBytes ?? 0);
  stream.write(keyB.process(concat(MSE_VC, u32(select), u16(padD.length), padD)));

  const rc4 = select === CRYPTO_RC4;
  const rest = reader.detach();
  if (rc4) keyA.process(rest, rest);
  return {
    stream: new CipherStream(
      stream,
      rc4 ? keyB : null,
      rc4 ? keyA : null,
      concat(initialPayload, rest),
    ),
    method: rc4 ? 'rc4' : 'plaintext',
    mse: true,
    infoHash,
  };
}

function sharedSecret(keys: MseKeyPair, other: Uint8Array, operation: string): Uint8Array {
  try {
    return keys.secret(other);
  } catch (e) {
    throw new MseError(
      'bad-public-key',
      operation,
      'a Diffie-Hellman public key outside 2..P-2',
      e,
    );
  }
}

function checkPad(length: number, operation: string): void {
  if (length > MSE_MAX_PAD_BYTES) {
    throw new MseError(
      'bad-pad-length',
      operation,
      `a pad of ${length} bytes (at most ${MSE_MAX_PAD_BYTES})`,
    );
  }
}

function pad(random: Random, maxBytes: number): Uint8Array {
  return random.bytes(random.int(Math.min(maxBytes, MSE_MAX_PAD_BYTES) + 1));
}

function concat(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function u16(v: number): Uint8Array {
  return Uint8Array.of(v >>> 8, v & 0xff);
}

function u32(v: number): Uint8Array {
  return Uint8Array.of(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
}

function readU16(b: Uint8Array, at: number): number {
  return (b[at]! << 8) | b[at + 1]!;
}

function readU32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}
