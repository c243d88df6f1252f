import { describe, expect, it } from 'vitest';
import { Bitfield } from '../wire/bitfield';
import { ProtocolError } from '../wire/protocol-error';
import { PeerAvailability } from './peer-availability';

describe('PeerAvailability rules', () => {
  it('a have is new once, and past the end it is a protocol error', () => {
    const a = new PeerAvailability(10);
    expect(a.have(3)).toBe(true);
    expect(a.have(3)).toBe(false);
    expect(() => a.have(10)).toThrow(ProtocolError);
  });

  it('one opening message only: bitfield, have-all or have-none', () => {
    const a = new PeerAvailability(10);
    a.openWithNone();
    expect(a.isOpen).toBe(true);
    expect(() => a.openWithAll()).toThrow(/after the peer's bitfield/);
    expect(() => a.openWithBitfield(new Uint8Array(2))).toThrow(ProtocolError);
  });

  it('an opening bitfield must have the right length and no spare bits', () => {
    expect(() => new PeerAvailability(10).openWithBitfield(new Uint8Array(3))).toThrow(
      /bitfield of 3 bytes/,
    );
    expect(() => new PeerAvailability(10).openWithBitfield(new Uint8Array([0, 0x01]))).toThrow(
      /spare bits/,
    );
    const a = new PeerAvailability(10);
    a.openWithBitfield(new Uint8Array([0x80, 0x40]));
    expect(a.bitfield.count()).toBe(2);
  });

  it('a late bitfield or have-all merges as haves, each new piece once', () => {
    const a = new PeerAvailability(10);
    a.openWithNone();
    a.have(0);
    const late = new Bitfield(10);
    late.set(0);
    late.set(9);
    const added: number[] = [];
    expect(a.mergeLate(late.toBytes(), (i) => added.push(i))).toBe(1);
    expect(added).toEqual([9]);
    expect(a.mergeLate(null, (i) => added.push(i))).toBe(8);
    expect(a.bitfield.isFull()).toBe(true);
    expect(a.mergeLate(null, () => added.push(-1))).toBe(0);
  });
});
