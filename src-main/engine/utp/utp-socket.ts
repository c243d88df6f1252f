/**
 * The uTP socket manager: every uTP connection over the one UDP port, multiplexed by remote
 * address, port and connection id. The session feeds it datagrams (`receive`, hooked to
 * UdpEndpoint's 'utp' consumer) and gives it a `send`; it owns one timer for all connections.
 *
 * Invariants:
 * - A datagram goes to the connection whose receive id it names from that address and port, or,
 *   when it is a SYN, opens an incoming connection. Anything else gets a RESET (never a reply to a
 *   RESET) and a malformed datagram is dropped; both are counted.
 * - SYN flood: incoming connections not yet taken by their owner ("pending") are capped overall
 *   (UTP_MAX_PENDING_SYNS) and per IP (UTP_MAX_PENDING_SYNS_PER_IP), and each has a deadline
 *   (HANDSHAKE_TIMEOUT_MS); over a cap a SYN is ignored and counted. All connections together are
 *   capped at UTP_MAX_CONNECTIONS.
 * - The timer runs only while a connection exists; `close` resets every connection and stops it.
 */
import {
  HANDSHAKE_TIMEOUT_MS,
  UTP_MAX_CONNECTIONS,
  UTP_MAX_PENDING_SYNS,
  UTP_MAX_PENDING_SYNS_PER_IP,
} from '../limits';
import type { Clock, Random, TimerHandle } from '../time/clock';
import { ST_RESET, ST_SYN, UtpPacketError, decodePacket, encodePacket } from './packet';
import type { UtpPacket } from './packet';
import { UtpConnection } from './utp-connection';
import { hostKey } from '../net/ip-address';
import { UtpTransport } from './utp-transport';

/** How often connections check their retransmission, keepalive and idle deadlines. */
export const UTP_TICK_MS = 50;
/** How long a lone in-order packet's ack waits for a second packet to share it. */
export const UTP_ACK_DELAY_MS = 1;

export interface UtpSource {
  address: string;
  port: number;
}

export interface UtpSocketOptions {
  send: (packet: Uint8Array, port: number, address: string) => void;
  clock: Clock;
  random: Random;
  /** An incoming connection; its owner reads the handshake, then calls `accepted()` or destroys it. */
  onAccept: (transport: UtpTransport) => void;
  /** Whether SYNs are taken now; when not, each is answered with a RESET so the dialler moves on. */
  acceptingSyns?: () => boolean;
  maxPending?: number;
  maxPendingPerIp?: number;
  maxConnections?: number;
  pendingTimeoutMs?: number;
}

export interface UtpSocketStats {
  connections: number;
  pending: number;
  /** Datagrams that did not decode. */
  malformed: number;
  /** Datagrams for no connection of ours (answered with a RESET unless they were one). */
  stray: number;
  /** SYNs ignored because a cap was reached. */
  refused: number;
}

interface Entry {
  conn: UtpConnection;
  transport: UtpTransport;
  /** When the SYN came, while the connection is incoming and not taken yet; else null. */
  pendingSinceMs: number | null;
}

export class UtpSocket {
  private readonly entries = new Map<string, Entry>();
  private readonly pendingPerIp = new Map<string, number>();
  private pending = 0;
  private timer: TimerHandle | null = null;
  private closed = false;
  private readonly counters = { malformed: 0, stray: 0, refused: 0 };

  constructor(private readonly opts: UtpSocketOptions) {}

  /** One datagram from the UDP port. */
  receive(packet: Uint8Array, from: UtpSource): void {
    if (this.closed) return;
    let p: UtpPacket;
    try {
      p = decodePacket(packet);
    } catch (err) {
      if (!(err instanceof UtpPacketError)) throw err;
      this.counters.malformed++;
      return;
    }
    const entry = this.entries.get(key(from.address, from.port, p.connectionId));
    if (entry) return entry.conn.handlePacket(p);
    if (p.type === ST_SYN) {
      const existing = this.entries.get(
        key(from.address, from.port, (p.connectionId + 1) & 0xffff),
      );
      if (existing) return existing.conn.handlePacket(p);
      return this.acceptSyn(p, from);
    }
    if (p.type === ST_RESET) {
      // A RESET may name the id its sender sends with (ours to receive on is then one off).
      for (const id of [p.connectionId - 1, p.connectionId + 1]) {
        const e = this.entries.get(key(from.address, from.port, id & 0xffff));
        if (e && e.conn.sendId === p.connectionId) return e.conn.handlePacket(p);
      }
    }
    this.counters.stray++;
    if (p.type !== ST_RESET) this.sendReset(p, from);
  }

