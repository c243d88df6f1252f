/**
 * The pure arithmetic of MSE/PE: the Diffie-Hellman group, the key pair, the shared secret and
 * the hashes and RC4 keys derived from it. No I/O; the handshake composes these.
 *
 * MSE: "HASH() is SHA1 binary output (20 bytes)", "DH: prime P (768 bit), generator G = 2",
 * "Xa and Xb are a variable size random integers ... at least 128 bit" (clients use 160), and
 * Y, S are sent and hashed as 96-byte big-endian numbers.
 */
import { createDiffieHellman, createHash } from 'node:crypto';
import type { Random } from '../time/clock';
import { createMseRc4 } from './rc4';
import type { Rc4 } from './rc4';

/** MSE: the 768-bit prime P (the Oakley group 1 prime of RFC 2409). */
export const MSE_PRIME = Uint8Array.from(
  Buffer.from(
    'FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E34' +
      '04DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A63A362100000000' +
      '00090563',
    'hex',
  ),
);
/** MSE: generator G = 2. */
export const MSE_GENERATOR = 2;
/** MSE: public keys and the shared secret are sent and hashed as 96 bytes. */
export const MSE_KEY_BYTES = 96;
/** MSE clients (libtorrent, Transmission) use 160-bit private keys. */
export const MSE_PRIVATE_KEY_BYTES = 20;
/** MSE: the verification constant, 8 zero bytes. */
export const MSE_VC = new Uint8Array(8);
/** MSE crypto_provide / crypto_select bits. */
export const CRYPTO_PLAINTEXT = 0x01;
export const CRYPTO_RC4 = 0x02;

export interface MseKeyPair {
  /** Our public key Y, 96 bytes. */
  publicKey: Uint8Array;
  /** S from the other side's public key, 96 bytes. Throws on a key outside 2..P-2. */
  secret(otherPublicKey: Uint8Array): Uint8Array;
}

/** Left-pads a big-endian number to `bytes`. */
function padTo(bytes: number, value: Uint8Array): Uint8Array {
  if (value.length === bytes) return Uint8Array.from(value);
  const out = new Uint8Array(bytes);
  out.set(value.subarray(Math.max(0, value.length - bytes)), Math.max(0, bytes - value.length));
  return out;
}

/** Big-endian compare of two equal-length numbers. */
function compare(a: Uint8Array, b: Uint8Array): number {
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return a[k]! - b[k]!;
  return 0;
}

const PRIME_MINUS_ONE = (() => {
  const p = Uint8Array.from(MSE_PRIME);
  p[p.length - 1]! -= 1; // P ends in 0x63: no borrow.
  return p;
})();

/**
 * True for a public key in 2..P-2. Y = 0, 1 or P-1 would force S into {0, 1, P-1}, which an
 * attacker in the middle could predict; OpenSSL refuses 0 and 1 but not P-1 or anything above P.
 */
export function isValidPublicKey(y: Uint8Array): boolean {
  if (y.length !== MSE_KEY_BYTES) return false;
  if (compare(y, PRIME_MINUS_ONE) >= 0) return false;
  for (let k = 0; k < y.length - 1; k++) if (y[k] !== 0) return true;
  return y[y.length - 1]! > 1;
}

export function createMseKeyPair(random: Random): MseKeyPair {
  const dh = createDiffieHellman(MSE_PRIME, MSE_GENERATOR);
  dh.setPrivateKey(Buffer.from(random.bytes(MSE_PRIVATE_KEY_BYTES)));
  const publicKey = padTo(MSE_KEY_BYTES, dh.generateKeys());
  return {
    publicKey,
    secret(other) {
      if (!isValidPublicKey(other)) throw new RangeError('MSE public key outside 2..P-2');
      return padTo(MSE_KEY_BYTES, dh.computeSecret(other));
    },
  };
}

/** HASH(parts...), SHA-1 over the concatenation. */
export function mseHash(...parts: (string | Uint8Array)[]): Uint8Array {
  const h = createHash('sha1');
  for (const part of parts) h.update(typeof part === 'string' ? Buffer.from(part, 'latin1') : part);
  return Uint8Array.from(h.digest());
}

/** MSE: HASH('req1', S), sent by the initiator and searched for by the responder. */
export function req1Hash(secret: Uint8Array): Uint8Array {
  return mseHash('req1', secret);
}

/** MSE: HASH('req2', SKEY); the responder keeps one per torrent to find which one is asked for. */
export function req2Hash(skey: Uint8Array): Uint8Array {
  return mseHash('req2', skey);
}

/** MSE: HASH('req2', SKEY) xor HASH('req3', S). */
export function req2XorReq3(skey: Uint8Array, secret: Uint8Array): Uint8Array {
  return xor(req2Hash(skey), mseHash('req3', secret));
}

/** The responder's inverse: HASH('req2', SKEY) from the received value and S. */
export function req2FromXor(received: Uint8Array, secret: Uint8Array): Uint8Array {
  return xor(received, mseHash('req3', secret));
}

export function xor(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length);
  for (let k = 0; k < a.length; k++) out[k] = a[k]! ^ b[k]!;
  return out;
}

export interface MseCiphers {
  /** RC4 keyed with HASH('keyA', S, SKEY): the initiator encrypts with it. */
  keyA: Rc4;
  /** RC4 keyed with HASH('keyB', S, SKEY): the responder encrypts with it. */
  keyB: Rc4;
}

/** Both RC4-drop-1024 streams of one connection. */
export function mseCiphers(secret: Uint8Array, skey: Uint8Array): MseCiphers {
  return {
    keyA: createMseRc4(mseHash('keyA', secret, skey)),
    keyB: createMseRc4(mseHash('keyB', secret, skey)),
  };
}

/** Maps HASH('req2', infoHash) to the info-hash, for the responder's lookup. */
export class SkeyTable {
  private readonly byReq2 = new Map<string, Uint8Array>();

  constructor(infoHashes: Iterable<Uint8Array> = []) {
    for (const h of infoHashes) this.add(h);
  }

  add(infoHash: Uint8Array): void {
    this.byReq2.set(Buffer.from(req2Hash(infoHash)).toString('hex'), Uint8Array.from(infoHash));
  }

  delete(infoHash: Uint8Array): void {
    this.byReq2.delete(Buffer.from(req2Hash(infoHash)).toString('hex'));
  }

  /** The info-hash whose HASH('req2', ...) is `req2`, if we have it. */
  lookup(req2: Uint8Array): Uint8Array | undefined {
    return this.byReq2.get(Buffer.from(req2).toString('hex'));
  }
}
