/**
 * BEP 15 UDP tracker requests: connect, then announce or scrape, with the spec's retransmits.
 *
 * Invariants:
 * - A request waits `baseTimeoutMs * 2^n` for an answer, then resends, n = 0..maxRetransmits
 *   (the spec: 15 s base, n up to 8); then it fails with 'timeout'.
 * - A connection id is reused for `connectionIdTtlMs` (BEP 15: one minute), then a new connect
 *   is made, including between retransmits of a long request.
 * - All requests share one socket per address family (closed by `close()`); answers are
 *   matched by transaction id, and anything else arriving on the socket is ignored.
 */
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { TRACKER_CLIENT_MAX_PEERS_PER_RESPONSE } from '../../limits';
import type { Clock, Random } from '../../time/clock';
import type { AnnounceRequest } from '../codec/announce-request';
import type { PeerAddress } from '../codec/compact-peers';
import { TrackerProtocolError } from '../codec/errors';
import {
  decodeUdpResponse,
  encodeUdpAnnounceRequest,
  encodeUdpConnectRequest,
  encodeUdpScrapeRequest,
} from '../codec/udp-packets';
import type { UdpResponse } from '../codec/udp-packets';
import { TrackerRequestError } from './errors';

export interface UdpTransportOptions {
  clock: Clock;
  random: Random;
  baseTimeoutMs: number;
  maxRetransmits: number;
  connectionIdTtlMs: number;
}

export interface UdpAnnounceResult {
  intervalSec: number;
  seeders: number;
  leechers: number;
  peers: PeerAddress[];
}

interface Endpoint {
  host: string;
  port: number;
}

function parseUdpUrl(url: string, operation: string): Endpoint {
  let u: URL;
  try {
    u = new URL(url);
  } catch (err) {
    throw new TrackerRequestError('unsupported', operation, `bad URL ${url}`, err);
  }
  if (u.protocol !== 'udp:' || !u.port)
    throw new TrackerRequestError('unsupported', operation, `not a udp://host:port URL: ${url}`);
  const host = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
  return { host, port: Number(u.port) };
}

type Waiter = (r: UdpResponse | TrackerRequestError) => void;

/**
 * One socket per address family for all of a client's UDP trackers (as libtorrent does): a
 * connection id is tied to the address and port it was issued to, so requests must keep
 * their source port for the id's lifetime. `close()` releases the sockets.
 */
export class UdpTrackerTransport {
  private readonly connectionIds = new Map<string, { id: Uint8Array; obtainedAt: number }>();
  private readonly sockets = new Map<4 | 6, Promise<Socket>>();
  private readonly waiters = new Map<number, Waiter>();
  private closed = false;

  constructor(private readonly opts: UdpTransportOptions) {}

  async announce(
    url: string,
    request: AnnounceRequest,
    signal: AbortSignal,
    tries?: { maxRetransmits?: number; baseTimeoutMs?: number },
  ): Promise<UdpAnnounceResult> {
    const op = 'udp announce';
    const r = await this.request(
      url,
      op,
      signal,
      (connectionId, transactionId) =>
        encodeUdpAnnounceRequest({ connectionId, transactionId, request }),
      tries,
    );
    if (r.action !== 'announce')
      throw new TrackerRequestError('protocol', op, `unexpected ${r.action} answer`);
    return { intervalSec: r.intervalSec, seeders: r.seeders, leechers: r.leechers, peers: r.peers };
  }

  async scrape(
    url: string,
    infoHash: Uint8Array,
    signal: AbortSignal,
  ): Promise<{ seeders: number; completed: number; leechers: number }> {
    const op = 'udp scrape';
    const r = await this.request(url, op, signal, (connectionId, transactionId) =>
      encodeUdpScrapeRequest({ connectionId, transactionId, infoHashes: [infoHash] }),
    );
    if (r.action !== 'scrape' || r.files.length < 1)
      throw new TrackerRequestError('protocol', op, `unexpected ${r.action} answer`);
    return r.files[0] as { seeders: number; completed: number; leechers: number };
  }

  /** Closes the sockets; requests still waiting fail as cancelled. */
  async close(): Promise<void> {
    this.closed = true;
    for (const [tid, w] of this.waiters) {
      this.waiters.delete(tid);
      w(new TrackerRequestError('cancelled', 'udp request', 'transport closed'));
    }
    const sockets = [...this.sockets.values()];
    this.sockets.clear();
    for (const p of sockets) {
      const socket = await p.catch(() => null);
      if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
    }
  }

  private socketFor(family: 4 | 6, op: string): Promise<Socket> {
    let p = this.sockets.get(family);
    if (!p) {
      p = new Promise<Socket>((resolve, reject) => {
        const socket = createSocket(family === 6 ? 'udp6' : 'udp4');
        socket.once('error', (err) => {
          socket.close();
          reject(new TrackerRequestError('network', op, err.message, err));
        });
        socket.bind(0, () => {
          socket.removeAllListeners('error');
          socket.on('error', (err) =>
            this.failAll(new TrackerRequestError('network', op, err.message, err)),
          );
          socket.on('message', (msg: Buffer) => this.onMessage(msg, family));
          resolve(socket);
        });
      });
      this.sockets.set(family, p);
      // A socket that failed to open is forgotten, so the next request tries again.
      p.catch(() => this.sockets.delete(family));
    }
    return p;
  }

