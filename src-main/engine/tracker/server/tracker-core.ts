/**
 * What both fronts (HTTP and UDP) share: the allow-list decision, the registry call, request
 * counters and rejection accounting. The fronts only parse, call this and serialise.
 * Invariant: nothing here throws for a peer's input; every refusal is a counted reason.
 */
import type { LogLevel, TrackerServerMode } from '../../../../src-shared/model';
import type { Clock, Random } from '../../time/clock';
import type { AnnounceRequest } from '../codec/announce-request';
import { INFO_HASH_BYTES } from '../codec/announce-request';
import {
  COMPACT_PEER4_BYTES,
  COMPACT_PEER6_BYTES,
  ipv4ToBytes,
  ipv6ToBytes,
  normalizeAddress,
} from '../codec/compact-peers';
import type { ScrapeEntry } from '../codec/http-response';
import { RateMeter } from '../../net/rate-meter';
import type { AnnounceOutcome, RegistryAnnounce, RegistryConfig } from './swarm-registry';
import { SwarmRegistry } from './swarm-registry';
import { InfoHashMap, infoHashBytes } from './info-hash-map';
import type { UdpAnnounceFields } from './udp-announce-reader';
import { UDP_ANNOUNCE_INFO_HASH_AT, UDP_ANNOUNCE_PEER_ID_AT } from './udp-announce-reader';

export type TrackerLog = (level: LogLevel, msg: string) => void;

const LEVELS: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

/** The message opentracker uses, which clients already show well. */
export const NOT_AUTHORIZED = 'Requested download is not authorized for use with this tracker.';

export interface TrackerCoreOptions {
  clock: Clock;
  random: Random;
  mode: TrackerServerMode;
  isAllowed?: (infoHashHex: string) => boolean;
  log?: TrackerLog;
  logLevel?: LogLevel;
  /** Honour a client's `ip=` (only for trackers behind a trusted proxy or on a LAN). */
  trustIpParam?: boolean;
  registry?: Partial<RegistryConfig>;
}

export type CoreAnnounceResult =
  Extract<AnnounceOutcome, { ok: true }> | { ok: false; reason: string; message: string };

/** Put back in the reused request, so it holds no packet between announces. */
const NO_BYTES = new Uint8Array(0);

function hex(bytes: Uint8Array): string {
  if (Buffer.isBuffer(bytes)) return bytes.toString('hex');
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex');
}

/** Hex of the 20 info-hash bytes at `at` in `b`. */
function hexAt(b: Uint8Array, at: number): string {
  return Buffer.from(b.buffer, b.byteOffset + at, INFO_HASH_BYTES).toString('hex');
}

export class TrackerCore {
  readonly registry: SwarmRegistry;
  /** net/'s byte-rate meter, fed one unit per request: its `rateBps` reads as requests/s. */
  private readonly announceRate: RateMeter;
  private readonly scrapeRate: RateMeter;
  mode: TrackerServerMode;
  private readonly rejectedCounts = new Map<string, number>();
  private listAllowed = new Set<string>();
  /** The same list by bytes: an announce is checked without making its info-hash hex. */
  private listAllowedBytes: InfoHashMap<true>;
  private readonly logLevel: number;
  /** Filled per announce and handed to the registry, which keeps nothing of it. */
  private readonly toRegistry: RegistryAnnounce = {
    peerId: new Uint8Array(0),
    address: '',
    port: 0,
    uploaded: 0,
    downloaded: 0,
    left: 0,
    event: 'none',
    numwant: null,
    peerList: false,
    peerIdAt: 0,
  };

  constructor(private readonly opts: TrackerCoreOptions) {
    this.registry = new SwarmRegistry(opts.clock, opts.random, opts.registry);
    this.announceRate = new RateMeter(opts.clock);
    this.scrapeRate = new RateMeter(opts.clock);
    this.listAllowedBytes = new InfoHashMap(opts.random.int(0x3fffffff));
    this.mode = opts.mode;
    this.logLevel = LEVELS[opts.logLevel ?? 'info'];
  }

  get announcesPerSec(): number {
    return this.announceRate.rateBps();
  }

  get scrapesPerSec(): number {
    return this.scrapeRate.rateBps();
  }

  get clock(): Clock {
    return this.opts.clock;
  }

  /** Extra allowed info-hashes (the allow-list file and any the host adds), lower-case hex. */
  setListAllowed(hashes: Iterable<string>): void {
    this.listAllowed = new Set([...hashes].map((h) => h.toLowerCase()));
    this.listAllowedBytes.clear();
    for (const h of this.listAllowed) {
      const bytes = infoHashBytes(h);
      if (bytes) this.listAllowedBytes.set(bytes, true);
    }
  }

  /**
   * `isAllowed` for the 20 bytes at `at` of an announce: hex is made only for the host's
   * callback.
   */
  private isAllowedBytes(infoHash: Uint8Array, at = 0): boolean {
    if (this.mode === 'open' || this.listAllowedBytes.has(infoHash, at)) return true;
    return this.opts.isAllowed?.(hexAt(infoHash, at)) ?? false;
  }

