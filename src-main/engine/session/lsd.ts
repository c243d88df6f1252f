/**
 * Local Service Discovery (BEP 14): announces our public torrents to the LAN by UDP multicast,
 * and hands the peers others announce to the torrents we have.
 *
 * Invariants:
 * - One socket, bound to the LSD port with address reuse (several clients on one machine share
 *   it), in the multicast group on one interface (the session's listen address when it has one).
 * - Each torrent `announce` lists is announced at most once per LSD_MIN_ANNOUNCE_INTERVAL_MS
 *   (BEP 14) and again every LSD_ANNOUNCE_INTERVAL_MS; up to LSD_MAX_INFOHASHES_PER_MESSAGE
 *   info-hashes share one message.
 * - Received datagrams are bounded (size, lines, hashes; lsd-message.ts) and rate-limited per
 *   source IP (a bounded table); malformed ones, over-rate ones and our own (cookie) are ignored.
 * - `stop()` closes the socket and the timer; nothing is left running.
 */
import dgram from 'node:dgram';
import type { Clock, Random, TimerHandle } from '../time/clock';
import type { Logger } from '../log/logger';
import {
  LSD_ANNOUNCE_INTERVAL_MS,
  LSD_MAX_INFOHASHES_PER_MESSAGE,
  LSD_MAX_MESSAGE_BYTES,
  LSD_MAX_MESSAGES_PER_IP_PER_WINDOW,
  LSD_MIN_ANNOUNCE_INTERVAL_MS,
  LSD_MULTICAST_GROUP4,
  LSD_PORT,
  LSD_RATE_LIMIT_MAX_IPS,
  LSD_TICK_MS,
} from '../limits';
import { decodeLsdAnnounce, encodeLsdAnnounce, LsdMessageError } from './lsd-message';

/** Where LSD talks: BEP 14's group and port by default; tests pass their own. */
export interface LsdOptions {
  group: string;
  port: number;
  /** The local IPv4 address whose interface joins the group and sends; the OS's choice if absent. */
  interface?: string;
}

export const DEFAULT_LSD_OPTIONS: LsdOptions = { group: LSD_MULTICAST_GROUP4, port: LSD_PORT };

export interface LsdDeps {
  clock: Clock;
  random: Random;
  logger: Logger;
  listenPort: () => number;
  /** Info-hashes (hex) to announce now: public torrents that want peers. */
  announce: () => Iterable<string>;
  /** A peer on the LAN announced this info-hash. */
  found: (infoHashHex: string, peer: { address: string; port: number }) => void;
}

export class LsdService {
  private socket: dgram.Socket | null = null;
  private timer: TimerHandle | null = null;
  /** Info-hash to when we last announced it. */
  private readonly lastAnnounced = new Map<string, number>();
  /** Source IP to [window start, messages in it]; oldest entries leave first. */
  private readonly rates = new Map<string, { start: number; count: number }>();
  private readonly cookie: string;
  /** Once stopped, a service stays stopped; the session makes a new one. */
  private stopped = false;
  /** What the previous tick announced or kept: a torrent missing from it has (re)started. */
  private wantedBefore = new Set<string>();
  /** Torrents that (re)started since their last announce: due after a minute, not five. */
  private readonly restarted = new Set<string>();

  constructor(
    private readonly opts: LsdOptions,
    private readonly deps: LsdDeps,
  ) {
    this.cookie = Buffer.from(deps.random.bytes(8)).toString('hex');
  }

  get running(): boolean {
    return this.socket !== null;
  }

