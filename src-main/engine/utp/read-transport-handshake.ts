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
  /** Bytes of the stream already read (the listener's sniff), fed to the reader first. */
  initial?: Uint8Array,
): Promise<HandshakeResult> {
  return new Promise<HandshakeResult>((resolve, reject) => {
    const reader = new HandshakeReader();
    if (initial && initial.length > 0) {
      // A sniff may already hold the whole handshake (one datagram carries up to ~1400 bytes).
      const early = reader.push(initial);
      if (early) {
        transport.pauseReading();
        resolve({ handshake: early.handshake, rest: new Uint8Array(early.rest) });
        return;
      }
    }
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

/**
 * Reads the first bytes of an incoming uTP stream until they tell plaintext from MSE (see
 * `detect`), then pauses it and returns them (copied); rejects on end, error or the deadline.
 */
export function sniffTransport(
  transport: UtpTransport,
  timeoutMs: number,
  clock: Clock,
  decided: (firstBytes: Uint8Array) => boolean,
): Promise<Uint8Array> {
  return new Promise<Uint8Array>((resolve, reject) => {
    let got = new Uint8Array(0);
    let settled = false;
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      timer.cancel();
      transport.pauseReading();
      return true;
    };
    const timer = clock.setTimeout(() => {
      if (settle())
        reject(new PeerError('timeout', 'sniff', `no handshake within ${timeoutMs} ms`));
    }, timeoutMs);
    transport.attach({
      onBytes: (chunk) => {
        if (settled) return;
        const next = new Uint8Array(got.length + chunk.length);
        next.set(got);
        next.set(chunk, got.length);
        got = next;
        if (decided(got) && settle()) resolve(got);
      },
      onDrain: () => undefined,
      onEnd: () => {
        if (settle())
          reject(new PeerError('remote-closed', 'sniff', 'closed before the handshake'));
      },
      onError: (err) => {
        if (settle()) reject(new PeerError('socket-error', 'sniff', err.message, err));
      },
    });
    transport.startReading();
  });
}
