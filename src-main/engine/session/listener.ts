/**
 * The session's one listen port: accepts TCP connections, tells plaintext from MSE/PE by their
 * first bytes, and hands the connection to whoever owns the info-hash: a plaintext one as a socket
 * with its BEP 3 handshake read, an encrypted one as a transport after its MSE handshake, its
 * torrent found by the SKEY hash (req2 xor req3) among all our info-hashes.
 *
 * Invariants:
 * - A connection is "pending" from accept until its handshake is read or it is closed. Pending
 *   connections are capped globally and per remote IP (MAX_PENDING_HANDSHAKES*), so half-open
 *   handshakes cannot take every file descriptor; over the cap, a socket is closed at once.
 * - Every pending connection has a deadline (HANDSHAKE_TIMEOUT_MS) and is closed when it passes.
 * - `close()` stops listening and destroys every pending socket; handed-over sockets belong to
 *   their torrent.
 * - The encryption policy is read per connection: `require` refuses a plaintext handshake,
 *   `disable` an MSE one; every refusal and failed handshake is logged with its CloseReason.
 */
import net from 'node:net';
import type { Clock } from '../time/clock';
import type { Logger } from '../log/logger';
import type { Handshake } from '../wire/handshake';
import { readHandshake } from '../peer/peer-connection';
import { EngineError } from '../errors';
// --- uTP (issue 18) ---
import { readTransportHandshake, sniffTransport } from '../utp/read-transport-handshake';
import { ReplayTransport } from '../utp/replay-transport';
import type { UtpTransport } from '../utp/utp-transport';
import type { Random } from '../time/clock';
import { detectIncoming } from '../crypto/mse-handshake';
import type { EncryptionPolicy } from '../crypto/mse-handshake';
import { MseError } from '../crypto/mse-error';
import type { SkeyTable } from '../crypto/mse-keys';
import { encryptIncoming } from '../peer/mse-transport';
import { TcpTransport } from '../peer/tcp-transport';
import type { PeerTransport } from '../peer/transport';
import { PeerError } from '../peer/close-reason';
import { canonicalIp, formatEndpoint, hostKey, listenPlan } from '../net/ip-address';
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
  // --- encryption, MSE/PE (issue 18) ---
  /** The policy for each new connection; without it, plaintext only (MSE is refused). */
  encryption?: () => EncryptionPolicy;
  /** Our torrents by HASH('req2', info-hash), for MSE's SKEY lookup. */
  skeys?: SkeyTable;
  random?: Random;
  /** An MSE handshake named one of our torrents: take the transport, or return false. */
  acceptEncrypted?: (
    transport: PeerTransport,
    infoHash: Uint8Array,
    remote: { address: string; port: number },
  ) => boolean;
}

/** BEP 3: a plaintext handshake's first 20 bytes; enough to tell it from MSE's Ya. */
const SNIFF_BYTES = 20;

export class Listener {
  private server: net.Server | null = null;
  /** --- IPv6 (issue 18): the v6 wildcard socket beside the v4 one (see listenPlan). */
  private server6: net.Server | null = null;
  private boundPort: number | null = null;
  private readonly pending = new Set<net.Socket>();
  /** Pending handshakes by host (hostKey: an IPv4 address or an IPv6 /64). */
  private readonly pendingPerIp = new Map<string, number>();
  /** Connections refused because a cap was reached, for logs and tests. */
  refused = 0;

  constructor(private readonly opts: ListenerOptions) {}

  get port(): number | null {
    return this.boundPort;
  }