  async start(): Promise<void> {
    if (this.socket || this.stopped) return;
    const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true });
    socket.on('message', (msg, rinfo) => this.onMessage(msg, rinfo.address));
    socket.on('error', (err) => this.log('warn', `socket error: ${err.message}`));
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(this.opts.port, () => {
        socket.off('error', reject);
        resolve();
      });
    }).catch((err: unknown) => {
      socket.close();
      throw err;
    });
    // stop() came while we were binding: it found no socket to close, so close it here.
    if (this.stopped) return void socket.close();
    try {
      socket.addMembership(this.opts.group, this.opts.interface);
      if (this.opts.interface) socket.setMulticastInterface(this.opts.interface);
      // Other clients on this machine listen on the same port; our own copy is dropped by cookie.
      socket.setMulticastLoopback(true);
      socket.setMulticastTTL(1);
    } catch (err) {
      socket.close();
      throw err;
    }
    this.socket = socket;
    this.timer = this.deps.clock.setInterval(() => this.tick(), LSD_TICK_MS);
    this.tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = null;
    const socket = this.socket;
    this.socket = null;
    this.lastAnnounced.clear();
    this.wantedBefore.clear();
    this.restarted.clear();
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }

  /** Announces the torrents that are due. */
  tick(): void {
    const socket = this.socket;
    if (!socket) return;
    const now = this.deps.clock.now();
    const wanted = new Set(this.deps.announce());
    for (const [h, at] of this.lastAnnounced)
      if (!wanted.has(h) && now - at >= LSD_ANNOUNCE_INTERVAL_MS) this.lastAnnounced.delete(h);
    for (const h of wanted) if (!this.wantedBefore.has(h)) this.restarted.add(h);
    for (const h of this.restarted) if (!wanted.has(h)) this.restarted.delete(h);
    const due = [...wanted].filter((h) => {
      const last = this.lastAnnounced.get(h);
      if (last === undefined || now - last >= LSD_ANNOUNCE_INTERVAL_MS) return true;
      // A torrent that just (re)started is announced soon, but never twice in a minute (BEP 14).
      return this.restarted.has(h) && now - last >= LSD_MIN_ANNOUNCE_INTERVAL_MS;
    });
    this.wantedBefore = wanted;
    for (let i = 0; i < due.length; i += LSD_MAX_INFOHASHES_PER_MESSAGE) {
      const batch = due.slice(i, i + LSD_MAX_INFOHASHES_PER_MESSAGE);
      const msg = encodeLsdAnnounce({
        host: `${this.opts.group}:${this.opts.port}`,
        port: this.deps.listenPort(),
        infoHashes: batch,
        cookie: this.cookie,
      });
      socket.send(msg, this.opts.port, this.opts.group, (err) => {
        if (err) this.log('debug', `announce failed: ${err.message}`);
      });
      for (const h of batch) {
        this.lastAnnounced.set(h, now);
        this.restarted.delete(h);
      }
    }
  }

  private onMessage(msg: Buffer, address: string): void {
    if (msg.length > LSD_MAX_MESSAGE_BYTES) return;
    if (!this.allow(address)) return;
    let a;
    try {
      a = decodeLsdAnnounce(msg);
    } catch (err) {
      if (!(err instanceof LsdMessageError)) throw err;
      this.log('debug', `ignored a message from ${address}: ${err.message}`);
      return;
    }
    if (a.cookie === this.cookie) return;
    for (const h of a.infoHashes) this.deps.found(h, { address, port: a.port });
  }

  /** Per-IP rate: LSD_MAX_MESSAGES_PER_IP_PER_WINDOW per minute, in a bounded table. */
  private allow(address: string): boolean {
    const now = this.deps.clock.now();
    let r = this.rates.get(address);
    if (!r || now - r.start >= LSD_MIN_ANNOUNCE_INTERVAL_MS) {
      if (r) this.rates.delete(address);
      if (this.rates.size >= LSD_RATE_LIMIT_MAX_IPS) {
        const oldest = this.rates.keys().next().value;
        if (oldest !== undefined) this.rates.delete(oldest);
      }
      r = { start: now, count: 0 };
      this.rates.set(address, r);
    }
    return ++r.count <= LSD_MAX_MESSAGES_PER_IP_PER_WINDOW;
  }

  private log(level: 'warn' | 'debug', message: string): void {
    this.deps.logger.log(level, 'lsd', message);
  }
}
