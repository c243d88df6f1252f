import { describe, expect, it } from 'vitest';
import type { ByteStream } from './byte-stream';
import { CipherStream } from './cipher-stream';
import { Rc4 } from './rc4';

/** A ByteStream driven by hand, recording what is written to it. */
function manualStream() {
  let reader: (chunk: Uint8Array) => void = () => undefined;
  let endListener: (error?: Error) => void = () => undefined;
  const written: Uint8Array[] = [];
  const stream: ByteStream = {
    write: (b) => void written.push(Uint8Array.from(b)),
    onData: (r) => void (reader = r),
    onEnd: (l) => void (endListener = l),
    close: () => undefined,
  };
  return { stream, written, feed: (b: Uint8Array) => reader(b), end: () => endListener() };
}

const key = Uint8Array.of(1, 2, 3, 4, 5);
const text = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('CipherStream', () => {
  it('holds the handshake rest and early chunks until a reader is set, then the end', () => {
    const m = manualStream();
    const remote = new Rc4(key); // the far side's encryptor, mirrored by our decryptor
    const s = new CipherStream(m.stream, null, new Rc4(key), text('rest|'));
    m.feed(remote.process(text('one|')));
    const events: string[] = [];
    s.onEnd(() => events.push('end'));
    m.end();
    expect(events).toEqual([]); // not before the held bytes are read
    s.onData((chunk) => events.push(new TextDecoder().decode(chunk)));
    expect(events).toEqual(['rest|', 'one|', 'end']);
  });

  it('decrypts later chunks in place and in order', () => {
    const m = manualStream();
    const remote = new Rc4(key);
    const s = new CipherStream(m.stream, null, new Rc4(key), new Uint8Array(0));
    const got: string[] = [];
    s.onData((chunk) => got.push(new TextDecoder().decode(chunk)));
    for (const part of ['a', 'bc', 'def']) m.feed(remote.process(text(part)));
    expect(got.join('')).toBe('abcdef');
  });

  it('encrypts writes into a new buffer, leaving the caller’s bytes alone', () => {
    const m = manualStream();
    const s = new CipherStream(m.stream, new Rc4(key), null, new Uint8Array(0));
    const mine = text('0123456789abcdef').subarray(1); // unaligned on purpose
    s.write(mine);
    expect(new TextDecoder().decode(mine)).toBe('123456789abcdef');
    expect(new TextDecoder().decode(new Rc4(key).process(m.written[0]!))).toBe('123456789abcdef');
  });

  it('passes plaintext through both ways', () => {
    const m = manualStream();
    const s = new CipherStream(m.stream, null, null, new Uint8Array(0));
    s.write(text('hi'));
    const got: string[] = [];
    s.onData((chunk) => got.push(new TextDecoder().decode(chunk)));
    m.feed(text('yo'));
    expect([new TextDecoder().decode(m.written[0]!), got[0]]).toEqual(['hi', 'yo']);
  });
});

describe('CipherStream, decryption on the RC4 worker', () => {
  /** Resolves once `n` bytes have reached the reader, with them in order. */
  function readAll(s: CipherStream, n: number): Promise<Uint8Array> {
    const out = new Uint8Array(n);
    let at = 0;
    return new Promise((resolve) => {
      s.onData((chunk) => {
        out.set(chunk, at);
        at += chunk.length;
        if (at >= n) resolve(out);
      });
    });
  }

  it('moves to the worker after the threshold and gives the same plaintext, in order', async () => {
    const m = manualStream();
    const remote = new Rc4(key);
    const s = new CipherStream(m.stream, null, new Rc4(key), new Uint8Array(0), 1000);
    const plain = new Uint8Array(300_000);
    for (let i = 0; i < plain.length; i++) plain[i] = (i * 7 + (i >> 9)) & 0xff;
    const done = readAll(s, plain.length);
    // Uneven, unaligned chunks; the transport lends each one (reused after the call).
    const lent = new Uint8Array(70_000);
    for (let at = 0, n = 1; at < plain.length; at += n, n = (n * 3 + 17) % 65_000 || 1) {
      const part = plain.subarray(at, Math.min(plain.length, at + n));
      const view = lent.subarray(1, 1 + part.length);
      remote.process(part, view);
      m.feed(view);
      view.fill(0xee); // the lender reuses its buffer at once
    }
    expect(Buffer.from(await done).equals(Buffer.from(plain))).toBe(true);
    s.close();
  });

  it('delivers the end only after every byte came back from the worker', async () => {
    const m = manualStream();
    const remote = new Rc4(key);
    const s = new CipherStream(m.stream, null, new Rc4(key), new Uint8Array(0), 10);
    const events: string[] = [];
    const ended = new Promise<void>((resolve) =>
      s.onEnd(() => {
        events.push('end');
        resolve();
      }),
    );
    s.onData((chunk) => events.push(new TextDecoder().decode(chunk)));
    m.feed(remote.process(text('0123456789'))); // inline, reaches the threshold
    m.feed(remote.process(text('-after')));
    m.end();
    expect(events).toEqual(['0123456789']); // '-after' is still at the worker
    await ended;
    expect(events).toEqual(['0123456789', '-after', 'end']);
    s.close();
  });

  it('ends with an error, not a bigger buffer, when a peer floods past the pending cap', async () => {
    const { RC4_OFFLOAD_MAX_PENDING_BYTES } = await import('../limits');
    let closed = false;
    const m = manualStream();
    m.stream.close = () => void (closed = true);
    const s = new CipherStream(m.stream, null, new Rc4(key), new Uint8Array(0), 1);
    const failure = new Promise<Error | undefined>((resolve) => s.onEnd(resolve));
    s.onData(() => undefined);
    const big = new Uint8Array(8 * 1024 * 1024);
    // The worker is busy with the first batch while the rest piles up within one tick.
    // One chunk goes inline, one to the worker, then the cap fills and one more passes it.
    for (let i = 0; i < RC4_OFFLOAD_MAX_PENDING_BYTES / big.length + 3; i++) m.feed(big);
    const error = await failure;
    expect(error?.message).toMatch(/arrived unasked/);
    expect(closed).toBe(true);
    s.close();
  });
});
