import { describe, expect, it } from 'vitest';
import { compactPeer } from '../codec/compact-peers';
import { ipKeyOfEntry, isLoopbackEntry } from './ip-key';

/** A registry compact entry: length byte, then address and port. */
function entry(address: string, port = 6881): Uint8Array {
  const c = compactPeer(address, port);
  if (!c) throw new Error(`not an address: ${address}`);
  return Uint8Array.from([c.bytes.length, ...c.bytes]);
}
const key = (address: string, port = 6881): number => ipKeyOfEntry(entry(address, port), 0);

describe('ip-key', () => {
  it('keys IPv4 by address, whatever the port', () => {
    expect(key('10.0.0.1', 1)).toBe(key('10.0.0.1', 65535));
    expect(key('10.0.0.1')).not.toBe(key('10.0.0.2'));
    expect(key('0.0.0.0')).toBe(-1);
    expect(key('255.255.255.255')).toBe(-1 - 0xffffffff);
  });

  it('keys IPv6 by /64, apart from every IPv4 key', () => {
    expect(key('2001:db8:1:2::1')).toBe(key('2001:db8:1:2:ffff:ffff:ffff:ffff'));
    const keys = new Set<number>();
    for (let i = 0; i < 4096; i++)
      keys.add(key(`2001:db8:${(i >> 8).toString(16)}:${(i & 255).toString(16)}::1`));
    expect(keys.size).toBe(4096);
    for (const k of keys) {
      expect(k).toBeGreaterThan(-1);
      expect(Number.isSafeInteger(k)).toBe(true);
    }
  });

  it('finds an entry at an offset, and tells loopback apart', () => {
    const e = entry('127.0.0.9');
    const shifted = Uint8Array.from([0, 0, ...e]);
    expect(ipKeyOfEntry(shifted, 2)).toBe(ipKeyOfEntry(e, 0));
    expect(isLoopbackEntry(shifted, 2)).toBe(true);
    expect(isLoopbackEntry(entry('::1'), 0)).toBe(true);
    expect(isLoopbackEntry(entry('128.0.0.1'), 0)).toBe(false);
    expect(isLoopbackEntry(entry('::2'), 0)).toBe(false);
    expect(isLoopbackEntry(entry('2001:db8::1'), 0)).toBe(false);
  });
});
