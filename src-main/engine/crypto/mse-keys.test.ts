import { describe, expect, it } from 'vitest';
import { seededRandom } from '../time/clock';
import {
  MSE_KEY_BYTES,
  MSE_PRIME,
  SkeyTable,
  createMseKeyPair,
  isValidPublicKey,
  mseCiphers,
  mseHash,
  req2FromXor,
  req2Hash,
  req2XorReq3,
} from './mse-keys';

const big = (b: Uint8Array): bigint => BigInt('0x' + Buffer.from(b).toString('hex'));

function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let r = 1n;
  for (let b = base % mod, e = exp; e > 0n; e >>= 1n, b = (b * b) % mod)
    if (e & 1n) r = (r * b) % mod;
  return r;
}

describe('MSE keys', () => {
  it('makes Y = 2^X mod P from a 160-bit X, as 96 bytes', () => {
    // The same seed gives the same X, so X can be recomputed here.
    const pair = createMseKeyPair(seededRandom(1));
    const x = big(seededRandom(1).bytes(20));
    expect(pair.publicKey.length).toBe(MSE_KEY_BYTES);
    expect(big(pair.publicKey)).toBe(modPow(2n, x, big(MSE_PRIME)));
  });

  it('gives both sides the same 96-byte secret S = Yb^Xa = Ya^Xb', () => {
    const a = createMseKeyPair(seededRandom(2));
    const b = createMseKeyPair(seededRandom(3));
    const sa = a.secret(b.publicKey);
    expect(sa.length).toBe(MSE_KEY_BYTES);
    expect(Buffer.from(sa).equals(Buffer.from(b.secret(a.publicKey)))).toBe(true);
  });

  it('accepts public keys in 2..P-2 only', () => {
    const p = Uint8Array.from(MSE_PRIME);
    const pMinus = (n: number): Uint8Array => {
      const y = Uint8Array.from(p);
      y[95]! -= n;
      return y;
    };
    const small = (n: number): Uint8Array => {
      const y = new Uint8Array(MSE_KEY_BYTES);
      y[95] = n;
      return y;
    };
    expect([0, 1].map((n) => isValidPublicKey(small(n)))).toEqual([false, false]);
    expect(isValidPublicKey(small(2))).toBe(true);
    expect(isValidPublicKey(pMinus(2))).toBe(true);
    expect(isValidPublicKey(pMinus(1))).toBe(false);
    expect(isValidPublicKey(p)).toBe(false);
    expect(isValidPublicKey(new Uint8Array(MSE_KEY_BYTES).fill(0xff))).toBe(false);
    expect(isValidPublicKey(new Uint8Array(95).fill(7))).toBe(false);
    expect(() => createMseKeyPair(seededRandom(4)).secret(pMinus(1))).toThrow(RangeError);
  });

  it('lets the responder recover HASH(req2, SKEY) and find the torrent', () => {
    const s = seededRandom(5).bytes(MSE_KEY_BYTES);
    const wanted = new Uint8Array(20).fill(1);
    const table = new SkeyTable([new Uint8Array(20).fill(2), wanted]);
    const received = req2XorReq3(wanted, s);
    expect(Buffer.from(req2FromXor(received, s)).equals(Buffer.from(req2Hash(wanted)))).toBe(true);
    expect(Buffer.from(table.lookup(req2FromXor(received, s))!).equals(Buffer.from(wanted))).toBe(
      true,
    );
    table.delete(wanted);
    expect(table.lookup(req2FromXor(received, s))).toBeUndefined();
  });

  it('hashes the concatenation with SHA-1 and keys RC4 with keyA and keyB', () => {
    expect(Buffer.from(mseHash('abc')).toString('hex')).toBe(
      'a9993e364706816aba3e25717850c26c9cd0d89d',
    );
    const s = seededRandom(6).bytes(MSE_KEY_BYTES);
    const skey = new Uint8Array(20).fill(9);
    const one = mseCiphers(s, skey);
    const two = mseCiphers(s, skey);
    const plain = new Uint8Array(32);
    const a = one.keyA.process(plain);
    expect(Buffer.from(two.keyA.process(plain)).equals(Buffer.from(a))).toBe(true);
    expect(Buffer.from(one.keyB.process(plain)).equals(Buffer.from(a))).toBe(false);
  });
});
