/**
 * Test fixtures for the MSE handshake: a real TCP socket pair on 127.0.0.1, a ByteStream that
 * re-cuts what arrives (one byte at a time, or random sizes), a tap on the bytes written to the
 * wire, and a bounded collector. Used by tests only; `cleanup()` closes everything it opened.
 */
import net from 'node:net';
import type { Random } from '../time/clock';
import { systemClock } from '../time/clock';
import type { ByteStream } from './byte-stream';
import { socketByteStream } from './byte-stream';

export interface SocketPair {
  /** The dialling side. */
  client: net.Socket;
  /** The accepting side. */
  server: net.Socket;
  cleanup(): Promise<void>;
}

export async function tcpPair(): Promise<SocketPair> {
  const listener = net.createServer();
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const { port } = listener.address() as net.AddressInfo;
  const accepted = new Promise<net.Socket>((resolve) => listener.once('connection', resolve));
  const client = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    client.once('connect', resolve);
    client.once('error', reject);
  });
  const server = await accepted;
  // Silence resets from the far side closing first; tests look at the streams, not at these.
  client.on('error', () => undefined);
  server.on('error', () => undefined);
  return {
    client,
    server,
    async cleanup() {
      client.destroy();
      server.destroy();
      await new Promise<void>((resolve) => listener.close(() => resolve()));
    },
  };
}

/** How `recut` hands on what arrives. */
export type Cut = 'whole' | 'bytes' | Random;

/** A ByteStream whose reader gets each arriving chunk in pieces: single bytes, or random sizes. */
export function recut(inner: ByteStream, cut: Cut): ByteStream {
  if (cut === 'whole') return inner;
  return {
    write: (bytes) => inner.write(bytes),
    onEnd: (listener) => inner.onEnd(listener),
    close: () => inner.close(),
    onData(reader) {
      inner.onData((chunk) => {
        for (let at = 0; at < chunk.length;) {
          const n = cut === 'bytes' ? 1 : 1 + cut.int(Math.min(chunk.length - at, 97));
          // A copy: the reader may decrypt in place, and each piece is its own lent chunk.
          reader(chunk.slice(at, at + n));
          at += n;
        }
      });
    },
  };
}

/** A ByteStream over a socket, re-cut as asked, that records every byte written to the wire. */
export function tappedSocketStream(
  socket: net.Socket,
  cut: Cut = 'whole',
): ByteStream & { wire(): Uint8Array } {
  const inner = recut(socketByteStream(socket), cut);
  const written: Uint8Array[] = [];
  return {
    ...inner,
    write(bytes) {
      written.push(Uint8Array.from(bytes));
      inner.write(bytes);
    },
    wire: () => Uint8Array.from(Buffer.concat(written)),
  };
}

/** Resolves with the first `n` bytes read from `stream`; rejects on end or after `timeoutMs`. */
export function collect(stream: ByteStream, n: number, timeoutMs = 5_000): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let have = 0;
    const timer = systemClock.setTimeout(
      () => reject(new Error(`only ${have} of ${n} bytes`)),
      timeoutMs,
    );
    stream.onEnd((error) => {
      timer.cancel();
      reject(error ?? new Error(`the stream ended after ${have} of ${n} bytes`));
    });
    stream.onData((chunk) => {
      parts.push(Buffer.from(chunk));
      have += chunk.length;
      if (have >= n) {
        timer.cancel();
        resolve(Uint8Array.from(Buffer.concat(parts).subarray(0, n)));
      }
    });
  });
}

/** Resolves when `stream` ends; rejects after `timeoutMs`. */
export function ended(stream: ByteStream, timeoutMs = 5_000): Promise<Error | undefined> {
  return new Promise((resolve, reject) => {
    const timer = systemClock.setTimeout(
      () => reject(new Error('the stream did not end')),
      timeoutMs,
    );
    stream.onData(() => undefined);
    stream.onEnd((error) => {
      timer.cancel();
      resolve(error);
    });
  });
}
