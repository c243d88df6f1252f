/**
 * Two UtpSockets joined by an in-memory network for unit tests, on a ManualClock. Datagrams are
 * queued and delivered by `settle`, never inside a send, as a real network would; a filter may
 * drop, hold or record them.
 */
import { ManualClock, seededRandom } from '../time/clock';
import { decodePacket } from './packet';
import type { UtpPacket } from './packet';
import { UtpSocket } from './utp-socket';
import type { UtpSocketOptions } from './utp-socket';
import type { UtpTransport } from './utp-transport';

export interface Datagram {
  bytes: Uint8Array;
  from: { address: string; port: number };
  to: { address: string; port: number };
  packet: UtpPacket;
}

/** Return false to drop a datagram. */
export type DatagramFilter = (d: Datagram) => boolean;

export const A = { address: '10.0.0.1', port: 6881 };
export const B = { address: '10.0.0.2', port: 6882 };

export class TestUtpNet {
  readonly clock = new ManualClock();
  readonly a: UtpSocket;
  readonly b: UtpSocket;
  readonly accepted: UtpTransport[] = [];
  readonly log: Datagram[] = [];
  filter: DatagramFilter = () => true;
  private queue: Datagram[] = [];

  constructor(opts: Partial<UtpSocketOptions> = {}) {
    this.a = this.make(A, 1, opts);
    this.b = this.make(B, 2, opts);
  }

  /** A datagram arriving at `to` from anyone (for hostile input). */
  inject(to: 'a' | 'b', bytes: Uint8Array, from: { address: string; port: number }): void {
    (to === 'a' ? this.a : this.b).receive(bytes, from);
  }

  /**
   * Delivers queued datagrams and lets nextTick flushes run, until quiet (bounded). When nothing
   * is queued the clock moves 1 ms, for acks that wait a moment (UTP_ACK_DELAY_MS).
   */
  async settle(maxRounds = 10_000): Promise<void> {
    for (let i = 0; i < maxRounds; i++) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.queue.length === 0) {
        this.clock.advance(1);
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (this.queue.length === 0) return;
      }
      const batch = this.queue;
      this.queue = [];
      for (const d of batch) {
        const target = d.to.port === A.port ? this.a : this.b;
        target.receive(d.bytes, d.from);
      }
    }
    throw new Error('the network did not settle');
  }

  /** Moves the clock in steps, settling after each, so timers and replies interleave. */
  async advance(ms: number, stepMs = 50): Promise<void> {
    for (let t = 0; t < ms; t += stepMs) {
      this.clock.advance(Math.min(stepMs, ms - t));
      await this.settle();
    }
  }

  private make(
    self: { address: string; port: number },
    seed: number,
    opts: Partial<UtpSocketOptions>,
  ): UtpSocket {
    return new UtpSocket({
      clock: this.clock,
      random: seededRandom(seed),
      onAccept: (t) => this.accepted.push(t),
      send: (bytes, port, address) => {
        const d: Datagram = {
          bytes: new Uint8Array(bytes),
          from: self,
          to: { address, port },
          packet: decodePacket(new Uint8Array(bytes)),
        };
        this.log.push(d);
        if (this.filter(d)) this.queue.push(d);
      },
      ...opts,
    });
  }
}

/** Everything a transport delivers, for assertions. */
export function collect(t: UtpTransport): {
  bytes: () => Buffer;
  ended: () => boolean;
  errors: Error[];
  drains: () => number;
} {
  const chunks: Buffer[] = [];
  let ended = false;
  let drains = 0;
  const errors: Error[] = [];
  t.attach({
    onBytes: (c) => chunks.push(Buffer.from(c)),
    onEnd: () => void (ended = true),
    onError: (e) => void errors.push(e),
    onDrain: () => void drains++,
  });
  t.startReading();
  return { bytes: () => Buffer.concat(chunks), ended: () => ended, errors, drains: () => drains };
}
