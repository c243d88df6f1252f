import { describe, expect, it } from 'vitest';
import { COMPACT_NODE4_BYTES, decodeCompactNodes, encodeCompactNodes } from './compact-nodes';

const id = (b: number): Uint8Array => new Uint8Array(20).fill(b);

describe('compact node info', () => {
  it('encodes 26 bytes a node: id, IPv4, big-endian port', () => {
    const bytes = encodeCompactNodes([{ id: id(1), address: '10.1.2.3', port: 0x1ae1 }]);
    expect(bytes.length).toBe(COMPACT_NODE4_BYTES);
    expect([...bytes.subarray(20)]).toEqual([10, 1, 2, 3, 0x1a, 0xe1]);
    expect(decodeCompactNodes(bytes, 8)).toEqual([{ id: id(1), address: '10.1.2.3', port: 6881 }]);
  });

  it('skips nodes it cannot encode (IPv6, bad port, short id)', () => {
    const bytes = encodeCompactNodes([
      { id: id(1), address: '::1', port: 1 },
      { id: id(2), address: '10.0.0.1', port: 0 },
      { id: new Uint8Array(3), address: '10.0.0.1', port: 1 },
      { id: id(4), address: '10.0.0.4', port: 4 },
    ]);
    expect(decodeCompactNodes(bytes, 8)?.map((n) => n.port)).toEqual([4]);
  });

  it('refuses a torn list and caps how many it decodes', () => {
    expect(decodeCompactNodes(new Uint8Array(27), 8)).toBeNull();
    const many = encodeCompactNodes(
      Array.from({ length: 5 }, (_, i) => ({ id: id(i + 1), address: '10.0.0.1', port: i + 1 })),
    );
    expect(decodeCompactNodes(many, 3)?.length).toBe(3);
  });
});
