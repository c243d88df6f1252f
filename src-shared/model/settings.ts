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
  // --- uTP (issue 18) ---
  /** How peers are reached: TCP only, uTP only (BEP 29), or both (dial uTP first, accept both). */
  transports: PeerTransports;
}

// --- uTP (issue 18) ---
export type PeerTransports = 'tcp' | 'utp' | 'both';
export const peerTransportsValues: readonly PeerTransports[] = ['tcp', 'utp', 'both'];

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
    // --- uTP (issue 18) ---
    transports: 'both',
  };
}
