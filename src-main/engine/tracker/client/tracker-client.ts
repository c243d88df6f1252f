/**
 * The tracker client of one torrent: BEP 3 HTTP(S) and BEP 15 UDP announces and scrapes,
 * BEP 12 tiers, BEP 27 private torrents.
 *
 * Invariants:
 * - Each group (a tier; for a private torrent, all tiers together) has at most one announce
 *   round in flight and one timer pending. A round tries the group's trackers in order until
 *   one answers; that one moves to the front of its tier (BEP 12).
 * - Timing is decided by the pure `nextAnnounceAt`; this class only applies it.
 * - A tracker first hears `started`; `completed` and `stopped` go only to trackers that
 *   heard `started` successfully.
 * - After `stop()` resolves, no timer, socket or request of this client is left.
 * - Nothing a tracker sends can throw out of here: failures become the tracker's lastError.
 * - With a session's AnnounceQueue (issue 20), every announce holds one of its slots while it
 *   is on the wire: a seed's routine ones as `background` (paced), a download's, `completed`
 *   and a re-announce asked for as `urgent`, `stopped` first of all. A slot the queue takes back
 *   (no answer in time) fails the announce like a timeout.
 */
import type { LogLevel, TrackerAnnounceState, TrackerStatus } from '../../../../src-shared/model';
import {
  TRACKER_CLIENT_NUMWANT,
  TRACKER_HTTP_MAX_RESPONSE_BYTES,
  TRACKER_HTTP_TIMEOUT_MS,
  TRACKER_STOP_TIMEOUT_MS,
  TRACKER_UDP_BASE_TIMEOUT_MS,
  TRACKER_UDP_CONNECTION_ID_TTL_MS,
  TRACKER_UDP_MAX_RETRANSMITS,
} from '../../limits';
import type { Clock, Random, TimerHandle } from '../../time/clock';
import type { AnnounceEvent, AnnounceRequest } from '../codec/announce-request';
import type { PeerAddress } from '../codec/compact-peers';
import type { AnnounceSuccess } from '../codec/http-response';
import type { AnnounceTiming } from './announce-policy';
import { clampIntervalSec, earliestAnnounceAt, nextAnnounceAt } from './announce-policy';
import { TrackerRequestError } from './errors';
import { httpAnnounce, httpScrape } from './http-transport';
import type { HttpTransportOptions } from './http-transport';
import { buildGroups, isSupportedTrackerUrl, promote } from './tiers';
import type { TrackerGroup } from './tiers';
import { UdpTrackerTransport } from './udp-transport';
import type { AnnouncePriority, AnnounceQueue, AnnounceSlot } from './announce-queue';

export interface TrackerClientOptions {
  infoHash: Uint8Array;
  peerId: Uint8Array;
  port: number;
  announceList: string[][];
  isPrivate: boolean;
  clock: Clock;
  random: Random;
  stats: () => { uploaded: number; downloaded: number; left: number };
  numwant?: number;
  onPeers: (peers: { address: string; port: number }[], source: string) => void;
  onLog?: (level: LogLevel, msg: string) => void;
  /** Tests: the BEP 15 retransmit base (spec: 15 s) and the cap on n (spec: 8). */
  udpBaseTimeoutMs?: number;
  udpMaxRetransmits?: number;
  httpTimeoutMs?: number;
  userAgent?: string;
  /** The session's announce queue (issue 20); without one, announces go out at once. */
  queue?: AnnounceQueue;
}

interface TrackerEntry {
  url: string;
  tier: number;
  state: TrackerAnnounceState;
  /** This tracker answered a `started` (so it is owed `completed` and `stopped`). */
  started: boolean;
  completedSent: boolean;
  trackerId: string | null;
  lastAnnounceAt: number | null;
  seeders: number | null;
  leechers: number | null;
  downloaded: number | null;
  lastError: string | null;
  warning: string | null;
}

interface GroupState extends TrackerGroup {
  entries: Map<string, TrackerEntry>;
  timing: AnnounceTiming;
  timer: TimerHandle | null;
  nextAt: number | null;
  inFlight: Promise<void> | null;
  abort: AbortController | null;
  /** An announce asked for while a round was in flight runs right after it. */
  again: boolean;
  /** The next round was asked for (announceNow): it goes ahead of the paced ones. */
  urgent: boolean;
}

type Outcome = Pick<
  AnnounceSuccess,
  'intervalSec' | 'minIntervalSec' | 'trackerId' | 'warning' | 'peers'
