import type { TrackerServerSettings } from './tracker';
import type { SeedLimitAction } from './torrent-actions'; // --- issue 21
import { ipTextFamily, isIpv6Text } from './ip-text'; // --- listen interface (issues 18, 21)

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
  // --- DHT (issue 17) ---
  /** Find peers on the mainline DHT (BEP 5); private torrents never use it (BEP 27). */
  dhtEnabled: boolean;
  /** `host:port` nodes to join the DHT through when the saved table is empty or stale. */
  dhtBootstrap: string[];
  // --- end DHT ---
  // --- PEX and LSD (issue 17) ---
  /** BEP 11 peer exchange with peers that speak it (never for private torrents). */
  pexEnabled: boolean;
  /** BEP 14 Local Service Discovery: multicast announces on the LAN (never for private torrents). */
  lsdEnabled: boolean;
  // --- uTP (issue 18) ---
  /** How peers are reached: TCP only, uTP only (BEP 29), or both (dial uTP first, accept both). */
  transports: PeerTransports;
  // --- encryption, MSE/PE (issue 18) ---
  /**
   * Message Stream Encryption: `prefer` dials encrypted and falls back to plaintext, accepting
   * both; `require` speaks only RC4-encrypted MSE; `disable` only plaintext. New connections
   * follow a change at once; open ones keep what they negotiated.
   */
  encryption: EncryptionMode;
  // --- port mapping (issue 18) ---
  /** Ask the router to forward the listen port (UPnP IGD, PCP or NAT-PMP), renew it, remove it on exit. */
  portMapping: boolean;
  // --- the queue and seeding limits (issue 21) ---
  /** Downloads running at once; the rest wait as 'queued'. 0 = no limit. */
  maxActiveDownloads: number;
  /** Seeds running at once; the rest wait as 'queued'. 0 = no limit. */
  maxActiveSeeds: number;
  /** Stop seeding a torrent at this ratio, unless it has its own limit; 0 = never. */
  seedRatioLimit: number;
  /** What reaching the global seed-ratio limit does. */
  seedLimitAction: SeedLimitAction;
  // --- theme (issue 19) ---
  /** Light, dark, or follow the system's theme (the renderer's colours; the desktop's too). */
  theme: ThemePreference;
  // --- listen interface and port (issues 18, 21) ---
  /**
   * The address peers connect to: empty, `0.0.0.0` or `::` is every interface on both stacks;
   * an IPv4 or IPv6 address is that one only. A host's own listen address (CLI, tests) wins.
   */
  listenInterface: string;
  /**
   * Listen on a new random port from `randomPortRange` at every start (Transmission's "pick a
   * random port every time"); `listenPort` is then what Settings shows until the next start.
   */
  randomPortOnStart: boolean;
  // --- alternative speed limits (issue 21) ---
  /** The "turtle" rates, bytes per second (0 = unlimited), used while the alt mode is on. */
  altDownloadLimitBps: number;
  altUploadLimitBps: number;
  /** The status bar's toggle: the alt limits apply now, whatever the schedule says. */
  altSpeedEnabled: boolean;
  /** Turns the alt limits on inside a weekly window, in local time. */
  altSpeedSchedule: AltSpeedSchedule;
  // --- end alternative speed limits ---
  // --- labels (issue 21) ---
  /** A default save folder per label, used by the add dialog when that label is chosen. */
  labelSavePaths: Record<string, string>;
  // --- a thousand torrents (issue 20) ---
  /**
   * Tracker announces open at once, across every torrent; the rest wait their turn, and seeds'
   * routine announces are paced, so a thousand torrents never burst at a tracker.
   */
  maxConcurrentAnnounces: number;
}

// --- DHT (issue 17) ---
/** The well-known routers every mainline client starts from. */
export const defaultDhtBootstrap: readonly string[] = [
  'router.bittorrent.com:6881',
  'dht.transmissionbt.com:6881',
  'router.utorrent.com:6881',
];
/** Bootstrap entries a user may list; a handful is plenty (each one is a DNS name at most). */
export const maxDhtBootstrapNodes = 32;
/** Longest `host:port` entry: a DNS name (253) plus the port. */
export const maxDhtBootstrapEntryChars = 260;

/**
 * `host:port` (host a DNS name or IPv4 address) or `[v6]:port` (issue 18) to its parts, or null
 * when malformed. A v6 host comes back without its brackets; an unbracketed v6 address is
 * refused, since `a::b:6881` cannot say where the address ends.
 */
