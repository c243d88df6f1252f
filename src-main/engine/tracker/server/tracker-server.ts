/**
 * The embedded tracker: a swarm registry behind an HTTP front and a UDP front.
 *
 * Invariants:
 * - `start` never throws for the environment: a bind error (EADDRINUSE, EACCES) or an
 *   unreadable allow-list file ends in `stats().error` with `running: false`, and whatever
 *   was opened is closed again.
 * - `stop` closes both fronts and cancels the expiry timer; afterwards nothing is left open.
 * - Allow-list mode (the app's default) serves only info-hashes the host allows plus those in
 *   the list file; open mode serves any.
 */
import type {
  LogLevel,
  SwarmPeerInfo,
  SwarmStats,
  TrackerServerSettings,
  TrackerServerStats,
} from '../../../../src-shared/model';
import { TRACKER_MAX_STATS_PEERS, TRACKER_MAX_STATS_SWARMS } from '../../limits';
import type { Clock, Random, TimerHandle } from '../../time/clock';
import { clientName } from '../../peer/peer-id';
import { loadAllowList } from './allow-list';
import { announceUrls } from './announce-urls';
import { HttpFront } from './http-front';
import type { RegistryConfig } from './swarm-registry';
import { TrackerCore } from './tracker-core';
import type { TrackerLog } from './tracker-core';
import { UdpFront } from './udp-front';

/** Expired peers are swept at most this often (and at least once per announce interval). */
const EXPIRE_SWEEP_MS = 60_000;

export interface TrackerServerOptions {
  clock: Clock;
  random: Random;
  /** In allow-list mode: whether the host (the app's session) has this torrent. */
  isAllowed?: (infoHashHex: string) => boolean;
  log?: TrackerLog;
  logLevel?: LogLevel;
  /** Honour a client's `ip=` parameter (off: the address always comes from the socket). */
  trustIpParam?: boolean;
  /** Token for `GET /stats` from non-loopback addresses. */
  statsToken?: string;
  /** Overrides of the registry's limits (tests). */
  registry?: Partial<Omit<RegistryConfig, 'intervalSec' | 'minIntervalSec'>>;
}

function errorText(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code && !err.message.includes(code) ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}

export class TrackerServer {
  private core: TrackerCore | null = null;
  private http: HttpFront | null = null;
  private udp: UdpFront | null = null;
  private sweep: TimerHandle | null = null;
  private settings: TrackerServerSettings | null = null;
  private httpPort: number | null = null;
  private udpPort: number | null = null;
  private error: string | null = null;
  private extraAllowed: string[] = [];
  private fileAllowed: string[] = [];

  constructor(private readonly opts: TrackerServerOptions) {}

  async start(settings: TrackerServerSettings): Promise<TrackerServerStats> {
    await this.stop();
    this.settings = settings;
    this.error = null;
    const log = this.opts.log;
    const core = new TrackerCore({
      clock: this.opts.clock,
      random: this.opts.random,
      mode: settings.mode,
      isAllowed: this.opts.isAllowed,
      log,
      logLevel: this.opts.logLevel,
      trustIpParam: this.opts.trustIpParam,
      registry: {
        ...this.opts.registry,
        intervalSec: settings.intervalSec,
        minIntervalSec: settings.minIntervalSec,
      },
    });
    this.core = core;
    try {
      this.fileAllowed = [];
      if (settings.allowListFile) {
        const { hashes, badLines } = await loadAllowList(settings.allowListFile);
        if (badLines.length > 0) {
          core.log(
            'warn',
            `allow-list ${settings.allowListFile}: skipped malformed lines ${badLines.slice(0, 10).join(', ')}`,
          );
        }
        this.fileAllowed = [...hashes];
      }
      core.setListAllowed([...this.fileAllowed, ...this.extraAllowed]);
      if (settings.http) {
        this.http = new HttpFront({
          core,
          statsJson: () => this.stats(),
          statsToken: this.opts.statsToken,
          configuredHost: settings.host,
        });
        this.httpPort = await this.http.listen(settings.host, settings.httpPort);
        // --- IPv6 (issue 18): the wildcard listens on both stacks; v6 missing is not fatal.
        if (this.http.v6Error) core.log('warn', `http over IPv6 unavailable: ${this.http.v6Error}`);
      }
      if (settings.udp) {
        this.udp = new UdpFront(core, this.opts.random.bytes(32));
        this.udpPort = await this.udp.listen(settings.host, settings.udpPort);
        if (this.udp.v6Error) core.log('warn', `udp over IPv6 unavailable: ${this.udp.v6Error}`);
      }
    } catch (err) {
      this.error = errorText(err);
      core.log('error', `tracker failed to start: ${this.error}`);
      await this.closeFronts();
      this.core = null;
      return this.stats();
    }
    const sweepMs = Math.max(1000, Math.min(EXPIRE_SWEEP_MS, settings.intervalSec * 1000));
    this.sweep = this.opts.clock.setInterval(() => {
      const n = core.registry.expire();
      if (n > 0) core.log('debug', `expired ${n} peers`);
    }, sweepMs);
    core.log(
      'info',
      `tracker running (${settings.mode}): ${[
        this.httpPort !== null ? `http ${settings.host}:${this.httpPort}` : null,
        this.udpPort !== null ? `udp ${settings.host}:${this.udpPort}` : null,
      ]
        .filter(Boolean)
        .join(', ')}`,
    );
    return this.stats();
  }