  isAllowed(infoHashHex: string): boolean {
    if (this.mode === 'open') return true;
    return this.listAllowed.has(infoHashHex) || (this.opts.isAllowed?.(infoHashHex) ?? false);
  }

  logs(level: LogLevel): boolean {
    return this.opts.log !== undefined && LEVELS[level] <= this.logLevel;
  }

  log(level: LogLevel, msg: string): void {
    if (this.logs(level)) this.opts.log?.(level, msg);
  }

  reject(reason: string, detail?: string): void {
    this.rejectedCounts.set(reason, (this.rejectedCounts.get(reason) ?? 0) + 1);
    if (this.logs('debug')) this.log('debug', `rejected (${reason})${detail ? `: ${detail}` : ''}`);
  }

  rejected(): Record<string, number> {
    return Object.fromEntries(this.rejectedCounts);
  }

  /** `peerList`: also return the sampled peers as objects (for a non-compact answer). */
  announce(
    req: AnnounceRequest,
    socketAddress: string,
    front: 'http' | 'udp',
    peerList = false,
  ): CoreAnnounceResult {
    this.announceRate.add(1);
    if (!this.isAllowedBytes(req.infoHash)) {
      this.reject('not-allowed', hex(req.infoHash));
      return { ok: false, reason: 'not-allowed', message: NOT_AUTHORIZED };
    }
    let address = normalizeAddress(socketAddress);
    if (this.opts.trustIpParam && req.ip !== null && (ipv4ToBytes(req.ip) || ipv6ToBytes(req.ip)))
      address = req.ip;
    const a = this.toRegistry;
    a.peerId = req.peerId;
    a.address = address;
    a.port = req.port;
    a.uploaded = req.uploaded;
    a.downloaded = req.downloaded;
    a.left = req.left;
    a.event = req.event;
    a.numwant = req.numwant;
    a.peerList = peerList;
    const outcome = this.registry.announce(req.infoHash, a);
    a.peerId = NO_BYTES;
    if (!outcome.ok) {
      this.reject(outcome.reason, hex(req.infoHash));
      return outcome;
    }
    if (this.logs('debug')) {
      this.log(
        'debug',
        `${front} announce ${hex(req.infoHash)} from ${address}:${req.port} event=${req.event} left=${req.left} -> ${outcome.peers4.length / COMPACT_PEER4_BYTES + outcome.peers6.length / COMPACT_PEER6_BYTES} peers`,
      );
    }
    return outcome;
  }

  // --- UDP fast path (issue 20) ---

  /**
   * Announces counted by a front in a batch (the UDP front, once per receive batch): the rate
   * meter's clock read and bucket update per packet showed in the profile.
   */
  countAnnounces(n: number): void {
    if (n > 0) this.announceRate.add(n);
  }

  /**
   * `announce` for a BEP 15 announce read in place (udp-announce-reader.ts): the info-hash and
   * peer id stay in `packet`, and nothing is allocated on the way to the registry. Same
   * decisions, refusals and counters as `announce` (which serves a packet with a claimed `ip`),
   * except that the caller counts the announce with `countAnnounces`.
   */
  announceUdp(packet: Uint8Array, f: UdpAnnounceFields, socketAddress: string): CoreAnnounceResult {
    const at = UDP_ANNOUNCE_INFO_HASH_AT;
    if (!this.isAllowedBytes(packet, at)) {
      this.reject('not-allowed', hexAt(packet, at));
      return { ok: false, reason: 'not-allowed', message: NOT_AUTHORIZED };
    }
    const address = normalizeAddress(socketAddress);
    const a = this.toRegistry;
    a.peerId = packet;
    a.peerIdAt = UDP_ANNOUNCE_PEER_ID_AT;
    a.address = address;
    a.port = f.port;
    a.uploaded = f.uploaded;
    a.downloaded = f.downloaded;
    a.left = f.left;
    a.event = f.event;
    a.numwant = f.numwant;
    a.peerList = false;
    const outcome = this.registry.announce(packet, a, at);
    a.peerId = NO_BYTES;
    a.peerIdAt = 0;
    if (!outcome.ok) {
      this.reject(outcome.reason, hexAt(packet, at));
      return outcome;
    }
    if (this.logs('debug')) {
      this.log(
        'debug',
        `udp announce ${hexAt(packet, at)} from ${address}:${f.port} event=${f.event} left=${f.left} -> ${outcome.peers4.length / COMPACT_PEER4_BYTES + outcome.peers6.length / COMPACT_PEER6_BYTES} peers`,
      );
    }
    return outcome;
  }

  /** BEP 48: counts for each asked info-hash; zeros for unknown or not-allowed ones (no leak). */
  scrape(infoHashes: readonly Uint8Array[]): ScrapeEntry[] {
    this.scrapeRate.add(1);
    if (this.logs('debug')) this.log('debug', `scrape of ${infoHashes.length} info-hashes`);
    return infoHashes.map((infoHash) => {
      const h = hex(infoHash);
      const c = this.isAllowed(h)
        ? this.registry.scrape(h)
        : { complete: 0, incomplete: 0, downloaded: 0 };
      return { infoHash, ...c };
    });
  }
}
