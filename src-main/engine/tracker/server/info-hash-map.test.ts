import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../time/clock';
import { InfoHashMap, infoHashBytes } from './info-hash-map';

describe('InfoHashMap', () => {
  it('agrees with a Map keyed by hex over random sets, overwrites and deletes', () => {
    const random = seededRandom(20);
    const map = new InfoHashMap<number>(random.int(1 << 30));
    const model = new Map<string, number>();
    // A small key space, so that sets, overwrites and deletes all hit existing keys often.
    const keys = Array.from({ length: 300 }, () => random.bytes(20));
    for (let step = 0; step < 20_000; step++) {
      const key = keys[random.int(keys.length)] as Uint8Array;
      const hex = Buffer.from(key).toString('hex');
      const op = random.int(3);
      if (op === 0) {
        map.set(key, step);
        model.set(hex, step);
      } else if (op === 1) {
        expect(map.delete(key)).toBe(model.delete(hex));
      } else {
        expect(map.get(key)).toBe(model.get(hex));
      }
      expect(map.size).toBe(model.size);
    }
  });

  it('reads a key inside a larger buffer at an offset, and keeps its own copy of the key', () => {
    const map = new InfoHashMap<string>(7);
    const packet = new Uint8Array(98);
    packet.fill(0xab, 16, 36);
    map.set(packet, 'swarm', 16);
    packet.fill(0, 16, 36);
    expect(map.get(packet, 16)).toBeUndefined();
    expect(map.get(new Uint8Array(20).fill(0xab))).toBe('swarm');
    expect(map.has(new Uint8Array(20).fill(0xab))).toBe(true);
  });

  it('keeps 2,000 keys that differ only in their last two bytes apart', () => {
    const map = new InfoHashMap<number>(0);
    const keys = Array.from({ length: 2000 }, (_, i) => {
      const k = new Uint8Array(20);
      k[19] = i & 255;
      k[18] = i >> 8;
      return k;
    });
    keys.forEach((k, i) => map.set(k, i));
    keys.forEach((k, i) => expect(map.get(k)).toBe(i));
    keys.forEach((k, i) => i % 2 === 0 && map.delete(k));
    keys.forEach((k, i) => expect(map.get(k)).toBe(i % 2 === 0 ? undefined : i));
    expect(map.size).toBe(1000);
    map.clear();
    expect(map.size).toBe(0);
    expect(map.get(keys[1] as Uint8Array)).toBeUndefined();
  });

  it('keeps every survivor findable while it shrinks from 5,000 keys to 3 (issue 20)', () => {
    const random = seededRandom(5);
    const map = new InfoHashMap<number>(random.int(1 << 30));
    const keys = Array.from({ length: 5000 }, () => random.bytes(20));
    keys.forEach((k, i) => map.set(k, i));
    const keep = new Set([0, 2500, 4999]);
    // Deleted in a shuffled order, so that the moved last entry is sometimes a survivor.
    const order = keys.map((_, i) => i).sort(() => random.int(3) - 1);
    for (const i of order) if (!keep.has(i)) expect(map.delete(keys[i] as Uint8Array)).toBe(true);
    expect(map.size).toBe(3);
    for (const i of keep) expect(map.get(keys[i] as Uint8Array)).toBe(i);
    expect(map.get(keys[1] as Uint8Array)).toBeUndefined();
    map.set(keys[1] as Uint8Array, -1);
    expect(map.get(keys[1] as Uint8Array)).toBe(-1);
  });

  it('turns 40 hex characters into the 20 bytes, and refuses anything else', () => {
    expect(infoHashBytes('Ab'.repeat(20))).toEqual(new Uint8Array(20).fill(0xab));
    expect(infoHashBytes('ab'.repeat(19))).toBeNull();
    expect(infoHashBytes('zz'.repeat(20))).toBeNull();
  });
});
