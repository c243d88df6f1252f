import { describe, expect, it } from 'vitest';
import type { ByteStream } from './byte-stream';
import { MseError } from './mse-error';
import { StreamReader } from './stream-reader';

/** A ByteStream driven by hand: `feed` calls the reader, `end` the end listener. */
function manualStream() {
  let reader: (chunk: Uint8Array) => void = () => undefined;
  let endListener: (error?: Error) => void = () => undefined;
  const stream: ByteStream = {
    write: () => undefined,
    onData: (r) => void (reader = r),
    onEnd: (l) => void (endListener = l),
    close: () => undefined,
  };
  return {
    stream,
    feed: (...bytes: number[]) => reader(Uint8Array.from(bytes)),
    end: () => endListener(),
  };
}

const notFound = () => new MseError('no-vc-sync', 'test', 'not found');

describe('StreamReader', () => {
  it('reads exact lengths across chunks and keeps the rest for detach', async () => {
    const m = manualStream();
    const r = new StreamReader(m.stream, 100);
    const first = r.readExact(3);
    m.feed(1, 2);
    m.feed(3, 4, 5);
    expect([...(await first)]).toEqual([1, 2, 3]);
    expect([...r.detach()]).toEqual([4, 5]);
  });

  it('skips past a pattern found within the window, whatever the chunking', async () => {
    const m = manualStream();
    const r = new StreamReader(m.stream, 100);
    const found = r.skipPast(Uint8Array.of(7, 8), 6, notFound);
    for (const b of [0, 7, 0, 7, 8, 9]) m.feed(b);
    await found;
    expect([...r.detach()]).toEqual([9]);
  });

  it('rejects as soon as the window is past without the pattern', async () => {
    const m = manualStream();
    const r = new StreamReader(m.stream, 100);
    const found = r.skipPast(Uint8Array.of(7, 8), 6, notFound);
    m.feed(0, 0, 0, 0, 7);
    m.feed(0);
    await expect(found).rejects.toMatchObject({ code: 'no-vc-sync' });
  });

  it('finds a pattern that ends exactly at the window edge', async () => {
    const m = manualStream();
    const r = new StreamReader(m.stream, 100);
    const found = r.skipPast(Uint8Array.of(7, 8), 6, notFound);
    m.feed(0, 0, 0, 0, 7, 8);
    await found;
  });

  it('fails the pending read when the stream ends, and every read past the bytes received', async () => {
    const m = manualStream();
    const r = new StreamReader(m.stream, 100);
    const pending = r.readExact(4);
    m.feed(1);
    m.end();
    await expect(pending).rejects.toMatchObject({ code: 'closed' });
    expect([...(await r.readExact(1))]).toEqual([1]);
    await expect(r.readExact(1)).rejects.toMatchObject({ code: 'closed' });
  });

  it('fails when a remote party sends more than the buffer bound: too-much-data', async () => {
    const m = manualStream();
    const r = new StreamReader(m.stream, 8);
    m.feed(...new Array<number>(9).fill(1));
    await expect(r.readExact(100)).rejects.toMatchObject({ code: 'too-much-data' });
  });
});
