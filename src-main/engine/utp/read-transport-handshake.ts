/**
 * Reads the 68-byte BEP 3 handshake from a freshly accepted uTP transport, so the listener can
 * pick the torrent by info-hash before a PeerConnection exists (the TCP twin is
 * peer/read-handshake.ts).
 *
 * Invariants: on success the transport is paused (later bytes are held by the connection) and
 * the bytes after the handshake are returned, copied; on failure the caller destroys it. The wait
 * is bounded by `timeoutMs` on the injected clock.
 */
import { PeerError } from '../peer/close-reason';
import type { Clock } from '../time/clock';
import { HandshakeReader } from '../wire/handshake-reader';
import type { HandshakeResult } from '../wire/handshake-reader';
import type { UtpTransport } from './utp-transport';

export function readTransportHandshake(
  transport: UtpTransport,
  timeoutMs: number,
  clock: Clock,
): Promise<HandshakeResult> {
  return new Promise<HandshakeResult>((resolve, reject) => {
    const reader = new HandshakeReader();
    let settled = false;
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      timer.cancel();
      transport.pauseReading();
      return true;
    };
    const timer = clock.setTimeout(() => {
      if (settle()) {
        reject(new PeerError('timeout', 'read-handshake', `no handshake within ${timeoutMs} ms`));
      }
    }, timeoutMs);
    transport.attach({
      onBytes: (chunk) => {
        if (settled) return;
        let result: HandshakeResult | null;
        try {
          result = reader.push(chunk);
        } catch (err) {
          if (settle()) reject(err as Error);
          return;
        }
        if (result && settle()) {
          resolve({ handshake: result.handshake, rest: new Uint8Array(result.rest) });
        }
      },
      onDrain: () => undefined,
      onEnd: () => {
        if (settle()) {
          reject(new PeerError('remote-closed', 'read-handshake', 'closed before the handshake'));
        }
      },
      onError: (err) => {
        if (settle()) reject(new PeerError('socket-error', 'read-handshake', err.message, err));
      },
    });
    transport.startReading();
  });
}
