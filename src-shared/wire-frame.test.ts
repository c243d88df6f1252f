import { describe, expect, it } from 'vitest';
import { ContractError } from './model';
import { decodeFrame, encodeFrame, maxFrameDepth, maxFrameSegments } from './wire-frame';

/** A tiny deterministic generator, so the fuzz run is reproducible. */
function lcg(seed: number): { int(n: number): number; bytes(n: number): Uint8Array } {
  let x = seed >>> 0;
  const int = (n: number): number => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return Math.floor((x / 4294967296) * n);
  };
  return { int, bytes: (n) => Uint8Array.from({ length: n }, () => int(256)) };
}

function expectBad(frame: Uint8Array, fragment: string): void {
  let caught: unknown = null;
  try {
    decodeFrame(frame);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ContractError);
  expect((caught as ContractError).code).toBe('bad-request');
  expect((caught as ContractError).message).toContain(fragment);
}

describe('wire frame', () => {
  it('round-trips typed arrays inside nested payloads', () => {
    const msg = {
      id: 7,
      name: 'torrent.add',
      payload: {
        torrentFile: new Uint8Array([100, 52, 58, 105, 110, 102, 111, 0, 255]),
        pieces: {
          full: {
            states: new Uint8Array([0, 4, 4, 2]),
            availability: new Uint16Array([0, 65535, 3, 1]),
          },
        },
        delta: { indices: new Uint32Array([0, 4_000_000_000]), states: new Uint8Array([1, 5]) },
        history: new Float64Array([1.5, -2, Number.MAX_VALUE]),
        list: [new Uint8Array(0), 'é ünïcødé ☃ 𝄞', null, true, 3.25],
      },
    };
    const out = decodeFrame(encodeFrame(msg));
    expect(out).toEqual(msg);
    const p = (out as typeof msg).payload;
    expect(p.pieces.full.availability).toBeInstanceOf(Uint16Array);
    expect(p.delta.indices).toBeInstanceOf(Uint32Array);
    expect(p.history).toBeInstanceOf(Float64Array);
  });

  it('decodes from an unaligned view of a larger buffer', () => {
    const frame = encodeFrame({ a: new Uint32Array([1, 2, 3]), b: new Uint16Array([9]) });
    const big = new Uint8Array(frame.length + 3);
    big.set(frame, 3);
    expect(decodeFrame(big.subarray(3))).toEqual({
      a: new Uint32Array([1, 2, 3]),
      b: new Uint16Array([9]),
    });
  });

  it('writes a pure ASCII header', () => {
    const frame = encodeFrame({ name: 'naïve 名前' });
    const headerLength = new DataView(frame.buffer).getUint32(0, true);
    expect(frame.subarray(4, 4 + headerLength).every((b) => b < 0x80)).toBe(true);
  });

  it('refuses values it cannot carry and the reserved key', () => {
    expect(() => encodeFrame({ at: new Date() })).toThrow(/cannot encode a Date/);
    expect(() => encodeFrame({ $bin: 1 })).toThrow(/reserved/);
  });

  it('refuses malformed frames with bad-request', () => {
    const good = encodeFrame({ a: new Uint8Array([1, 2]) });
    expectBad(new Uint8Array([1, 0]), 'shorter than its length prefix');
    expectBad(new Uint8Array([255, 255, 255, 255, 1]), 'header length exceeds');
    expectBad(good.subarray(0, good.length - 1), 'binary segments exceed');
    expectBad(new Uint8Array([...good, 0]), 'trailing bytes');
    const header = (json: string): Uint8Array => {
      const out = new Uint8Array(4 + json.length);
      new DataView(out.buffer).setUint32(0, json.length, true);
      for (let i = 0; i < json.length; i++) out[4 + i] = json.charCodeAt(i);
      return out;
    };
    expectBad(header('{"v":1'), 'not JSON');
    expectBad(header('[1]'), 'must be {v, b}');
    expectBad(header('{"v":1,"b":3}'), 'header.b must be a list');
    expectBad(header('{"v":1,"b":[["u64",1]]}'), 'descriptor');
    expectBad(header('{"v":1,"b":[["u8",-1]]}'), 'descriptor');
    expectBad(header('{"v":{"$bin":0},"b":[]}'), 'placeholder');
    expectBad(header('{"v":{"$bin":0,"x":1},"b":[["u8",0]]}'), 'placeholder');
    expectBad(header('{"v":[{"$bin":0},{"$bin":0}],"b":[["u8",0]]}'), 'used twice');
    const deep = '['.repeat(maxFrameDepth + 2) + ']'.repeat(maxFrameDepth + 2);
    expectBad(header(`{"v":${deep},"b":[]}`), 'nested too deeply');
    const nonAscii = header('{"v":"x","b":[]}');
    nonAscii[7] = 0xc3;
    expectBad(nonAscii, 'not ASCII');
  });

  it('refuses segments no placeholder uses, so a million empty ones cost no arrays', () => {
    // Issue 16 item 8: a 9 MB frame declaring 1M empty segments allocated an array for each.
    const header = (json: string): Uint8Array => {
      const out = new Uint8Array(4 + json.length);
      new DataView(out.buffer).setUint32(0, json.length, true);
      for (let i = 0; i < json.length; i++) out[4 + i] = json.charCodeAt(i);
      return out;
    };
    expectBad(header('{"v":1,"b":[["u8",0]]}'), 'without a placeholder');
    expectBad(header('{"v":{"$bin":1},"b":[["u8",0],["u8",0]]}'), 'without a placeholder');
    const many = Array.from({ length: 1_000_000 }, () => '["u8",0]').join(',');
    expectBad(header(`{"v":null,"b":[${many}]}`), 'too many binary segments');
    const atCap = Array.from({ length: maxFrameSegments }, (_, i) => new Uint8Array([i]));
    expect(decodeFrame(encodeFrame(atCap))).toEqual(atCap);
    const overCap = [...atCap, new Uint8Array(1)];
    expectBad(encodeFrame(overCap), 'too many binary segments');
  });

  it('keeps __proto__ keys inert', () => {
    const frame = encodeFrame({ x: 1 });
    const json = '{"v":{"__proto__":{"polluted":true}},"b":[]}';
    const evil = new Uint8Array(4 + json.length);
    new DataView(evil.buffer).setUint32(0, json.length, true);
    for (let i = 0; i < json.length; i++) evil[4 + i] = json.charCodeAt(i);
    const out = decodeFrame(evil) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(decodeFrame(frame)).toEqual({ x: 1 });
  });

  it('only ever raises ContractError on random bytes', () => {
    const rnd = lcg(42);
    const base = encodeFrame({ a: [1, 'two', new Uint16Array([3])] });
    for (let i = 0; i < 2000; i++) {
      const frame =
        i % 2 === 0
          ? rnd.bytes(rnd.int(64))
          : base.map((b) => (rnd.int(8) === 0 ? rnd.int(256) : b));
      try {
        decodeFrame(frame);
      } catch (err) {
        expect(err).toBeInstanceOf(ContractError);
      }
    }
  });
});