export function parseHostPort(text: string): { host: string; port: number } | null {
  const t = text.trim();
  const v6 = /^\[([^\]]*)\]:(\d{1,5})$/.exec(t);
  const m = v6 ?? /^([A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?):(\d{1,5})$/.exec(t);
  if (!m) return null;
  if (v6 && !isIpv6Text(m[1]!)) return null;
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return null;
  return { host: v6 ? m[1]!.toLowerCase() : m[1]!, port };
}
// --- end DHT ---

// --- uTP (issue 18) ---
export type PeerTransports = 'tcp' | 'utp' | 'both';
export const peerTransportsValues: readonly PeerTransports[] = ['tcp', 'utp', 'both'];

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
    // --- DHT (issue 17) ---
    dhtEnabled: true,
    dhtBootstrap: [...defaultDhtBootstrap],
    // --- PEX and LSD (issue 17) ---
    pexEnabled: true,
    lsdEnabled: true,
    // --- uTP (issue 18) ---
    transports: 'both',
    // --- encryption, MSE/PE (issue 18) ---
    encryption: 'prefer',
    // --- port mapping (issue 18) ---
    portMapping: true,
    // --- the queue and seeding limits (issue 21) ---
    maxActiveDownloads: 3,
    maxActiveSeeds: 5,
    seedRatioLimit: 0,
    seedLimitAction: 'pause',
    // --- theme (issue 19) ---
    theme: 'system',
    // --- listen interface and port (issues 18, 21) ---
    listenInterface: '',
    randomPortOnStart: false,
    // --- alternative speed limits (issue 21) ---
    altDownloadLimitBps: 0,
    altUploadLimitBps: 0,
    altSpeedEnabled: false,
    altSpeedSchedule: { ...defaultAltSpeedSchedule, days: [...defaultAltSpeedSchedule.days] },
    // --- labels (issue 21) ---
    labelSavePaths: {},
    // --- a thousand torrents (issue 20) ---
    maxConcurrentAnnounces: defaultMaxConcurrentAnnounces,
  };
}

// --- a thousand torrents (issue 20) ---
/**
 * libtorrent allows 50 HTTP announces at once, Transmission about 20: 20 keeps a thousand
 * torrents' announces moving and is polite to a remote tracker.
 */
export const defaultMaxConcurrentAnnounces = 20;
export const maxConcurrentAnnouncesLimit = 500;

// --- theme (issue 19) ---
export type ThemePreference = 'system' | 'light' | 'dark';
export const themePreferences: readonly ThemePreference[] = ['system', 'light', 'dark'];

// --- listen interface and port (issues 18, 21) ---
/**
 * IANA's dynamic range: no registered service lives here, so a port picked from it is the
 * least likely to clash, and ISPs that throttle 6881–6889 leave it alone.
 */
export const randomPortRange = { min: 49152, max: 65535 } as const;

/** A port from `randomPortRange` for a uniform `unit` in [0, 1). */
export function randomListenPort(unit: number): number {
  const span = randomPortRange.max - randomPortRange.min + 1;
  return randomPortRange.min + Math.min(span - 1, Math.floor(unit * span));
}

/** Empty or `0.0.0.0`/`::` (every interface), or one IPv4 or IPv6 address; never a name. */
export function isValidListenInterface(text: string): boolean {
  const t = text.trim();
  return t === '' || ipTextFamily(t) !== 0;
}
// --- alternative speed limits (issue 21) ---
/** 0 = Sunday … 6 = Saturday, as `Date.prototype.getDay` counts. */
export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6;
export const weekdays: readonly Weekday[] = [0, 1, 2, 3, 4, 5, 6];

export interface AltSpeedSchedule {
  enabled: boolean;
  /** "HH:MM", local time; the window starts here. */
  from: string;
  /** "HH:MM"; the window ends here (exclusive). Earlier than `from` crosses midnight. */
  to: string;
  /** The days a window starts on; a window crossing midnight runs into the next day. */
  days: Weekday[];
}

export const defaultAltSpeedSchedule: AltSpeedSchedule = {
  enabled: false,
  from: '08:00',
  to: '20:00',
  days: [1, 2, 3, 4, 5],
};

/** "HH:MM" (00:00–23:59) to minutes since midnight, or null when malformed. */
export function parseClockTime(text: string): number | null {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

/** What the engine applies now (SessionStats.altSpeed), for the status bar's toggle. */
export interface AltSpeedStatus {
  /** The alt limits govern the global rates now. */
  active: boolean;
  /** Only the schedule holds them on (the toggle is off). */
  bySchedule: boolean;
  /** The global limits in force, bytes per second; 0 = unlimited. */
  downloadLimitBps: number;
  uploadLimitBps: number;
}
// --- end alternative speed limits ---