  /** Dials `address:port`; the transport resolves `connected()` when the remote answers. */
  dial(address: string, port: number): UtpTransport {
    if (this.closed) throw new Error('uTP socket closed');
    if (this.entries.size >= (this.opts.maxConnections ?? UTP_MAX_CONNECTIONS)) {
      throw new Error('too many uTP connections');
    }
    let recvId = 0;
    for (let i = 0; i < 64; i++) {
      recvId = this.opts.random.int(0x10000);
      if (!this.entries.has(key(address, port, recvId))) break;
    }
    const k = key(address, port, recvId);
    if (this.entries.has(k)) throw new Error('no free uTP connection id');
    const conn = new UtpConnection(
      {
        send: (b) => this.opts.send(b, port, address),
        nowMs: () => this.opts.clock.now(),
        recvId,
        sendId: (recvId + 1) & 0xffff,
        initialSeq: 1,
        onGone: () => this.forget(k),
        delayAck: this.delayAck,
      },
      'dial',
    );
    const transport = new UtpTransport(conn, address, port);
    this.add(k, { conn, transport, pendingSinceMs: null });
    return transport;
  }

  stats(): UtpSocketStats {
    return { connections: this.entries.size, pending: this.pending, ...this.counters };
  }

  /** Resets every connection and stops the timer. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const e of [...this.entries.values()]) e.conn.abort(true, new Error('uTP socket closed'));
    this.entries.clear();
    this.timer?.cancel();
    this.timer = null;
  }

  private acceptSyn(p: UtpPacket, from: UtpSource): void {
    if (this.opts.acceptingSyns && !this.opts.acceptingSyns()) {
      this.counters.refused++;
      return this.sendReset(p, from);
    }
    // --- IPv6 (issue 18): pending SYNs count by host, an IPv4 address or an IPv6 /64.
    const host = hostKey(from.address);
    const fromIp = this.pendingPerIp.get(host) ?? 0;
    if (
      this.pending >= (this.opts.maxPending ?? UTP_MAX_PENDING_SYNS) ||
      fromIp >= (this.opts.maxPendingPerIp ?? UTP_MAX_PENDING_SYNS_PER_IP) ||
      this.entries.size >= (this.opts.maxConnections ?? UTP_MAX_CONNECTIONS)
    ) {
      this.counters.refused++;
      return;
    }
    const recvId = (p.connectionId + 1) & 0xffff;
    const k = key(from.address, from.port, recvId);
    const entry: Entry = {
      conn: null as unknown as UtpConnection,
      transport: null as unknown as UtpTransport,
      pendingSinceMs: this.opts.clock.now(),
    };
    entry.conn = new UtpConnection(
      {
        send: (b) => this.opts.send(b, from.port, from.address),
        nowMs: () => this.opts.clock.now(),
        recvId,
        sendId: p.connectionId,
        initialSeq: this.opts.random.int(0x10000),
        onGone: () => this.forget(k),
        delayAck: this.delayAck,
      },
      'accept',
      p,
    );
    entry.transport = new UtpTransport(entry.conn, from.address, from.port, () =>
      this.release(entry, from.address),
    );
    this.pending++;
    this.pendingPerIp.set(host, fromIp + 1);
    this.add(k, entry);
    this.opts.onAccept(entry.transport);
  }

  private release(entry: Entry, address: string): void {
    if (entry.pendingSinceMs === null) return;
    entry.pendingSinceMs = null;
    this.pending--;
    const ip = hostKey(address);
    const n = (this.pendingPerIp.get(ip) ?? 1) - 1;
    if (n <= 0) this.pendingPerIp.delete(ip);
    else this.pendingPerIp.set(ip, n);
  }

  private sendReset(p: UtpPacket, from: UtpSource): void {
    this.opts.send(
      encodePacket({
        type: ST_RESET,
        connectionId: p.connectionId,
        timestampUs: (this.opts.clock.now() * 1000) >>> 0,
        timestampDiffUs: 0,
        wndSize: 0,
        seqNr: this.opts.random.int(0x10000),
        ackNr: p.seqNr,
        selectiveAck: null,
      }),
      from.port,
      from.address,
    );
  }

  private add(k: string, entry: Entry): void {
    this.entries.set(k, entry);
    this.timer ??= this.opts.clock.setInterval(this.tick, UTP_TICK_MS);
  }

  private forget(k: string): void {
    const entry = this.entries.get(k);
    if (!entry) return;
    this.entries.delete(k);
    this.release(entry, entry.transport.remoteAddress);
    if (this.entries.size === 0) {
      this.timer?.cancel();
      this.timer = null;
    }
  }

  private readonly delayAck = (fn: () => void): TimerHandle =>
    this.opts.clock.setTimeout(fn, UTP_ACK_DELAY_MS);

  private readonly tick = (): void => {
    const now = this.opts.clock.now();
    const deadline = this.opts.pendingTimeoutMs ?? HANDSHAKE_TIMEOUT_MS;
    for (const e of [...this.entries.values()]) {
      if (e.pendingSinceMs !== null && now - e.pendingSinceMs >= deadline) {
        e.conn.abort(true, new Error('uTP handshake timed out'));
        continue;
      }
      e.conn.tick();
    }
  };
}

function key(address: string, port: number, id: number): string {
  return `${address}|${port}|${id}`;
}
