import type { TrackerServerSettings } from './tracker';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

export interface Settings {
  downloadDir: string;
  listenPort: number;
  /** Bytes per second; 0 means unlimited. */
  downloadLimitBps: number;
  uploadLimitBps: number;
  maxConnections: number;
  maxConnectionsPerTorrent: number;
  logLevel: LogLevel;
  tracker: TrackerServerSettings;
  /** Close to tray instead of quitting (desktop only). */
  minimizeToTray: boolean;
  /** Opt-in: register as the default magnet: handler. */
  handleMagnetLinks: boolean;
  // --- PEX and LSD (issue 17) ---
  /** BEP 11 peer exchange with peers that speak it (never for private torrents). */
  pexEnabled: boolean;
  /** BEP 14 Local Service Discovery: multicast announces on the LAN (never for private torrents). */
  lsdEnabled: boolean;
}

export const defaultTrackerServerSettings: TrackerServerSettings = {
  enabled: false,
  http: true,
  udp: true,
  host: '0.0.0.0',
  httpPort: 6969,
  udpPort: 6969,
  mode: 'allow-list',
  allowListFile: null,
  intervalSec: 1800,
  minIntervalSec: 60,
};

/** Defaults without the download folder, which depends on the machine. */
export function defaultSettings(downloadDir: string): Settings {
  return {
    downloadDir,
    listenPort: 6881,
    downloadLimitBps: 0,
    uploadLimitBps: 0,
    maxConnections: 200,
    maxConnectionsPerTorrent: 50,
    logLevel: 'info',
    tracker: { ...defaultTrackerServerSettings },
    minimizeToTray: false,
    handleMagnetLinks: false,
    // --- PEX and LSD (issue 17) ---
    pexEnabled: true,
    lsdEnabled: true,
  };
}
