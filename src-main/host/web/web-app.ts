/**
 * The web app: one engine Session plus the web host serving it, with their two secrets.
 *
 * Invariant (issue 16 item 9): the UI token and the embedded tracker's /stats token are two
 * independent random tokens. /stats takes its token in a plain-HTTP query string from anyone
 * the tracker (bound to 0.0.0.0 by default) can reach, so whoever reads that token must gain
 * nothing more than the stats: never `fs.list`, `seed.create` or `torrent.add`.
 */
import path from 'node:path';
import { Session } from '../../engine';
import { generateToken } from './security';
import { startWebHost, type WebHost } from './server';
// --- swarm lab (issue 19) ---
import { LabHost } from '../../lab';

export interface WebAppOptions {
  dataDir: string;
  /** The built renderer (out/renderer). */
  staticDir: string;
  downloadDir?: string;
  /** The engine's peer listen port. */
  listenPort?: number;
  /** Address the web UI binds; 127.0.0.1 by default. */
  host?: string;
  /** The web UI's port; 0 picks a free one. */
  port: number;
  /** When the port is taken, use a free one instead of failing. */
  fallbackToFreePort?: boolean;
  /** The UI token; generated when absent. */
  token?: string;
  /** The embedded tracker's /stats token; generated when absent, never equal to the UI's. */
  statsToken?: string;
  /** Called when the port is taken and a free one is used instead. */
  onPortTaken?: (port: number) => void;
  // --- port mapping (issue 18) ---
  /** Map the listen port at the real router while the setting is on (the web host's main does). */
  portMapping?: boolean;
}

export interface WebApp {
  session: Session;
  host: WebHost;
  /** What clients off loopback pass to the embedded tracker's /stats. */
  statsToken: string;
  close(): Promise<void>;
}

export async function startWebApp(opts: WebAppOptions): Promise<WebApp> {
  const token = opts.token ?? generateToken();
  const statsToken = opts.statsToken ?? generateToken();
  if (statsToken === token) {
    throw new Error('the tracker stats token must differ from the web UI token');
  }
  const session = await Session.open({
    dataDir: opts.dataDir,
    trackerStatsToken: statsToken,
    downloadDir: opts.downloadDir,
    listenPort: opts.listenPort,
    portMapping: opts.portMapping ?? false, // --- port mapping (issue 18)
  });
  const lab = new LabHost({ engine: session }); // --- swarm lab (issue 19)
  const common = {
    lab,
    engine: session,
    host: opts.host,
    token,
    staticDir: opts.staticDir,
    uploadDir: path.join(opts.dataDir, 'uploads'),
    log: (level: 'info' | 'warn' | 'error', message: string): void =>
      session.logger.log(level, 'web', message),
  };
  let host: WebHost;
  try {
    host = await startWebHost({ ...common, port: opts.port });
  } catch (err) {
    const taken = (err as { code?: unknown }).code === 'EADDRINUSE';
    if (!taken || !opts.fallbackToFreePort) {
      await session.close();
      throw err;
    }
    opts.onPortTaken?.(opts.port);
    try {
      host = await startWebHost({ ...common, port: 0 });
    } catch (again) {
      await session.close();
      throw again;
    }
  }
  let closing: Promise<void> | null = null;
  return {
    session,
    host,
    statsToken,
    close() {
      closing ??= host
        .close()
        .then(() => lab.close())
        .then(() => session.close());
      return closing;
    },
  };
}