> & {
  seeders: number | null;
  leechers: number | null;
  downloaded: number | null;
};

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class TrackerClient {
  private readonly groups: GroupState[];
  private readonly udp: UdpTrackerTransport;
  private readonly http: HttpTransportOptions;
  private readonly key: number;
  private port: number;
  private running = false;
  private stopping = false;
  private completedPending = false;
  /** Scrapes in flight, so `stop()` can cancel and await them. */
  private readonly scrapes = new Set<AbortController>();
  private readonly scrapesDone = new Set<Promise<void>>();

  constructor(private readonly opts: TrackerClientOptions) {
    this.port = opts.port;
    this.key = opts.random.int(2 ** 32);
    this.udp = new UdpTrackerTransport({
      clock: opts.clock,
      random: opts.random,
      baseTimeoutMs: opts.udpBaseTimeoutMs ?? TRACKER_UDP_BASE_TIMEOUT_MS,
      maxRetransmits: opts.udpMaxRetransmits ?? TRACKER_UDP_MAX_RETRANSMITS,
      connectionIdTtlMs: TRACKER_UDP_CONNECTION_ID_TTL_MS,
    });
    this.http = {
      clock: opts.clock,
      timeoutMs: opts.httpTimeoutMs ?? TRACKER_HTTP_TIMEOUT_MS,
      maxBytes: TRACKER_HTTP_MAX_RESPONSE_BYTES,
      userAgent: opts.userAgent ?? 'Swarmscope/0.1',
    };
    this.groups = buildGroups(opts.announceList, opts.isPrivate, opts.random).map((g) => ({
      ...g,
      entries: new Map(
        g.trackers.map((t): [string, TrackerEntry] => [
          t.url,
          {
            url: t.url,
            tier: t.tier,
            state: isSupportedTrackerUrl(t.url) ? 'idle' : 'disabled',
            started: false,
            completedSent: false,
            trackerId: null,
            lastAnnounceAt: null,
            seeders: null,
            leechers: null,
            downloaded: null,
            lastError: isSupportedTrackerUrl(t.url) ? null : 'unsupported tracker URL',
            warning: null,
          },
        ]),
      ),
      timing: { lastAnnounceAt: null, intervalSec: null, minIntervalSec: null, failures: 0 },
      timer: null,
      nextAt: null,
      inFlight: null,
      abort: null,
      again: false,
      urgent: false,
    }));
  }

  private log(level: LogLevel, msg: string): void {
    this.opts.onLog?.(level, msg);
  }

  /** Announces `started` to every group now. */
  start(): void {
    if (this.running || this.stopping) return;
    this.running = true;
    for (const g of this.groups) this.schedule(g, this.opts.clock.now());
  }

  /** The download finished: tell the trackers in use (`completed`) now. */
  completed(): void {
    this.completedPending = true;
    if (!this.running) return;
    for (const g of this.groups) this.runSoon(g, true);
  }

  /**
   * Re-announce now (e.g. to learn about new leechers), honouring each tracker's min interval;
   * `force` ignores it (a 2 s floor still applies). `background` (issue 20): a routine announce
   * the engine decided on, paced with the seeds' others rather than sent ahead of them.
   */
  announceNow(opts: { force?: boolean; background?: boolean } = {}): void {
    if (!this.running) return;
    for (const g of this.groups) {
      if (!opts.background) g.urgent = true;
      const at = Math.max(this.opts.clock.now(), earliestAnnounceAt(g.timing, opts.force ?? false));
      if (g.inFlight) g.again = true;
      else if (g.nextAt === null || at < g.nextAt) this.schedule(g, at);
    }
  }

  setPort(port: number): void {
    if (port === this.port) return;
    this.port = port;
    this.announceNow({ force: true });
  }

  /** Says `stopped` to each tracker that heard `started` (bounded wait), then cancels everything. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    const wasRunning = this.running;
    this.running = false;
    for (const g of this.groups) {
      g.timer?.cancel();
      g.timer = null;
      g.nextAt = null;
      g.abort?.abort();
    }
    for (const a of this.scrapes) a.abort();
    await Promise.all([...this.groups.map((g) => g.inFlight), ...this.scrapesDone]);
    if (wasRunning) {
      const stops = this.groups.flatMap((g) =>
        [...g.entries.values()].filter((e) => e.started).map((e) => this.sendStopped(e)),
      );
      await Promise.all(stops);
    }
    await this.udp.close();
  }

  private async sendStopped(e: TrackerEntry): Promise<void> {
    const abort = new AbortController();
    const timer = this.opts.clock.setTimeout(() => abort.abort(), TRACKER_STOP_TIMEOUT_MS);
    let slot: AnnounceSlot | null = null;
    try {
      // The wait for a slot counts against the same bound: a shutdown ends in time.
      slot = (await this.opts.queue?.acquire('stopped', abort.signal)) ?? null;
      const signal = slot ? AbortSignal.any([abort.signal, slot.signal]) : abort.signal;
      await this.announceOnce(e, 'stopped', signal, {
        udpMaxRetransmits: 0,
        timeoutMs: TRACKER_STOP_TIMEOUT_MS,
      });
      e.started = false;
      e.state = 'idle';
      this.log('debug', `stopped sent to ${e.url}`);
    } catch (err) {
      this.log('debug', `stopped to ${e.url} failed: ${message(err)}`);
    } finally {
      slot?.release();
      timer.cancel();
    }
  }

  private schedule(g: GroupState, at: number): void {
    g.timer?.cancel();
    g.nextAt = at;
    g.timer = this.opts.clock.setTimeout(
      () => {
        g.timer = null;
        g.nextAt = null;
        this.run(g);
      },
      Math.max(0, at - this.opts.clock.now()),
    );
  }

  private runSoon(g: GroupState, force: boolean): void {
    if (g.inFlight) {
      g.again = true;
      return;
    }
    this.schedule(
      g,
      Math.max(this.opts.clock.now(), force ? 0 : earliestAnnounceAt(g.timing, false)),
    );
  }

  private run(g: GroupState): void {
    if (!this.running || g.inFlight) return;
    g.abort = new AbortController();
    g.inFlight = this.round(g, g.abort.signal)
      // Only a throwing onPeers callback (a bug in the caller) gets here; it must not take the
      // process down as an unhandled rejection, nor stop this group's schedule.
      .catch((err: unknown) => this.log('error', `announce round failed: ${message(err)}`))
      .finally(() => {
        g.inFlight = null;
        g.abort = null;
        g.urgent = false;
        if (!this.running) return;
        const now = this.opts.clock.now();
        if (g.again) {
          g.again = false;
          this.schedule(g, Math.max(now, earliestAnnounceAt(g.timing, true)));
        } else {
          this.schedule(g, nextAnnounceAt(g.timing, now));
        }
      });
  }

  /** One announce round: the group's trackers in order until one answers. */
  private async round(g: GroupState, signal: AbortSignal): Promise<void> {
    g.timing.lastAnnounceAt = this.opts.clock.now();
    for (let i = 0; i < g.trackers.length; i++) {
      const e = g.entries.get((g.trackers[i] as { url: string }).url) as TrackerEntry;
      if (e.state === 'disabled') continue;
      const event: AnnounceEvent = !e.started
        ? 'started'
        : this.completedPending && !e.completedSent
          ? 'completed'
          : 'none';
      // --- announce queue (issue 20): wait for a slot; a stop while waiting leaves the queue.
      let slot: AnnounceSlot | null = null;
      if (this.opts.queue) {
        try {
          slot = await this.opts.queue.acquire(this.priorityOf(g, event), signal);
        } catch {
          return; // stopped, or the session is closing
        }
        // The interval runs from when the request went out, not from when it joined the queue:
        // the spread the pacing gave the first announces carries over to the next ones.
        g.timing.lastAnnounceAt = this.opts.clock.now();
      }
      e.state = 'announcing';
      try {
        const wire = slot ? AbortSignal.any([signal, slot.signal]) : signal;
        const r = await this.announceOnce(e, event, wire, {});
        if (signal.aborted) return;
        e.state = 'working';
        e.lastError = null;
        e.lastAnnounceAt = this.opts.clock.now();
        e.started = true;
        // A tracker that first hears of us once we are done never needs `completed`.
        if (event === 'completed' || (event === 'started' && this.completedPending))
          e.completedSent = true;
        e.warning = r.warning;
        if (r.trackerId !== null) e.trackerId = r.trackerId;
        e.seeders = r.seeders;
        e.leechers = r.leechers;
        if (r.downloaded !== null) e.downloaded = r.downloaded;
        g.timing.intervalSec = clampIntervalSec(r.intervalSec);
        g.timing.minIntervalSec = r.minIntervalSec;
        g.timing.failures = 0;
        promote(g, i);
        this.log(
          'debug',
          `${e.url}: ${event} -> ${r.peers.length} peers, interval ${r.intervalSec}s`,
        );
        if (r.peers.length > 0) this.opts.onPeers(r.peers, e.url);
        return;
      } catch (err) {
        if (signal.aborted) {
          e.state = e.started ? 'working' : 'idle';
          return;
        }
        e.state = 'error';
        // A slot taken back by the queue: the tracker did not answer in time.
        e.lastError = slot?.signal.aborted ? message(slot.signal.reason) : message(err);
        this.log(
          err instanceof TrackerRequestError && err.code === 'failure-reason' ? 'warn' : 'debug',
          `${e.url}: ${e.lastError}`,
        );
      } finally {
        slot?.release();
      }
    }
    g.timing.failures++;
  }

  /** Issue 20: what a person waits on goes first; a seed's routine announces are paced. */
  private priorityOf(g: GroupState, event: AnnounceEvent): AnnouncePriority {
    if (g.urgent || event === 'completed') return 'urgent';
    return this.opts.stats().left > 0 ? 'urgent' : 'background';
  }

  private request(event: AnnounceEvent, trackerId: string | null): AnnounceRequest {
    const s = this.opts.stats();
    return {
      infoHash: this.opts.infoHash,
      peerId: this.opts.peerId,
      port: this.port,
      uploaded: s.uploaded,
      downloaded: s.downloaded,
      left: s.left,
      event,
      numwant: event === 'stopped' ? 0 : (this.opts.numwant ?? TRACKER_CLIENT_NUMWANT),
      compact: true,
      noPeerId: false,
      key: this.key.toString(16),
      trackerId,
      // The tracker takes our address from the socket.
      ip: null,
    };
  }

  private async announceOnce(
    e: TrackerEntry,
    event: AnnounceEvent,
    signal: AbortSignal,
    o: { udpMaxRetransmits?: number; timeoutMs?: number },
  ): Promise<Outcome> {
    const p = this.request(event, e.trackerId);
    if (e.url.startsWith('udp:')) {
      const tries =
        o.udpMaxRetransmits === undefined
          ? undefined
          : {
              maxRetransmits: o.udpMaxRetransmits,
              baseTimeoutMs: Math.min(
                o.timeoutMs ?? Infinity,
                this.opts.udpBaseTimeoutMs ?? TRACKER_UDP_BASE_TIMEOUT_MS,
              ),
            };
      const r = await this.udp.announce(e.url, p, signal, tries);
      return {
        intervalSec: r.intervalSec,
        minIntervalSec: null,
        trackerId: null,
        warning: null,
        peers: r.peers,
        seeders: r.seeders,
        leechers: r.leechers,
        downloaded: null,
      };
    }
    const http = o.timeoutMs === undefined ? this.http : { ...this.http, timeoutMs: o.timeoutMs };
    const r = await httpAnnounce(e.url, p, http, signal);
    return {
      intervalSec: r.intervalSec,
      minIntervalSec: r.minIntervalSec,
      trackerId: r.trackerId,
      warning: r.warning,
      peers: r.peers as PeerAddress[],
      seeders: r.complete,
      leechers: r.incomplete,
      downloaded: r.downloaded,
    };
  }

  /** BEP 48 / BEP 15 scrape of each group's front tracker; counts land in `statuses()`. */
  async scrape(): Promise<TrackerStatus[]> {
    if (this.stopping) return this.statuses();
    const all = Promise.all(
      this.groups.map(async (g) => {
        const front = g.trackers
          .map((t) => g.entries.get(t.url) as TrackerEntry)
          .find((e) => e.state !== 'disabled');
        if (!front) return;
        const abort = new AbortController();
        this.scrapes.add(abort);
        try {
          if (front.url.startsWith('udp:')) {
            const r = await this.udp.scrape(front.url, this.opts.infoHash, abort.signal);
            front.seeders = r.seeders;
            front.leechers = r.leechers;
            front.downloaded = r.completed;
          } else {
            const r = await httpScrape(front.url, this.opts.infoHash, this.http, abort.signal);
            front.seeders = r.complete;
            front.leechers = r.incomplete;
            front.downloaded = r.downloaded;
          }
        } catch (err) {
          this.log('debug', `scrape ${front.url}: ${message(err)}`);
          front.lastError = message(err);
        } finally {
          this.scrapes.delete(abort);
        }
      }),
    ).then(() => undefined);
    this.scrapesDone.add(all);
    await all;
    this.scrapesDone.delete(all);
    return this.statuses();
  }

  statuses(): TrackerStatus[] {
    const out: TrackerStatus[] = [];
    for (const g of this.groups) {
      const frontUrl = g.trackers.find((t) => g.entries.get(t.url)?.state !== 'disabled')?.url;
      for (const t of g.trackers) {
        const e = g.entries.get(t.url) as TrackerEntry;
        out.push({
          url: e.url,
          tier: e.tier,
          state: e.state,
          lastAnnounceAt: e.lastAnnounceAt,
          nextAnnounceAt: t.url === frontUrl ? g.nextAt : null,
          seeders: e.seeders,
          leechers: e.leechers,
          downloaded: e.downloaded,
          lastError: e.lastError,
          warning: e.warning,
        });
      }
    }
    return out.sort((a, b) => a.tier - b.tier);
  }
}
