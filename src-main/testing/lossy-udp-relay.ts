/**
 * An in-process UDP relay on loopback that drops, reorders and duplicates datagrams at set rates,
 * from a seeded generator, for tests of uTP under loss (issue 18).
 *
 * Two sockets: side A talks to `portForA`, side B to `portForB`. What arrives on one is sent on
 * from the other to the far side, so each end sees the relay as its peer. A reordered datagram is
 * held back and sent after the next one on its way (or after `holdMs`), so it arrives late.
 */
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import type { Random } from '../engine/time/clock';

export interface RelayRates {
  drop: number;
  reorder: number;
  duplicate: number;
}

export interface RelayStats {
  forwarded: number;
  dropped: number;
  reordered: number;
  duplicated: number;
}

interface Side {
  socket: Socket;
  /** Where this side's datagrams go (the far end), learnt or given. */
  to: { address: string; port: number } | null;
  held: Buffer | null;
  heldTimer: NodeJS.Timeout | null;
}

export class LossyUdpRelay {
  readonly stats: RelayStats = { forwarded: 0, dropped: 0, reordered: 0, duplicated: 0 };
  private constructor(
    private readonly a: Side,
    private readonly b: Side,
    private readonly rates: RelayRates,
    private readonly random: Random,
    private readonly holdMs: number,
  ) {
    // A datagram from A arrives on a.socket and leaves from b.socket to B, and back.
    a.socket.on('message', (msg, rinfo) => {
      a.to = { address: rinfo.address, port: rinfo.port };
      this.forward(msg, b);
    });
    b.socket.on('message', (msg, rinfo) => {
      b.to ??= { address: rinfo.address, port: rinfo.port };
      this.forward(msg, a);
    });
  }

  /** Opens both sockets on 127.0.0.1; `bPort` is where side B listens. */
  static async open(
    bPort: number,
    rates: RelayRates,
    random: Random,
    holdMs = 5,
  ): Promise<LossyUdpRelay> {
    const bind = async (): Promise<Socket> => {
      const s = createSocket('udp4');
      await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', () => resolve()));
      // Bulk transfers: room for bursts on loopback.
      s.setRecvBufferSize(8 * 1024 * 1024);
      s.setSendBufferSize(8 * 1024 * 1024);
      return s;
    };
    const a: Side = { socket: await bind(), to: null, held: null, heldTimer: null };
    const b: Side = {
      socket: await bind(),
      to: { address: '127.0.0.1', port: bPort },
      held: null,
      heldTimer: null,
    };
    return new LossyUdpRelay(a, b, rates, random, holdMs);
  }

  /** The port side A sends to (as if it were B). */
  get portForA(): number {
    return this.a.socket.address().port;
  }

  async close(): Promise<void> {
    for (const side of [this.a, this.b]) {
      if (side.heldTimer) clearTimeout(side.heldTimer);
      side.heldTimer = null;
      await new Promise<void>((resolve) => side.socket.close(() => resolve()));
    }
  }

  /** Sends `msg` out of `via` to its far end, after the coin flips. */
  private forward(msg: Buffer, via: Side): void {
    const r = this.random.next();
    if (r < this.rates.drop) {
      this.stats.dropped++;
      return;
    }
    if (via.held === null && r < this.rates.drop + this.rates.reorder) {
      this.stats.reordered++;
      via.held = msg;
      via.heldTimer = setTimeout(() => this.release(via), this.holdMs);
      return;
    }
    this.send(msg, via);
    if (this.random.next() < this.rates.duplicate) {
      this.stats.duplicated++;
      this.send(msg, via);
    }
    this.release(via);
  }

  private release(via: Side): void {
    if (via.heldTimer) clearTimeout(via.heldTimer);
    via.heldTimer = null;
    const held = via.held;
    via.held = null;
    if (held) this.send(held, via);
  }

  private send(msg: Buffer, via: Side): void {
    if (!via.to) return;
    this.stats.forwarded++;
    via.socket.send(msg, via.to.port, via.to.address);
  }
}
