/**
 * The session's side of the embedded tracker: starts and stops the TrackerServer with the
 * session's settings, serves its stats (also while stopped, from the settings), and pushes them
 * once a second while it runs. The session announces starts and stops itself, once its settings
 * say so.
 *
 * Invariants: at most one server runs; `stop()` cancels the stats timer and stops the server.
 * The settings themselves belong to the session, which saves them.
 */
import type {
  SwarmStats,
  TrackerServerSettings,
  TrackerServerStats,
} from '../../../src-shared/model';
import type { Clock, Random, TimerHandle } from '../time/clock';
import type { Logger } from '../log/logger';
import { TrackerServer, announceUrls } from '../tracker/server';

/** The tracker panel's figures refresh this often while the tracker runs. */
export const TRACKER_STATS_INTERVAL_MS = 1000;

export interface TrackerHostDeps {
  clock: Clock;
  random: Random;
  logger: Logger;
  /** Allow-list mode serves the torrents of this session (the server adds its list file). */
  isAllowed: (infoHashHex: string) => boolean;
  statsToken?: string;
  changed: (stats: TrackerServerStats) => void;
}

export class TrackerHost {
  private server: TrackerServer | null = null;
  private timer: TimerHandle | null = null;

  constructor(private readonly deps: TrackerHostDeps) {}

  get running(): boolean {
    return this.server?.stats().running ?? false;
  }

  /** (Re)start with these settings; the stats are pushed every second (the first by the caller). */
  async start(settings: TrackerServerSettings): Promise<TrackerServerStats> {
    if (this.server) await this.server.stop();
    const { clock, random, logger } = this.deps;
    this.server = new TrackerServer({
      clock,
      random,
      isAllowed: (hex) => this.deps.isAllowed(hex),
      log: (level, msg) => logger.log(level, 'tracker-server', msg),
      statsToken: this.deps.statsToken,
    });
    const stats = await this.server.start(settings);
    this.timer?.cancel();
    this.timer = clock.setInterval(
      () => this.deps.changed(this.stats(settings)),
      TRACKER_STATS_INTERVAL_MS,
    );
    return stats;
  }

  async stop(): Promise<void> {
    this.timer?.cancel();
    this.timer = null;
    const server = this.server;
    this.server = null;
    if (server) await server.stop();
  }

  /** The running server's stats, or what it would announce under `settings` when stopped. */
  stats(settings: TrackerServerSettings): TrackerServerStats {
    if (this.server) return this.server.stats();
    return {
      running: false,
      error: null,
      httpPort: null,
      udpPort: null,
      mode: settings.mode,
      announceUrls: announceUrls({ ...settings }),
      swarms: [],
      peers: 0,
      announcesPerSec: 0,
      scrapesPerSec: 0,
      rejected: {},
    };
  }

  swarm(infoHash: string): SwarmStats | null {
    return this.server?.swarm(infoHash.toLowerCase()) ?? null;
  }
}
