/**
 * The Settings form: host settings shown in the units people think in (KiB/s, 0 = unlimited)
 * as strings the inputs edit, and back to a `settings.set` patch with per-field errors.
 * Pure; unit-tested.
 *
 * Invariants: `toPatch` returns errors or a patch, never both; the patch carries only fields
 * that differ from the current settings, so saving an untouched form changes nothing; the
 * embedded tracker's `enabled` is not part of the patch (it is switched with tracker.start and
 * tracker.stop, which also persist it).
 */
import type { Settings, LogLevel, TrackerServerMode } from '../../../src-shared/model';
// --- uTP (issue 18) ---
import type { PeerTransports } from '../../../src-shared/model';
import type { EncryptionMode } from '../../../src-shared/model';
// --- theme (issue 19) ---
import type { ThemePreference } from '../../../src-shared/model';
import type { Req } from '../../../src-shared/contract';
import { isValidListenInterface } from '../../../src-shared/model'; // --- issues 18, 21
// --- a thousand torrents (issue 20) ---
import {
  defaultMaxConcurrentAnnounces,
  maxConcurrentAnnouncesLimit,
} from '../../../src-shared/model';

export interface SettingsForm {
  downloadDir: string;
  listenPort: string;
  downloadLimitKiB: string;
  uploadLimitKiB: string;
  maxConnections: string;
  maxConnectionsPerTorrent: string;
  logLevel: LogLevel;
  trackerHttp: boolean;
  trackerUdp: boolean;
  trackerHttpPort: string;
  trackerUdpPort: string;
  trackerHost: string;
  trackerMode: TrackerServerMode;
  // --- PEX and LSD (issue 17) ---
  pexEnabled: boolean;
  lsdEnabled: boolean;
  // --- uTP (issue 18) ---
  transports: PeerTransports;
  // --- encryption, MSE/PE (issue 18) ---
  encryption: EncryptionMode;
  // --- theme (issue 19) ---
  theme: ThemePreference;
  // --- settings apply on Save (issue 21) ---
  /** The tracker switch: started or stopped by Save, never by the click itself. */
  trackerEnabled: boolean;
  // --- listen interface and port (issues 18, 21) ---
  listenInterface: string;
  randomPortOnStart: boolean;
  // --- a thousand torrents (issue 20) ---
  maxConcurrentAnnounces: string;
}

export type SettingsPatch = Req<'settings.set'>;
export type FormErrors = Partial<Record<keyof SettingsForm, string>>;

const KiB = 1024;

export function toForm(s: Settings): SettingsForm {
  return {
    downloadDir: s.downloadDir,
    listenPort: String(s.listenPort),
    downloadLimitKiB: String(Math.round(s.downloadLimitBps / KiB)),
    uploadLimitKiB: String(Math.round(s.uploadLimitBps / KiB)),
    maxConnections: String(s.maxConnections),
    maxConnectionsPerTorrent: String(s.maxConnectionsPerTorrent),
    logLevel: s.logLevel,
    trackerHttp: s.tracker.http,
    trackerUdp: s.tracker.udp,
    trackerHttpPort: String(s.tracker.httpPort),
    trackerUdpPort: String(s.tracker.udpPort),
    trackerHost: s.tracker.host,
    trackerMode: s.tracker.mode,
    pexEnabled: s.pexEnabled,
    lsdEnabled: s.lsdEnabled,
    // --- uTP (issue 18) ---
    transports: s.transports,
    // --- encryption, MSE/PE (issue 18) ---
    encryption: s.encryption,
    // --- theme (issue 19) ---
    theme: s.theme ?? 'system',
    // --- settings apply on Save (issue 21) ---
    trackerEnabled: s.tracker.enabled,
    // --- listen interface and port (issues 18, 21) ---
    listenInterface: s.listenInterface ?? '',
    randomPortOnStart: s.randomPortOnStart ?? false,
    // --- a thousand torrents (issue 20) ---
    maxConcurrentAnnounces: String(s.maxConcurrentAnnounces ?? defaultMaxConcurrentAnnounces),
  };
}

function integer(text: string, min: number, max: number): number | string {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return 'Enter a whole number';
  const n = Number(t);
  if (n < min || n > max) return `Between ${min} and ${max}`;
  return n;
}

/** Largest rate limit accepted, in KiB/s (about 1 TiB/s: far beyond any link). */
const maxRateKiB = 1024 ** 3;

