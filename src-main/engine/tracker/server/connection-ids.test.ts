import { describe, expect, it } from 'vitest';
import { ConnectionIds } from './connection-ids';

const MIN = 60_000;

function ids(secretByte = 7): ConnectionIds {
  return new ConnectionIds(new Uint8Array(32).fill(secretByte), MIN, 2 * MIN);
}

describe('ConnectionIds', () => {
  it('accepts an id from the same address and port for two minutes, then refuses it', () => {
    const c = ids();
    const t0 = 10 * MIN + 59_000; // late in a window: the id still lives two full minutes
    const id = c.issue('10.0.0.1', 6881, t0);
    expect(c.verify(id, '10.0.0.1', 6881, t0)).toBe(true);
    expect(c.verify(id, '10.0.0.1', 6881, t0 + 2 * MIN)).toBe(true);
    expect(c.verify(id, '10.0.0.1', 6881, t0 + 3 * MIN)).toBe(false);
  });

  it('binds the id to the address, the port and the secret', () => {
    const c = ids();
    const id = c.issue('10.0.0.1', 6881, 0);
    expect(c.verify(id, '10.0.0.2', 6881, 0)).toBe(false);
    expect(c.verify(id, '10.0.0.1', 6882, 0)).toBe(false);
    expect(c.verify(id, '::ffff:10.0.0.1', 6881, 0)).toBe(false);
    expect(ids(8).verify(id, '10.0.0.1', 6881, 0)).toBe(false);
  });

  it('is never a constant: ids differ per address, port and window', () => {
    const c = ids();
    const seen = new Set<string>();
    for (let w = 0; w < 3; w++)
      for (let p = 1000; p < 1010; p++)
        for (const a of ['10.0.0.1', '10.0.0.2', '2001:db8::1'])
          seen.add(Buffer.from(c.issue(a, p, w * MIN)).toString('hex'));
    expect(seen.size).toBe(3 * 10 * 3);
  });

  it('refuses a flipped bit anywhere and a wrong length', () => {
    const c = ids();
    const id = c.issue('10.0.0.1', 6881, 0);
    for (let bit = 0; bit < 64; bit++) {
      const bad = Uint8Array.from(id);
      bad[bit >> 3] = (bad[bit >> 3] as number) ^ (1 << (bit & 7));
      expect(c.verify(bad, '10.0.0.1', 6881, 0), `bit ${bit}`).toBe(false);
    }
    expect(c.verify(id.subarray(0, 7), '10.0.0.1', 6881, 0)).toBe(false);
  });
});
