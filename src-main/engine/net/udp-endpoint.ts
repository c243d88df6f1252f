/**
 * The engine's one UDP socket on the listen port, shared by the DHT (BEP 5) and uTP (BEP 29).
 *
 * Invariants:
 * - One datagram goes to exactly one consumer, chosen by its first byte: a KRPC message is a
 *   bencoded dict and starts with 'd' (0x64); a uTP header starts with `type << 4 | 1`
 *   (version 1, types 0..4: 0x01, 0x11, 0x21, 0x31, 0x41). Anything else is dropped and counted.
 * - A consumer that is not registered drops its datagrams (counted); nothing is queued.
 * - Errors after binding concern single datagrams and never close the socket.
 */
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';

export type UdpFamily = 'udp4' | 'udp6';

/** Where a datagram came from. */
export interface UdpSource {
  address: string;
  port: number;
}

export type UdpHandler = (packet: Buffer, from: UdpSource) => void;

export type UdpConsumer = 'dht' | 'utp';

const KRPC_FIRST_BYTE = 0x64; // 'd'
/**
 * Socket buffer asked for (the kernel caps it at net.core.rmem_max / wmem_max). uTP peers send
 * bursts of up to a window (about 1.4 MiB) at a time; the default buffer (about 200 KiB) dropped
 * them on loopback whenever the event loop was busy, and each drop cost the sender a timeout.
 */
export const UDP_SOCKET_BUFFER_BYTES = 4 * 1024 * 1024;

/** Which consumer a datagram belongs to, or null when it is neither (see the invariants). */
export function classifyDatagram(packet: Uint8Array): UdpConsumer | null {
  if (packet.length === 0) return null;
  const first = packet[0] as number;
  if (first === KRPC_FIRST_BYTE) return 'dht';
  if ((first & 0x0f) === 1 && first >> 4 <= 4) return 'utp';
  return null;
}

export interface UdpEndpointStats {
  received: number;
  dropped: number;
  sendErrors: number;
}

export class UdpEndpoint {
  private readonly handlers: Partial<Record<UdpConsumer, UdpHandler>> = {};
  private readonly counters: UdpEndpointStats = { received: 0, dropped: 0, sendErrors: 0 };
  private closed = false;

  private constructor(private readonly socket: Socket) {
    socket.on('error', () => void this.counters.sendErrors++);
    socket.on('message', (msg, rinfo) => {
      this.counters.received++;
      const kind = classifyDatagram(msg);
      const handler = kind ? this.handlers[kind] : undefined;
      if (!handler) {
        this.counters.dropped++;
        return;
      }
      handler(msg, { address: rinfo.address, port: rinfo.port });
    });
  }

  /**
   * Binds `host:port` (port 0 picks one; pass the TCP listen port to share it). A udp6 socket is
   * IPv6-only (issue 18): the session opens a udp4 one beside it on the same port, which a
   * dual-stack `::` socket would collide with where the OS makes `::` take v4 too (Linux).
   */
  static async open(host: string, port: number, family: UdpFamily = 'udp4'): Promise<UdpEndpoint> {
    const socket = createSocket({ type: family, reuseAddr: false, ipv6Only: family === 'udp6' });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    try {
      socket.setRecvBufferSize(UDP_SOCKET_BUFFER_BYTES);
      socket.setSendBufferSize(UDP_SOCKET_BUFFER_BYTES);
    } catch {
      // Refused (a sandbox, say): the defaults still work, only slower under bursts.
    }
    return new UdpEndpoint(socket);
  }

  get port(): number {
    return this.socket.address().port;
  }

  /** --- IPv6 (issue 18): which stack this endpoint is on. */
  get family(): UdpFamily {
    return this.socket.address().family === 'IPv6' ? 'udp6' : 'udp4';
  }

  /** Registers the one handler for a consumer (a second registration replaces the first). */
  on(consumer: UdpConsumer, handler: UdpHandler): void {
    this.handlers[consumer] = handler;
  }

  off(consumer: UdpConsumer): void {
    delete this.handlers[consumer];
  }

  send(packet: Uint8Array, port: number, address: string): void {
    if (this.closed) return;
    this.socket.send(packet, port, address, (err) => {
      if (err) this.counters.sendErrors++;
    });
  }

  stats(): UdpEndpointStats {
    return { ...this.counters };
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    return new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }
}
