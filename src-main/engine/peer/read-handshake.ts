/**
 * Reads the 68-byte BEP 3 handshake from a freshly accepted socket, so the session's listener can
 * pick the torrent by info-hash before a PeerConnection exists.
 *
 * Invariants: on success the socket is left paused with no listener of ours attached, and the
 * bytes that followed the handshake are returned (pass them as `initialBytes`); on failure every
 * listener and the timer are removed and the caller destroys the socket. The wait is bounded.
 */
import type { Duplex } from 'node:stream';
import type { Clock } from '../time/clock';
import { HandshakeReader } from '../wire/handshake-reader';
import type { HandshakeResult } from '../wire/handshake-reader';
import { PeerError } from './close-reason';

export function readHandshake(
  socket: Duplex,
  timeoutMs: number,
  clock: Clock,
): Promise<HandshakeResult> {
  return new Promise<HandshakeResult>((resolve, reject) => {
    const reader = new HandshakeReader();
    let settled = false;
    const finish = (): void => {
      settled = true;
      timer.cancel();
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('end', onEnd);
      socket.off('close', onEnd);
    };
    const onData = (chunk: Buffer): void => {
      if (settled) return;
      let result: HandshakeResult | null;
      try {
        result = reader.push(chunk);
      } catch (err) {
        finish();
        reject(err as Error);
        return;
      }
      if (!result) return;
      // Stop the flow before removing our listener, or the next chunk would be lost.
      socket.pause();
      finish();
      // The rest is a view of a chunk Node will not reuse; copy so the caller owns it outright
      // (a new Uint8Array: `slice` on a Node Buffer would be another view).
      resolve({ handshake: result.handshake, rest: new Uint8Array(result.rest) });
    };
    const onError = (err: Error): void => {
      if (settled) return;
      finish();
      reject(new PeerError('socket-error', 'read-handshake', err.message, err));
    };
    const onEnd = (): void => {
      if (settled) return;
      finish();
      reject(new PeerError('remote-closed', 'read-handshake', 'closed before the handshake'));
    };
    const timer = clock.setTimeout(() => {
      if (settled) return;
      finish();
      reject(new PeerError('timeout', 'read-handshake', `no handshake within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('data', onData);
    socket.on('error', onError);
    socket.on('end', onEnd);
    socket.on('close', onEnd);
    socket.resume();
  });
}