export function toPatch(
  form: SettingsForm,
  current: Settings,
): { patch: SettingsPatch; errors: null } | { patch: null; errors: FormErrors } {
  const errors: FormErrors = {};
  const read = (key: keyof SettingsForm, min: number, max: number): number => {
    const v = integer(form[key] as string, min, max);
    if (typeof v === 'string') {
      errors[key] = v;
      return 0;
    }
    return v;
  };
  const listenPort = read('listenPort', 1, 65535);
  const down = read('downloadLimitKiB', 0, maxRateKiB) * KiB;
  const up = read('uploadLimitKiB', 0, maxRateKiB) * KiB;
  const maxConnections = read('maxConnections', 1, 65535);
  const perTorrent = read('maxConnectionsPerTorrent', 1, 65535);
  const httpPort = read('trackerHttpPort', 1, 65535);
  const udpPort = read('trackerUdpPort', 1, 65535);
  // --- a thousand torrents (issue 20) ---
  const announces = read('maxConcurrentAnnounces', 1, maxConcurrentAnnouncesLimit);
  const downloadDir = form.downloadDir.trim();
  if (downloadDir.length === 0) errors.downloadDir = 'Choose a folder';
  const host = form.trackerHost.trim();
  if (host.length === 0) errors.trackerHost = 'Enter an address, e.g. 0.0.0.0';
  if (!form.trackerHttp && !form.trackerUdp) errors.trackerHttp = 'Enable HTTP, UDP or both';
  // --- listen interface and port (issues 18, 21) ---
  const listenInterface = form.listenInterface.trim();
  if (!isValidListenInterface(listenInterface)) {
    errors.listenInterface = 'An IPv4 or IPv6 address, or empty for every interface';
  }
  if (Object.keys(errors).length > 0) return { patch: null, errors };

  const patch: SettingsPatch = {};
  if (downloadDir !== current.downloadDir) patch.downloadDir = downloadDir;
  if (listenPort !== current.listenPort) patch.listenPort = listenPort;
  // Compared in KiB: a limit the host holds in bytes that is not a whole KiB stays untouched.
  if (form.downloadLimitKiB !== toForm(current).downloadLimitKiB) patch.downloadLimitBps = down;
  if (form.uploadLimitKiB !== toForm(current).uploadLimitKiB) patch.uploadLimitBps = up;
  if (maxConnections !== current.maxConnections) patch.maxConnections = maxConnections;
  if (perTorrent !== current.maxConnectionsPerTorrent) {
    patch.maxConnectionsPerTorrent = perTorrent;
  }
  if (form.logLevel !== current.logLevel) patch.logLevel = form.logLevel;
  if (form.pexEnabled !== current.pexEnabled) patch.pexEnabled = form.pexEnabled;
  if (form.lsdEnabled !== current.lsdEnabled) patch.lsdEnabled = form.lsdEnabled;
  // --- uTP (issue 18) ---
  if (form.transports !== current.transports) patch.transports = form.transports;
  // --- encryption, MSE/PE (issue 18) ---
  if (form.encryption !== current.encryption) patch.encryption = form.encryption;
  // --- theme (issue 19) ---
  if (form.theme !== (current.theme ?? 'system')) patch.theme = form.theme;
  // --- listen interface and port (issues 18, 21) ---
  if (listenInterface !== (current.listenInterface ?? '')) patch.listenInterface = listenInterface;
  if (form.randomPortOnStart !== (current.randomPortOnStart ?? false)) {
    patch.randomPortOnStart = form.randomPortOnStart;
  }
  // --- a thousand torrents (issue 20) ---
  if (announces !== (current.maxConcurrentAnnounces ?? defaultMaxConcurrentAnnounces)) {
    patch.maxConcurrentAnnounces = announces;
  }
  const t = current.tracker;
  const tracker: NonNullable<SettingsPatch['tracker']> = {};
  if (form.trackerHttp !== t.http) tracker.http = form.trackerHttp;
  if (form.trackerUdp !== t.udp) tracker.udp = form.trackerUdp;
  if (httpPort !== t.httpPort) tracker.httpPort = httpPort;
  if (udpPort !== t.udpPort) tracker.udpPort = udpPort;
  if (host !== t.host) tracker.host = host;
  if (form.trackerMode !== t.mode) tracker.mode = form.trackerMode;
  if (Object.keys(tracker).length > 0) patch.tracker = tracker;
  return { patch, errors: null };
}

/** True when saving `patch` changes how a running tracker listens or answers. */
export function trackerNeedsRestart(patch: SettingsPatch): boolean {
  return patch.tracker !== undefined;
}

// --- settings apply on Save (issue 21) ---
export type TrackerAction = 'start' | 'stop' | 'restart' | null;

/**
 * What Save does to the embedded tracker, after the settings are saved: start or stop it when
 * the switch differs from what runs, restart a running one whose ports, host or mode changed,
 * else nothing. The switch itself never acts (issue 21: it bound 0.0.0.0 before Save). Pure.
 */
export function trackerAction(
  switchOn: boolean,
  running: boolean,
  patch: SettingsPatch,
): TrackerAction {
  if (switchOn && !running) return 'start';
  if (!switchOn && running) return 'stop';
  if (switchOn && running && trackerNeedsRestart(patch)) return 'restart';
  return null;
}
