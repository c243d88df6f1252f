/**
 * A UDP socket connected to the gateway, for NAT-PMP and PCP: one request at a time, sent again
 * on a doubling schedule until an answer is accepted or the tries run out.
 *
 * Invariants: a connected socket receives only the gateway's datagrams; each exchange ends
 * (answer, refusal, or NatError after the last try) within the schedule on the injected clock;
 * garbage is remembered and named in the timeout's reason, never thrown through; `close` ends any
 * exchange in flight.
 */
import dgram from 'node:dgram';
import { PCP_MAX_MESSAGE_BYTES } from '../limits';
import type { Clock, Random, TimerHandle } from '../time/clock';
import { NatError, NatRefused } from './nat-error';

export interface RetrySchedule {
  initialMs: number;
  attempts: number;
  /** RFC 6887's +-10% on each timeout; NAT-PMP has none. */
  jitter: boolean;
}

/** The gateway never gave a usable answer. */
export class NatTimeout extends NatError {
  constructor(
    message: string,
    readonly sawGarbage: boolean,
  ) {
    super(message);
    this.name = 'NatTimeout';
  }
}

interface Pending {
  onMessage(msg: Uint8Array): void;
  fail(err: Error): void;
}

export class UdpExchange {
  private pending: Pending | null = null;
  private closed = false;

  private constructor(
    private readonly socket: dgram.Socket,
    readonly localAddress: string,
    private readonly clock: Clock,
    private readonly random: Random,
  ) {
    socket.on('message', (msg) => this.pending?.onMessage(new Uint8Array(msg)));
    // On a connected socket, the gateway's ICMP "port unreachable" comes back as an error: nothing
    // speaks NAT-PMP or PCP there, which is an answer as good as silence and much quicker.
    socket.on('error', (err) => this.pending?.fail(unreachable(err)));
  }

  static open(
    bindAddress: string,
    gateway: { address: string; port: number },
    clock: Clock,
    random: Random,
  ): Promise<UdpExchange> {
    return new Promise((resolve, reject) => {
      const socket = dgram.createSocket('udp4');
      const fail = (err: Error): void => {
        socket.close();
        reject(new NatError(`cannot reach the gateway ${gateway.address}: ${err.message}`));
      };
      socket.once('error', fail);
      socket.bind(0, bindAddress, () => {
        socket.connect(gateway.port, gateway.address, () => {
          socket.off('error', fail);
          resolve(new UdpExchange(socket, socket.address().address, clock, random));
        });
      });
    });
  }

  /**
   * Sends `request` and resolves with the first datagram `accept` turns into a value. `accept`
   * returns undefined for a datagram that is not the answer (another nonce), throws NatRefused
   * to end with a refusal, or any NatError for garbage.
   */
  exchange<T>(
    request: Uint8Array,
    accept: (msg: Uint8Array) => T | undefined,
    schedule: RetrySchedule,
    what: string,
  ): Promise<T> {
    if (this.closed) return Promise.reject(new NatError('closed'));
    if (this.pending) return Promise.reject(new Error('one exchange at a time'));
    return new Promise<T>((resolve, reject) => {
      let attempt = 0;
      let rtoMs = schedule.initialMs;
      let timer: TimerHandle | null = null;
      let garbage: string | null = null;
      const end = (): void => {
        timer?.cancel();
        this.pending = null;
      };
      const send = (): void => {
        attempt += 1;
        this.socket.send(request, (err) => {
          if (err) this.pending?.fail(unreachable(err));
        });
        const wait = schedule.jitter ? rtoMs * (0.9 + 0.2 * this.random.next()) : rtoMs;
        timer = this.clock.setTimeout(onTimeout, wait);
        rtoMs *= 2;
      };
      const onTimeout = (): void => {
        if (attempt < schedule.attempts) return send();
        end();
        reject(
          new NatTimeout(
            garbage
              ? `the gateway answered ${what} with malformed data (${garbage})`
              : `no answer to ${what} after ${attempt} tries`,
            garbage !== null,
          ),
        );
      };
      this.pending = {
        onMessage: (msg) => {
          if (msg.length > PCP_MAX_MESSAGE_BYTES) {
            garbage = `${msg.length} bytes`;
            return;
          }
          let value: T | undefined;
          try {
            value = accept(msg);
          } catch (err) {
            if (err instanceof NatRefused) {
              end();
              reject(err);
              return;
            }
            if (!(err instanceof NatError)) throw err;
            garbage = err.message.slice(0, 100);
            return;
          }
          if (value === undefined) return;
          end();
          resolve(value);
        },
        fail: (err) => {
          end();
          reject(err);
        },
      };
      send();
    });
  }

  /** Ends the exchange in flight (the mapper closing); the socket stays for deletions. */
  cancel(): void {
    this.pending?.fail(new NatError('closed'));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pending?.fail(new NatError('closed'));
    this.socket.close();
  }
}

function unreachable(err: Error): NatError {
  return new NatTimeout(
    `nothing answers on the gateway's port (${err.message.slice(0, 60)})`,
    false,
  );
}
