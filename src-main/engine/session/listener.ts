/**
 * The session's one listen port: accepts TCP connections, reads the BEP 3 handshake, and hands
 * the socket to whoever owns the info-hash.
 *
 * Invariants:
 * - A connection is "pending" from accept until its handshake is read or it is closed. Pending
 *   connections are capped globally and per remote IP (MAX_PENDING_HANDSHAKES*), so half-open
 *   handshakes cannot take every file descriptor; over the cap, a socket is closed at once.
 * - Every pending connection has a deadline (HANDSHAKE_TIMEOUT_MS) and is closed when it passes.
 * - `close()` stops listening and destroys every pending socket; handed-over sockets belong to
 *   their torrent.
 */
import net from 'node:net';
import type { Clock } from '../time/clock';
import type { Logger } from '../log/logger';
import type { Handshake } from '../wire/handshake';
import { readHandshake } from '../peer/peer-connection';
import { EngineError } from '../errors';
// --- uTP (issue 18) ---
import { readTransportHandshake } from '../utp/read-transport-handshake';
import type { UtpTransport } from '../utp/utp-transport';
import {
  HANDSHAKE_TIMEOUT_MS,
  MAX_PENDING_HANDSHAKES,
  MAX_PENDING_HANDSHAKES_PER_IP,
} from '../limits';

/** How many ports after the configured one are tried when it is taken. */
export const LISTEN_PORT_TRIES = 20;

export interface ListenerOptions {
  clock: Clock;
  logger: Logger;
  host: string;
  /** Fail when the port is taken instead of trying the next ones. */
  strictPort?: boolean;
  /** A handshake was read: take the socket (it is paused), or return false to have it closed. */
  accept: (socket: net.Socket, handshake: Handshake, rest: Uint8Array) => boolean;
  handshakeTimeoutMs?: number;
  // --- uTP (issue 18) ---
  /** A handshake was read over uTP: take the transport, or return false to have it closed. */
  acceptTransport?: (transport: UtpTransport, handshake: Handshake, rest: Uint8Array) => boolean;
  maxPending?: number;
  maxPendingPerIp?: number;
}

export class Listener {
  private server: net.Server | null = null;
  private boundPort: number | null = null;
  private readonly pending = new Set<net.Socket>();
  private readonly pendingPerIp = new Map<string, number>();
  /** Connections refused because a cap was reached, for logs and tests. */
  refused = 0;

  constructor(private readonly opts: ListenerOptions) {}

  get port(): number | null {
    return this.boundPort;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  async listen(wanted: number): Promise<void> {
    const host = this.opts.host;
    const tries = wanted === 0 || this.opts.strictPort ? 1 : LISTEN_PORT_TRIES;
    let lastError: unknown = null;
    for (let i = 0; i < tries; i++) {
      const port = wanted === 0 ? 0 : wanted + i;
      if (port > 65535) break;
      const server = net.createServer((socket) => this.onIncoming(socket));
      try {
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen({ port, host }, () => {
            server.off('error', reject);
            resolve();
          });
        });
        server.on('error', (err) =>
          this.opts.logger.log('error', 'session', `listener: ${err.message}`),
        );
        this.server = server;
        this.boundPort = (server.address() as net.AddressInfo).port;
        this.opts.logger.log('info', 'session', `listening on ${host}:${this.boundPort}`);
        return;
      } catch (err) {
        lastError = err;
        server.close();
      }
    }
    throw new EngineError(
      'bind',
      `cannot listen on port ${wanted}${tries > 1 ? `-${wanted + tries - 1}` : ''}: ${errMessage(lastError)}`,
    );
  }

  /** Stop listening (pending handshakes are closed too); `listen` may be called again. */
  async close(): Promise<void> {
    for (const s of this.pending) s.destroy();
    const server = this.server;
    this.server = null;
    this.boundPort = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  // --- uTP (issue 18) ---
  /**
   * An incoming uTP connection (the UDP port's socket manager caps pending ones, as the caps
   * above do for TCP): its handshake is read with the same deadline, then it takes the same path.
   */
  acceptUtp(transport: UtpTransport): void {
    readTransportHandshake(
      transport,
      this.opts.handshakeTimeoutMs ?? HANDSHAKE_TIMEOUT_MS,
      this.opts.clock,
    ).then(
      ({ handshake, rest }) => {
        if (!this.server || !this.opts.acceptTransport?.(transport, handshake, rest)) {
          transport.destroy();
          return;
        }
        transport.accepted();
      },
      (err: unknown) => {
        this.opts.logger.log(
          'debug',
          'session',
          `incoming uTP handshake failed: ${errMessage(err)}`,
        );
        transport.destroy();
      },
    );
  }

  private onIncoming(socket: net.Socket): void {
    const ip = socket.remoteAddress ?? '?';
    const maxPending = this.opts.maxPending ?? MAX_PENDING_HANDSHAKES;
    const maxPerIp = this.opts.maxPendingPerIp ?? MAX_PENDING_HANDSHAKES_PER_IP;
    const fromIp = this.pendingPerIp.get(ip) ?? 0;
    if (this.pending.size >= maxPending || fromIp >= maxPerIp) {
      this.refused++;
      this.opts.logger.log(
        'debug',
        'session',
        `incoming from ${ip} refused: ${fromIp >= maxPerIp ? `${fromIp} handshakes pending from it` : `${this.pending.size} handshakes pending`}`,
      );
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    this.pending.add(socket);
    this.pendingPerIp.set(ip, fromIp + 1);
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      this.pending.delete(socket);
      const n = (this.pendingPerIp.get(ip) ?? 1) - 1;
      if (n <= 0) this.pendingPerIp.delete(ip);
      else this.pendingPerIp.set(ip, n);
    };
    socket.once('close', release);
    const onError = (): void => {
      socket.destroy();
    };
    socket.on('error', onError);
    readHandshake(
      socket,
      this.opts.handshakeTimeoutMs ?? HANDSHAKE_TIMEOUT_MS,
      this.opts.clock,
    ).then(
      ({ handshake, rest }) => {
        release();
        socket.off('close', release);
        if (!this.server || !this.opts.accept(socket, handshake, rest)) {
          socket.destroy();
          return;
        }
        socket.off('error', onError);
      },
      (err: unknown) => {
        this.opts.logger.log('debug', 'session', `incoming handshake failed: ${errMessage(err)}`);
        socket.destroy();
      },
    );
  }
}

function errMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