  /** --- listen interface (issues 18, 21): where the next listen() binds; close() first. */
  setHost(host: string): void {
    this.opts.host = host;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  async listen(wanted: number): Promise<void> {
    const host = this.opts.host;
    // --- IPv6 (issue 18): the wildcard listens on both stacks, an address on its own only ---
    const plan = listenPlan(host);
    const first = (plan.v4 ?? plan.v6) as string;
    const tries = wanted === 0 || this.opts.strictPort ? 1 : LISTEN_PORT_TRIES;
    let lastError: unknown = null;
    for (let i = 0; i < tries; i++) {
      const port = wanted === 0 ? 0 : wanted + i;
      if (port > 65535) break;
      let server: net.Server;
      try {
        server = await this.bind(port, first, false);
      } catch (err) {
        lastError = err;
        continue;
      }
      const bound = (server.address() as net.AddressInfo).port;
      if (plan.v4 && plan.v6) {
        // The v6 socket takes the port the v4 one got; one port for peers, trackers and NAT.
        try {
          this.server6 = await this.bind(bound, plan.v6, true);
        } catch (err) {
          if (errCode(err) === 'EADDRINUSE' && i + 1 < tries) {
            lastError = err;
            await closeServer(server);
            continue;
          }
          this.opts.logger.log(
            'warn',
            'session',
            `IPv6 listening unavailable (${errMessage(err)}); IPv4 only on port ${bound}`,
          );
        }
      }
      this.server = server;
      this.boundPort = bound;
      const where = this.server6
        ? `${plan.v4}:${bound} and [${plan.v6}]:${bound}`
        : formatEndpoint(first, bound);
      this.opts.logger.log('info', 'session', `listening on ${where}`);
      return;
    }
    throw new EngineError(
      'bind',
      `cannot listen on port ${wanted}${tries > 1 ? `-${wanted + tries - 1}` : ''}: ${errMessage(lastError)}`,
    );
  }

  /** Whether incoming IPv6 connections are accepted (a v6 socket is listening). */
  get listensV6(): boolean {
    return this.server6 !== null || listenPlan(this.opts.host).v4 === null;
  }

  private async bind(port: number, host: string, ipv6Only: boolean): Promise<net.Server> {
    const server = net.createServer((socket) => this.onIncoming(socket));
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ port, host, ipv6Only }, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      server.close();
      throw err;
    }
    server.on('error', (err) =>
      this.opts.logger.log('error', 'session', `listener: ${err.message}`),
    );
    return server;
  }

  /** Stop listening (pending handshakes are closed too); `listen` may be called again. */
  async close(): Promise<void> {
    for (const s of this.pending) s.destroy();
    const server = this.server;
    const server6 = this.server6;
    this.server = null;
    this.server6 = null;
    this.boundPort = null;
    if (server) await closeServer(server);
    if (server6) await closeServer(server6);
  }

  // --- uTP (issue 18) ---
  /**
   * An incoming uTP connection (the UDP port's socket manager caps pending ones, as the caps
   * above do for TCP): its handshake is read with the same deadline, then it takes the same path.
   */
  acceptUtp(transport: UtpTransport): void {
    const timeoutMs = this.opts.handshakeTimeoutMs ?? HANDSHAKE_TIMEOUT_MS;
    const deadline = this.opts.clock.now() + timeoutMs;
    const ip = canonicalIp(transport.remoteAddress ?? '?');
    const refuse = (err: unknown): void => {
      this.opts.logger.log('debug', 'session', `incoming uTP from ${ip} closed: ${describe(err)}`);
      transport.destroy();
    };
    // The encryption policy holds over uTP as over TCP: the first bytes tell MSE from plaintext.
    const decided = (got: Uint8Array): boolean =>
      detectIncoming(got) !== 'undecided' || got.length >= SNIFF_BYTES;
    sniffTransport(transport, timeoutMs, this.opts.clock, decided).then((first) => {
      const policy = this.opts.encryption?.() ?? 'disable';
      if (detectIncoming(first) === 'encrypted') {
        if (policy === 'disable' || !this.opts.acceptEncrypted || !this.opts.skeys) {
          refuse(
            new MseError('encryption-disabled', 'detect', 'an MSE handshake; policy is disable'),
          );
          return;
        }
        const raw = new ReplayTransport(transport, first);
        encryptIncoming(raw, {
          policy,
          skeys: this.opts.skeys,
          clock: this.opts.clock,
          random: this.opts.random!,
        }).then(({ transport: mse, infoHash }) => {
          const port = transport.remotePort;
          if (
            !this.server ||
            !infoHash ||
            !this.opts.acceptEncrypted!(mse, infoHash, { address: ip, port })
          ) {
            mse.destroy();
            return;
          }
          transport.accepted();
        }, refuse);
        return;
      }
      if (policy === 'require') {
        refuse(
          new MseError('plaintext-refused', 'detect', 'a plaintext handshake; policy is require'),
        );
        return;
      }
      const left = Math.max(1, deadline - this.opts.clock.now());
      readTransportHandshake(transport, left, this.opts.clock, first).then(
        ({ handshake, rest }) => {
          if (!this.server || !this.opts.acceptTransport?.(transport, handshake, rest)) {
            transport.destroy();
            return;
          }
          transport.accepted();
        },
        refuse,
      );
    }, refuse);
  }

  private onIncoming(socket: net.Socket): void {
    // --- IPv6 (issue 18): `::ffff:a.b.c.d` is a.b.c.d; an IPv6 /64 is one host for the caps.
    const ip = canonicalIp(socket.remoteAddress ?? '?');
    const host = hostKey(ip);
    const maxPending = this.opts.maxPending ?? MAX_PENDING_HANDSHAKES;
    const maxPerIp = this.opts.maxPendingPerIp ?? MAX_PENDING_HANDSHAKES_PER_IP;
    const fromIp = this.pendingPerIp.get(host) ?? 0;
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
    this.pendingPerIp.set(host, fromIp + 1);
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      this.pending.delete(socket);
      const n = (this.pendingPerIp.get(host) ?? 1) - 1;
      if (n <= 0) this.pendingPerIp.delete(host);
      else this.pendingPerIp.set(host, n);
    };
    socket.once('close', release);
    const onError = (): void => {
      socket.destroy();
    };
    socket.on('error', onError);
    const timeoutMs = this.opts.handshakeTimeoutMs ?? HANDSHAKE_TIMEOUT_MS;
    // One deadline from accept for the sniff and the plaintext handshake together.
    const deadline = this.opts.clock.now() + timeoutMs;
    const refuse = (err: unknown): void => {
      this.opts.logger.log('debug', 'session', `incoming from ${ip} closed: ${describe(err)}`);
      socket.destroy();
    };
    sniff(socket, timeoutMs, this.opts.clock).then((first) => {
      const policy = this.opts.encryption?.() ?? 'disable';
      const encrypted = detectIncoming(first) === 'encrypted';
      // Put the bytes back: the handshake readers below start from the first byte.
      if (!socket.destroyed) socket.unshift(first);
      if (encrypted) {
        if (policy === 'disable' || !this.opts.acceptEncrypted || !this.opts.skeys) {
          refuse(
            new MseError('encryption-disabled', 'detect', 'an MSE handshake; policy is disable'),
          );
          return;
        }
        this.acceptMse(socket, ip, policy, release, onError, refuse);
        return;
      }
      if (policy === 'require') {
        refuse(
          new MseError('plaintext-refused', 'detect', 'a plaintext handshake; policy is require'),
        );
        return;
      }
      this.acceptPlain(
        socket,
        Math.max(1, deadline - this.opts.clock.now()),
        release,
        onError,
        refuse,
      );
    }, refuse);
  }

  /** MSE/PE: the handshake on a transport, then the torrent its SKEY names takes it. */
  private acceptMse(
    socket: net.Socket,
    ip: string,
    policy: EncryptionPolicy,
    release: () => void,
    onError: () => void,
    refuse: (err: unknown) => void,
  ): void {
    const port = socket.remotePort ?? 0;
    socket.off('error', onError);
    const raw = new TcpTransport(socket);
    encryptIncoming(raw, {
      policy,
      skeys: this.opts.skeys!,
      clock: this.opts.clock,
      random: this.opts.random!,
    }).then(
      ({ transport, infoHash }) => {
        release();
        socket.off('close', release);
        if (
          !this.server ||
          !infoHash ||
          !this.opts.acceptEncrypted!(transport, infoHash, { address: ip, port })
        ) {
          transport.destroy();
        }
      },
      (err: unknown) => {
        raw.destroy();
        refuse(err);
      },
    );
  }

  /** Plaintext: the BEP 3 handshake read from the socket, as before MSE. */
  private acceptPlain(
    socket: net.Socket,
    timeoutMs: number,
    release: () => void,
    onError: () => void,
    refuse: (err: unknown) => void,
  ): void {
    readHandshake(socket, timeoutMs, this.opts.clock).then(({ handshake, rest }) => {
      release();
      socket.off('close', release);
      if (!this.server || !this.opts.accept(socket, handshake, rest)) {
        socket.destroy();
        return;
      }
      socket.off('error', onError);
    }, refuse);
  }
}

