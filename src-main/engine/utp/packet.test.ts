import { describe, expect, it } from 'vitest';
import {
  ST_DATA,
  ST_FIN,
  ST_RESET,
  ST_STATE,
  ST_SYN,
  UTP_HEADER_BYTES,
  UtpPacketError,
  decodePacket,
  encodePacket,
  seqAdd,
  seqDistance,
} from './packet';
import type { UtpHeader } from './packet';

const header: UtpHeader = {
  type: ST_DATA,
  connectionId: 0xbeef,
  timestampUs: 0xfedcba98,
  timestampDiffUs: 12345,
  wndSize: 1 << 20,
  seqNr: 0xffff,
  ackNr: 7,
  selectiveAck: null,
};

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof UtpPacketError) return err.code;
    throw err;
  }
  return 'none';
}

describe('uTP packet codec', () => {
  it('lays the header out as BEP 29 draws it', () => {
    const bytes = encodePacket({ ...header, type: ST_SYN, seqNr: 1, ackNr: 0 });
    expect(bytes.length).toBe(UTP_HEADER_BYTES);
    expect(Buffer.from(bytes).toString('hex')).toBe('4100beeffedcba98000030390010000000010000');
  });

  it('round-trips every field, a selective ack and a payload', () => {
    const sack = new Uint8Array([0b101, 0, 0, 0x80]);
    const payload = new Uint8Array([1, 2, 3, 4, 5]);
    const p = decodePacket(encodePacket({ ...header, selectiveAck: sack }, payload));
    // The decoded arrays are views of the Buffer; compare their bytes.
    expect({
      ...p,
      selectiveAck: new Uint8Array(p.selectiveAck ?? []),
      payload: new Uint8Array(p.payload),
    }).toEqual({ ...header, selectiveAck: sack, payload });
    for (const type of [ST_FIN, ST_STATE, ST_RESET, ST_SYN] as const) {
      expect(decodePacket(encodePacket({ ...header, type })).type).toBe(type);
    }
  });

  it('reads a selective ack of any length up to the cap, as libtorrent sends (not only 4n bytes)', () => {
    const base = encodePacket(header);
    const bytes = Buffer.concat([base, Buffer.from([0, 3, 0b1, 0, 0x80]), Buffer.from('x')]);
    bytes[1] = 1;
    const p = decodePacket(bytes);
    expect([...(p.selectiveAck ?? [])]).toEqual([1, 0, 0x80]);
    expect(Buffer.from(p.payload).toString()).toBe('x');
  });

  it('skips unknown extensions (BEP 29 extension bits) and reads the payload after them', () => {
    const base = encodePacket(header);
    const ext = Buffer.from([0, 8, 1, 2, 3, 4, 5, 6, 7, 8]);
    const bytes = Buffer.concat([base, ext, Buffer.from('hi')]);
    bytes[1] = 2;
    const p = decodePacket(bytes);
    expect(p.selectiveAck).toBeNull();
    expect(Buffer.from(p.payload).toString()).toBe('hi');
  });

  it('refuses each kind of malformed packet with its own code', () => {
    const ok = encodePacket(header);
    expect(codeOf(() => decodePacket(ok.subarray(0, 19)))).toBe('too-short');
    const v2 = Buffer.from(ok);
    v2[0] = (ST_DATA << 4) | 2;
    expect(codeOf(() => decodePacket(v2))).toBe('bad-version');
    const t5 = Buffer.from(ok);
    t5[0] = (5 << 4) | 1;
    expect(codeOf(() => decodePacket(t5))).toBe('bad-type');
    const cut = Buffer.concat([ok, Buffer.from([0, 4, 1])]);
    cut[1] = 1;
    expect(codeOf(() => decodePacket(cut))).toBe('bad-extension');
    const sack0 = Buffer.concat([ok, Buffer.from([0, 0])]);
    sack0[1] = 1;
    expect(codeOf(() => decodePacket(sack0))).toBe('bad-extension');
    const sackHuge = Buffer.concat([ok, Buffer.from([0, 132]), Buffer.alloc(132)]);
    sackHuge[1] = 1;
    expect(codeOf(() => decodePacket(sackHuge))).toBe('bad-extension');
    const twoSacks = Buffer.concat([ok, Buffer.from([1, 4, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0])]);
    twoSacks[1] = 1;
    expect(codeOf(() => decodePacket(twoSacks))).toBe('bad-extension');
    // A chain that loops through unknown extensions past the cap.
    const chain = [ok];
    for (let i = 0; i < 10; i++) chain.push(Buffer.from([9, 0]));
    const long = Buffer.concat(chain);
    long[1] = 9;
    expect(codeOf(() => decodePacket(long))).toBe('bad-extension');
    const statePayload = encodePacket({ ...header, type: ST_STATE }, new Uint8Array([1]));
    expect(codeOf(() => decodePacket(statePayload))).toBe('unexpected-payload');
  });

  it('does 16-bit sequence arithmetic across the wrap', () => {
    expect(seqAdd(0xffff, 1)).toBe(0);
    expect(seqDistance(0xfffe, 1)).toBe(3);
    expect(seqDistance(1, 0xfffe)).toBe(-3);
    expect(seqDistance(5, 5)).toBe(0);
  });
});
