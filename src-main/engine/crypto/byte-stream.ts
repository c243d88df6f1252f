/**
 * The byte-stream seam the MSE handshake runs over: TCP now, uTP later. It is the least a
 * transport must offer: ordered bytes both ways, an end, and a way to close.
 *
 * Invariants:
 * - One reader and one end listener at a time; setting another replaces the first, which is how
 *   the encrypted stream takes over from the handshake without losing a byte.
 * - A chunk is lent to the reader for the duration of the call: the reader may modify it in place
 *   (decrypt) but copies what it keeps.
 * - The end listener is called at most once, with the error when the stream failed.
 */
import type { Socket } from 'node:net';

export interface ByteStream {
  write(bytes: Uint8Array): void;
  onData(reader: (chunk: Uint8Array) => void): void;
  onEnd(listener: (error?: Error) => void): void;
  /** Ends the stream both ways; idempotent. No end listener call follows our own close. */
  close(): void;
}

/** A ByteStream over a connected TCP socket; bytes that arrive before a reader is set are held. */
export function socketByteStream(socket: Socket): ByteStream {
  let reader: ((chunk: Uint8Array) => void) | null = null;
  let endListener: ((error?: Error) => void) | null = null;
  const held: Uint8Array[] = [];
  let ended = false;
  let endError: Error | undefined;
  let closed = false;
  let endDelivered = false;

  // The end waits for the held bytes: a reader sees every byte before it hears of the end.
  const deliverEnd = (): void => {
    if (!ended || endDelivered || closed || held.length > 0 || !endListener) return;
    endDelivered = true;
    endListener(endError);
  };
  const end = (error?: Error): void => {
    if (ended || closed) return;
    ended = true;
    endError = error;
    deliverEnd();
  };
  socket.on('data', (chunk: Buffer) => {
    if (closed) return;
    if (reader) reader(chunk);
    else held.push(Uint8Array.prototype.slice.call(chunk));
  });
  socket.on('error', (error) => end(error));
  socket.on('end', () => end());
  socket.on('close', () => end());

  return {
    write(bytes) {
      if (!closed) socket.write(bytes);
    },
    onData(next) {
      reader = next;
      while (held.length > 0 && reader === next && !closed) next(held.shift()!);
      deliverEnd();
    },
    onEnd(listener) {
      endListener = listener;
      deliverEnd();
    },
    close() {
      if (closed) return;
      closed = true;
      socket.destroy();
    },
  };
}