  async stop(): Promise<void> {
    this.sweep?.cancel();
    this.sweep = null;
    await this.closeFronts();
    this.core = null;
  }

  private async closeFronts(): Promise<void> {
    const http = this.http;
    const udp = this.udp;
    this.http = null;
    this.udp = null;
    this.httpPort = null;
    this.udpPort = null;
    await Promise.all([http?.close(), udp?.close()]);
  }

  /** Extra allowed info-hashes (hex), e.g. from the CLI's `--allow`, on top of the list file. */
  setAllowList(hashes: Iterable<string>): void {
    this.extraAllowed = [...hashes].map((h) => h.toLowerCase());
    this.core?.setListAllowed([...this.fileAllowed, ...this.extraAllowed]);
  }

  /** Swarms held (stats().swarms lists at most TRACKER_MAX_STATS_SWARMS of them). */
  get swarmCount(): number {
    return this.core?.registry.swarmCount ?? 0;
  }

  get running(): boolean {
    return this.core !== null;
  }

  stats(): TrackerServerStats {
    const s = this.settings;
    const core = this.core;
    const urlSettings = s
      ? {
          host: s.host,
          http: s.http && (this.httpPort !== null || !core),
          udp: s.udp && (this.udpPort !== null || !core),
          httpPort: this.httpPort ?? s.httpPort,
          udpPort: this.udpPort ?? s.udpPort,
        }
      : null;
    return {
      running: core !== null,
      error: this.error,
      httpPort: this.httpPort,
      udpPort: this.udpPort,
      mode: s?.mode ?? 'allow-list',
      announceUrls: urlSettings ? announceUrls(urlSettings) : [],
      swarms: core ? core.registry.swarmCounts(TRACKER_MAX_STATS_SWARMS) : [],
      peers: core?.registry.totalPeers ?? 0,
      announcesPerSec: core?.announcesPerSec ?? 0,
      scrapesPerSec: core?.scrapesPerSec ?? 0,
      rejected: core?.rejected() ?? {},
    };
  }

  /** One swarm with its peer list, or null when the tracker does not hold it. */
  swarm(infoHashHex: string): SwarmStats | null {
    const core = this.core;
    if (!core) return null;
    const hex = infoHashHex.toLowerCase();
    const peers = core.registry.peers(hex, TRACKER_MAX_STATS_PEERS);
    if (!peers) return null;
    const c = core.registry.scrape(hex);
    return {
      infoHash: hex,
      seeders: c.complete,
      leechers: c.incomplete,
      snatches: c.downloaded,
      peers: peers.map((p): SwarmPeerInfo => ({
        address: p.address,
        port: p.port,
        peerIdHex: Buffer.from(p.peerId, 'latin1').toString('hex'),
        client: clientName(Buffer.from(p.peerId, 'latin1')),
        seeding: p.seeding,
        left: p.left,
        uploaded: p.uploaded,
        downloaded: p.downloaded,
        lastSeenAt: p.lastSeenMs,
        lastEvent: p.lastEvent, // --- tracker view (issue 21)
      })),
    };
  }
}