  private failAll(err: TrackerRequestError): void {
    for (const [tid, w] of this.waiters) {
      this.waiters.delete(tid);
      w(err);
    }
  }

  private onMessage(msg: Buffer, family: 4 | 6): void {
    if (msg.length < 8) return;
    const w = this.waiters.get(msg.readUInt32BE(4));
    if (!w) return;
    this.waiters.delete(msg.readUInt32BE(4));
    try {
      w(decodeUdpResponse(msg, family, TRACKER_CLIENT_MAX_PEERS_PER_RESPONSE));
    } catch (err) {
      if (!(err instanceof TrackerProtocolError)) throw err;
      w(new TrackerRequestError('protocol', 'udp response', err.message, err));
    }
  }

  /** Sends and waits up to `timeoutMs` for the answer with this transaction id; null on timeout. */
  private exchange(
    socket: Socket,
    to: { address: string; port: number },
    packet: Uint8Array,
    tid: number,
    timeoutMs: number,
    signal: AbortSignal,
    op: string,
  ): Promise<UdpResponse | null> {
    return new Promise<UdpResponse | null>((resolve, reject) => {
      const done = (r: UdpResponse | TrackerRequestError | null): void => {
        timer.cancel();
        signal.removeEventListener('abort', onAbort);
        this.waiters.delete(tid);
        if (r instanceof TrackerRequestError) reject(r);
        else resolve(r);
      };
      const onAbort = (): void => done(new TrackerRequestError('cancelled', op, 'cancelled'));
      const timer = this.opts.clock.setTimeout(() => done(null), timeoutMs);
      this.waiters.set(tid, done);
      signal.addEventListener('abort', onAbort, { once: true });
      socket.send(packet, to.port, to.address, (err) => {
        if (err) done(new TrackerRequestError('network', op, err.message, err));
      });
    });
  }

  private newTransactionId(): number {
    for (;;) {
      const tid = this.opts.random.int(2 ** 32);
      if (!this.waiters.has(tid)) return tid;
    }
  }

  private async resolve(host: string, op: string): Promise<{ address: string; family: 4 | 6 }> {
    const literal = isIP(host);
    if (literal) return { address: host, family: literal as 4 | 6 };
    try {
      const r = await lookup(host);
      return { address: r.address, family: r.family === 6 ? 6 : 4 };
    } catch (err) {
      throw new TrackerRequestError(
        'network',
        op,
        `cannot resolve ${host}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
        err,
      );
    }
  }

  private async request(
    url: string,
    op: string,
    signal: AbortSignal,
    build: (connectionId: Uint8Array, transactionId: number) => Uint8Array,
    tries: { maxRetransmits?: number; baseTimeoutMs?: number } = {},
  ): Promise<UdpResponse> {
    if (this.closed) throw new TrackerRequestError('cancelled', op, 'transport closed');
    const endpoint = parseUdpUrl(url, op);
    const { address, family } = await this.resolve(endpoint.host, op);
    if (signal.aborted) throw new TrackerRequestError('cancelled', op, 'cancelled');
    const socket = await this.socketFor(family, op);
    const to = { address, port: endpoint.port };
    const key = `${address}:${endpoint.port}`;
    const maxRetransmits = tries.maxRetransmits ?? this.opts.maxRetransmits;
    const base = tries.baseTimeoutMs ?? this.opts.baseTimeoutMs;
    let n = 0;
    const nextTry = (): void => {
      if (n >= maxRetransmits)
        throw new TrackerRequestError('timeout', op, `no answer after ${n + 1} tries`);
      n++;
    };
    // One fresh connect is allowed when a cached id is refused (the tracker may have restarted).
    let refreshed = false;
    for (;;) {
      const cached = this.connectionIds.get(key);
      let connectionId: Uint8Array;
      let fromCache = false;
      if (cached && this.opts.clock.now() - cached.obtainedAt < this.opts.connectionIdTtlMs) {
        connectionId = cached.id;
        fromCache = true;
      } else {
        const tid = this.newTransactionId();
        const r = await this.exchange(
          socket,
          to,
          encodeUdpConnectRequest(tid),
          tid,
          base * 2 ** n,
          signal,
          op,
        );
        if (r === null) {
          nextTry();
          continue;
        }
        if (r.action === 'error') throw new TrackerRequestError('failure-reason', op, r.message);
        if (r.action !== 'connect')
          throw new TrackerRequestError('protocol', op, `unexpected ${r.action} answer to connect`);
        connectionId = r.connectionId;
        this.connectionIds.set(key, { id: connectionId, obtainedAt: this.opts.clock.now() });
      }
      const tid = this.newTransactionId();
      const r = await this.exchange(
        socket,
        to,
        build(connectionId, tid),
        tid,
        base * 2 ** n,
        signal,
        op,
      );
      if (r === null) {
        nextTry();
        continue;
      }
      if (r.action === 'error') {
        this.connectionIds.delete(key);
        if (fromCache && !refreshed) {
          refreshed = true;
          continue;
        }
        throw new TrackerRequestError('failure-reason', op, r.message);
      }
      return r;
    }
  }
}