/**
 * Reads until the first bytes tell plaintext from MSE (at most SNIFF_BYTES), then pauses the
 * socket and returns them; rejects on end, error or the deadline.
 */
function sniff(socket: net.Socket, timeoutMs: number, clock: Clock): Promise<Uint8Array> {
  return new Promise<Uint8Array>((resolve, reject) => {
    let got = new Uint8Array(0);
    let settled = false;
    const finish = (): void => {
      settled = true;
      timer.cancel();
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('close', onEnd);
    };
    const onData = (chunk: Buffer): void => {
      if (settled) return;
      const next = new Uint8Array(got.length + chunk.length);
      next.set(got);
      next.set(chunk, got.length);
      got = next;
      if (detectIncoming(got) === 'undecided' && got.length < SNIFF_BYTES) return;
      socket.pause();
      finish();
      resolve(got);
    };
    const onEnd = (): void => {
      if (settled) return;
      finish();
      reject(new PeerError('remote-closed', 'sniff', 'closed before the handshake'));
    };
    const timer = clock.setTimeout(() => {
      if (settled) return;
      finish();
      reject(new PeerError('timeout', 'sniff', `no handshake within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('close', onEnd);
  });
}

/** A refusal or failure as the log shows it: its CloseReason first. */
function describe(err: unknown): string {
  if (err instanceof MseError) return `${err.closeReason} (MSE ${err.code}: ${err.message})`;
  if (err instanceof PeerError) return `${err.code} (${err.message})`;
  return `protocol-error (${errMessage(err)})`;
}

function errCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | null)?.code;
}

function closeServer(server: net.Server): Promise<void> {
  return new Promise<void>((resolve) => server.close(() => resolve()));
}

function errMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
