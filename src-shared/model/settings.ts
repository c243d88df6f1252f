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
  // --- encryption, MSE/PE (issue 18) ---
  /**
   * Message Stream Encryption: `prefer` dials encrypted and falls back to plaintext, accepting
   * both; `require` speaks only RC4-encrypted MSE; `disable` only plaintext. New connections
   * follow a change at once; open ones keep what they negotiated.
   */
  encryption: EncryptionMode;
}

// --- encryption, MSE/PE (issue 18) ---
export type EncryptionMode = 'prefer' | 'require' | 'disable';
export const encryptionModes: readonly EncryptionMode[] = ['prefer', 'require', 'disable'];

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
    // --- encryption, MSE/PE (issue 18) ---
    encryption: 'prefer',
  };
}
