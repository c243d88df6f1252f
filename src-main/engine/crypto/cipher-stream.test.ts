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
