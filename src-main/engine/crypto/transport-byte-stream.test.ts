/**
 * TransportByteStream: the ByteStream seam over a PeerTransport (here the in-memory pair), as the
 * MSE handshake and the cipher stream after it use it.
 */
import { describe, expect, it } from 'vitest';
import { MemoryTransport } from '../peer/memory-transport';
import { until } from '../peer/test-peers';
import { TransportByteStream } from './transport-byte-stream';

describe('TransportByteStream', () => {
  it('holds bytes that arrive before a reader, then hands them over in order, then the end', async () => {
    const [x, y] = MemoryTransport.pair({}, { segmentBytes: 3 });
    const a = new TransportByteStream(x);
    const b = new TransportByteStream(y);
    a.write(Uint8Array.of(1, 2, 3, 4, 5, 6, 7));
    a.close();
    // Let every segment and the end arrive with no reader set.
    await new Promise((r) => setTimeout(r, 10));
    const got: number[] = [];
    let ended = 0;
    b.onEnd(() => {
      // The end comes after every held byte.
      expect(got).toEqual([1, 2, 3, 4, 5, 6, 7]);
      ended++;
    });
    expect(ended).toBe(0);
    b.onData((chunk) => got.push(...chunk));
    expect(ended).toBe(1);
    expect(x.destroyed).toBe(true);
  });

  it('lends chunks to the reader, which may change them in place, and relays drains', async () => {
    const [x, y] = MemoryTransport.pair({ highWaterMarkBytes: 4 });
    const a = new TransportByteStream(x);
    const b = new TransportByteStream(y);
    let drains = 0;
    a.onDrain(() => drains++);
    const got: number[] = [];
    b.onData((chunk) => {
      chunk[0] = 0xff;
      got.push(...chunk);
    });
    a.write(Uint8Array.of(1, 2, 3, 4, 5, 6));
    expect(x.awaitingDrain).toBe(true);
    await until(() => got.length === 6);
    expect(got).toEqual([0xff, 2, 3, 4, 5, 6]);
    expect(drains).toBe(1);
    a.close();
    b.close();
  });

  it('calls no end listener after its own close, and drops what arrives', async () => {
    const [x, y] = MemoryTransport.pair();
    const a = new TransportByteStream(x);
    const b = new TransportByteStream(y);
    let ended = 0;
    const got: number[] = [];
    b.onEnd(() => ended++);
    b.onData((c) => got.push(...c));
    b.close();
    a.write(Uint8Array.of(9));
    await new Promise((r) => setTimeout(r, 10));
    expect([ended, got.length]).toEqual([0, 0]);
    a.close();
  });
});
