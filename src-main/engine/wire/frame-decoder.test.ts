/**
 * The frame decoder against a peer that trickles a frame in tiny segments (issue 16, item 4).
 * Memory is measured after a forced collection, so only what the decoder still holds counts.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { MAX_FRAME_BYTES } from '../limits';
import { FrameDecoder } from './frame-decoder';
import { encodeMessage } from './message';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

function heldBytes(): number {
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** A bitfield frame announced near MAX_FRAME_BYTES: its 4-byte length, id, then body bytes. */
function announce(dec: FrameDecoder, volatile: boolean): void {
  const len = MAX_FRAME_BYTES - 16;
  dec.push(
    new Uint8Array([len >>> 24, (len >>> 16) & 0xff, (len >>> 8) & 0xff, len & 0xff, 5]),
    volatile,
  );
}

const TRICKLED_BYTES = 300_000;

describe('FrameDecoder with a frame trickled one byte per segment', () => {
  it.each([
    ['volatile reads (dialled sockets)', true],
    ['owned chunks (accepted sockets)', false],
  ])('holds about the bytes received, not an object per segment: %s', (_name, volatile) => {
    const dec = new FrameDecoder({ maxFrameBytes: MAX_FRAME_BYTES });
    const read = Buffer.alloc(1);
    let decoded = 0;
    const before = heldBytes();
    announce(dec, volatile);
    for (let i = 0; i < TRICKLED_BYTES; i++) {
      const chunk = volatile ? read : new Uint8Array(1);
      chunk[0] = i & 0xff;
      decoded += dec.push(chunk, volatile).length;
    }
    expect(decoded).toBe(0);
    const held = heldBytes() - before;
    expect(dec.bufferedBytes).toBe(4 + 1 + TRICKLED_BYTES);
    // The frame's buffer doubles up to what arrived: about twice the bytes received, plus noise
    // (JIT code, the first collection). Keeping each segment cost ~218 bytes per byte (65 MB).
    expect(held).toBeLessThan(10 * TRICKLED_BYTES);
    expect(dec.retainedBytes).toBeLessThanOrEqual(2 * TRICKLED_BYTES);
  });

  it('a length prefix alone does not make it allocate the announced frame', () => {
    const dec = new FrameDecoder({ maxFrameBytes: MAX_FRAME_BYTES });
    announce(dec, true);
    expect(dec.retainedBytes).toBeLessThanOrEqual(64 * 1024);
  });

  it('still decodes the trickled frame intact once its last byte arrives', () => {
    const dec = new FrameDecoder({ maxFrameBytes: MAX_FRAME_BYTES });
    const bits = new Uint8Array(200_000).map((_, i) => (i * 7) & 0xff);
    const frame = encodeMessage({ type: 'bitfield', bits });
    const read = Buffer.alloc(1);
    const out = [];
    for (let i = 0; i < frame.length; i++) {
      read[0] = frame[i] as number;
      out.push(...dec.push(read, true));
    }
    expect(out).toHaveLength(1);
    const m = out[0];
    expect(m?.type).toBe('bitfield');
    if (m?.type === 'bitfield') expect(Buffer.from(m.bits).equals(Buffer.from(bits))).toBe(true);
    expect(dec.bufferedBytes).toBe(0);
    expect(dec.partialFrameId).toBe(0);
  });

  it('names each partial frame so its owner can time it', () => {
    const dec = new FrameDecoder({ maxFrameBytes: 1024 });
    expect(dec.partialFrameId).toBe(0);
    dec.push(new Uint8Array([0, 0]));
    const first = dec.partialFrameId;
    expect(first).not.toBe(0);
    dec.push(new Uint8Array([0, 5, 4, 0, 0]));
    expect(dec.partialFrameId).toBe(first);
    dec.push(new Uint8Array([0, 1, 0, 0, 0]));
    expect(dec.partialFrameId).not.toBe(0);
    expect(dec.partialFrameId).not.toBe(first);
  });
});
