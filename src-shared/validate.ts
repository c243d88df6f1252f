/**
 * Boundary validation of every command's request (docs/ARCHITECTURE.md section 2: validate at the
 * boundary). Hand-written per command, no library.
 *
 * Invariants:
 * - A request that passes is a fresh object holding only the contract's keys, with ids
 *   lowercased; nothing from the caller's object (prototype, extra keys) survives.
 * - Anything else throws `ContractError('bad-request', '<command>: <field> <problem>')`, which
 *   names the command and the field so the message is useful in a toast or a log.
 * - Sizes a client controls are bounded by the named limits below.
 */
import {
  detailTopics,
  type OpenPathKind,
  isCommandName,
  type CommandName,
  type DetailTopic,
  type Req,
} from './contract';
import {
  ContractError,
  type FilePriority,
  type LogLevel,
  type TorrentSource,
  type TrackerServerMode,
} from './model';
// --- DHT (issue 17) ---
import { maxDhtBootstrapEntryChars, maxDhtBootstrapNodes, parseHostPort } from './model';
// --- uTP (issue 18) ---
import { peerTransportsValues } from './model';
// --- encryption, MSE/PE (issue 18) ---
import { encryptionModes } from './model';
// --- swarm lab (issue 19) ---
import { labConfigError, labRoles, type LabConfig } from './model';
// --- per-torrent actions and the queue (issue 21) ---
import { maxRatioLimit, maxSeedTimeLimitMin, queueMoves, seedLimitActions } from './model';
// --- theme (issue 19) ---
import { themePreferences } from './model';
import { isValidListenInterface } from './model'; // --- listen interface (issues 18, 21)
// --- alternative speed limits (issue 21) ---
import { parseClockTime, weekdays, type AltSpeedSchedule, type Weekday } from './model';
// --- labels (issue 21) ---
import { labelProblem, maxLabelChars, maxLabelSavePaths, normalizeLabel } from './model';
// --- a thousand torrents (issue 20) ---
import { maxConcurrentAnnouncesLimit } from './model';

/** A .torrent file larger than this is refused before parsing (real ones are under 1 MiB). */
export const maxTorrentFileBytes = 16 * 1024 * 1024;
/** A single upload (web host drop of a file to seed) is held in memory, so it is bounded. */
export const maxUploadBytes = 256 * 1024 * 1024;
/** One chunk of a `file.upload`: small, so that no message of the contract is large. */
export const maxUploadChunkBytes = 4 * 1024 * 1024;
/** Upload ids are the host's; a longer one is refused. */
export const maxUploadIdChars = 64;
/** Longest path accepted from the renderer (Linux PATH_MAX). */
export const maxPathChars = 4096;
/** Longest file name accepted (NAME_MAX on common file systems). */
export const maxFileNameChars = 255;
/** Torrent ids in one pause/resume/remove request. */
export const maxIdsPerRequest = 10_000;
/** File indices in one request (skipFiles, setFilePriority). */
export const maxFileIndicesPerRequest = 1_000_000;
/** Tracker and web seed URLs in one create request. */
export const maxUrlsPerRequest = 200;
export const maxUrlChars = 2048;
/** Comment of a created torrent. */
export const maxCommentChars = 64 * 1024;
/** DNS names are at most 253 characters (RFC 1035). */
export const maxHostChars = 253;
/** BEP 52: piece length is a power of two, at least 16 KiB; above 64 MiB no client copes. */
export const minPieceLengthBytes = 16 * 1024;
export const maxPieceLengthBytes = 64 * 1024 * 1024;
/** Longest job id the host hands out, with margin. */
export const maxJobIdChars = 128;
/** Tracker tiers in one Edit trackers request (issue 21); the URLs are capped by maxUrlsPerRequest. */
export const maxTrackerTiers = 64;
/** Text copied through the host (magnet links with many trackers stay far below this). */
export const maxClipboardChars = 64 * 1024;

type Obj = Record<string, unknown>;

/** Reads one request's fields, failing with a message naming the command and the field. */
class Fields {
  readonly o: Obj;
  constructor(
    readonly command: string,
    payload: unknown,
    allowed: readonly string[],
  ) {
    if (!isPlainObject(payload)) this.fail('request', 'must be an object');
    for (const key of Object.keys(payload)) {
      if (!allowed.includes(key)) this.fail(key, 'is not a known field');
    }
    this.o = payload;
  }

  fail(field: string, problem: string): never {
    throw new ContractError('bad-request', `${this.command}: ${field} ${problem}`);
  }

  has(key: string): boolean {
    return this.o[key] !== undefined;
  }

  string(key: string, maxChars: number, opts: { nonEmpty?: boolean } = {}): string {
    const v = this.o[key];
    if (typeof v !== 'string') this.fail(key, 'must be a string');
    if (v.length > maxChars) this.fail(key, `must be at most ${maxChars} characters`);
    if (opts.nonEmpty && v.length === 0) this.fail(key, 'must not be empty');
    if (v.includes('\0')) this.fail(key, 'must not contain NUL characters');
    return v;
  }

  path(key: string): string {
    return this.string(key, maxPathChars, { nonEmpty: true });
  }

  boolean(key: string): boolean {
    const v = this.o[key];
    if (typeof v !== 'boolean') this.fail(key, 'must be true or false');
    return v;
  }

  int(key: string, min: number, max: number): number {
    const v = this.o[key];
    if (typeof v !== 'number' || !Number.isInteger(v)) this.fail(key, 'must be an integer');
    if (v < min || v > max) this.fail(key, `must be between ${min} and ${max}`);
    return v;
  }

  port(key: string): number {
    return this.int(key, 1, 65535);
  }

  bytes(key: string, maxBytes: number): Uint8Array {
    const v = this.o[key];
    if (!(v instanceof Uint8Array)) this.fail(key, 'must be bytes');
    if (v.byteLength === 0) this.fail(key, 'must not be empty');
    if (v.byteLength > maxBytes) this.fail(key, `must be at most ${maxBytes} bytes`);
    return v;
  }

  oneOf<T extends string>(key: string, values: readonly T[]): T {
    const v = this.o[key];
    if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) {
      this.fail(key, `must be one of ${values.join(', ')}`);
    }
    return v as T;
  }

  id(key: string): string {
    return this.checkId(key, this.o[key]);
  }

  ids(key: string): string[] {
    const list = this.array(key, 1, maxIdsPerRequest);
    return list.map((v, i) => this.checkId(`${key}[${i}]`, v));
  }

  indices(key: string): number[] {
    const list = this.array(key, 0, maxFileIndicesPerRequest);
    return list.map((v, i) => {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0xffffffff) {
        this.fail(`${key}[${i}]`, 'must be a non-negative integer');
      }
      return v;
    });
  }

  urls(key: string, schemes: readonly string[]): string[] {
    const list = this.array(key, 0, maxUrlsPerRequest);
    return list.map((v, i) => {
      const field = `${key}[${i}]`;
      if (typeof v !== 'string') this.fail(field, 'must be a string');
      if (v.length > maxUrlChars) this.fail(field, `must be at most ${maxUrlChars} characters`);
      const scheme = /^([a-z][a-z0-9+.-]*):\/\/[^\s/?#]+/i.exec(v)?.[1]?.toLowerCase();
      if (scheme === undefined || !schemes.includes(scheme)) {
        this.fail(field, `must be a ${schemes.join(' or ')} URL`);
      }
      return v;
    });
  }

  array(key: string, minItems: number, maxItems: number): unknown[] {
    const v = this.o[key];
    if (!Array.isArray(v)) this.fail(key, 'must be a list');
    if (v.length < minItems) this.fail(key, `must have at least ${minItems} item(s)`);
    if (v.length > maxItems) this.fail(key, `must have at most ${maxItems} items`);
    return v;
  }

  private checkId(field: string, v: unknown): string {
    if (typeof v !== 'string' || !/^[0-9a-fA-F]{40}$/.test(v)) {
      this.fail(field, 'must be a torrent id (40 hex characters)');
    }
    return v.toLowerCase();
  }
}

function isPlainObject(v: unknown): v is Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

const openPathKinds: readonly OpenPathKind[] = ['file', 'folder'];
const logLevels: readonly LogLevel[] = ['error', 'warn', 'info', 'debug'];
const filePriorities: readonly FilePriority[] = ['skip', 'normal', 'high'];
const trackerModes: readonly TrackerServerMode[] = ['allow-list', 'open'];
const trackerKeys = [
  'enabled',
  'http',
  'udp',
  'host',
  'httpPort',
  'udpPort',
  'mode',
  'allowListFile',
  'intervalSec',
  'minIntervalSec',
] as const;
/** A week: longer announce intervals only keep dead peers listed. */
const maxAnnounceIntervalSec = 7 * 24 * 3600;

function empty(name: string, payload: unknown): Record<string, never> {
  new Fields(name, payload, []);
  return {};
}

function torrentSource(f: Fields): TorrentSource {
  const hasFile = f.has('torrentFile');
  const hasPath = f.has('path');
  // --- magnets (issue 17) ---
  const hasMagnet = f.has('magnet');
  if (Number(hasFile) + Number(hasPath) + Number(hasMagnet) !== 1) {
    f.fail('request', 'needs exactly one of torrentFile, path or magnet');
  }
  if (hasMagnet) return { magnet: magnetLink(f) };
  return hasFile
    ? { torrentFile: f.bytes('torrentFile', maxTorrentFileBytes) }
    : { path: f.path('path') };
}

// --- magnets (issue 17) ---
/** A magnet link is at most this long (the engine's MAGNET_MAX_CHARS says the same). */
export const maxMagnetChars = 64 * 1024;

/** The shape of a magnet link; the engine parses the rest and names what is wrong. */
function magnetLink(f: Fields): string {
  const uri = f.string('magnet', maxMagnetChars, { nonEmpty: true }).trim();
  if (!/^magnet:\?/i.test(uri)) f.fail('magnet', 'must start with "magnet:?"');
  return uri;
}

type TrackerPatch = Req<'tracker.start'>;

// --- alternative speed limits (issue 21) ---
/** The whole schedule (no partial patches): on/off, "HH:MM" from and to, and distinct days. */
function altSpeedSchedule(command: string, payload: unknown): AltSpeedSchedule {
  const f = new Fields(command, payload, ['enabled', 'from', 'to', 'days']);
  for (const key of ['enabled', 'from', 'to', 'days']) if (!f.has(key)) f.fail(key, 'is required');
  const time = (key: 'from' | 'to'): string => {
    const v = f.string(key, 5);
    if (parseClockTime(v) === null) f.fail(key, 'must be a time as HH:MM, 00:00 to 23:59');
    return v;
  };
  const days = f.array('days', 0, weekdays.length).map((v, i) => {
    if (!weekdays.includes(v as Weekday))
      f.fail(`days[${i}]`, 'must be a weekday, 0 (Sunday) to 6');
    return v as Weekday;
  });
  if (new Set(days).size !== days.length) f.fail('days', 'must not repeat a day');
  return { enabled: f.boolean('enabled'), from: time('from'), to: time('to'), days };
}

function trackerPatch(command: string, payload: unknown, field?: string): TrackerPatch {
  const f = new Fields(field ? `${command}: ${field}` : command, payload, trackerKeys);
  const out: TrackerPatch = {};
  if (f.has('enabled')) out.enabled = f.boolean('enabled');
  if (f.has('http')) out.http = f.boolean('http');
  if (f.has('udp')) out.udp = f.boolean('udp');
  if (f.has('host')) out.host = f.string('host', maxHostChars, { nonEmpty: true });
  if (f.has('httpPort')) out.httpPort = f.port('httpPort');
  if (f.has('udpPort')) out.udpPort = f.port('udpPort');
  if (f.has('mode')) out.mode = f.oneOf('mode', trackerModes);
  if (f.o.allowListFile === null) out.allowListFile = null;
  else if (f.has('allowListFile')) out.allowListFile = f.path('allowListFile');
  if (f.has('intervalSec')) out.intervalSec = f.int('intervalSec', 1, maxAnnounceIntervalSec);
  if (f.has('minIntervalSec')) {
    out.minIntervalSec = f.int('minIntervalSec', 1, maxAnnounceIntervalSec);
  }
  if (
    out.intervalSec !== undefined &&
    out.minIntervalSec !== undefined &&
    out.minIntervalSec > out.intervalSec
  ) {
    f.fail('minIntervalSec', 'must not exceed intervalSec');
  }
  return out;
}

type Validators = { [K in CommandName]: (name: K, payload: unknown) => Req<K> };

const validators: Validators = {
  'torrent.add'(name, payload) {
    const f = new Fields(name, payload, [
      'torrentFile',
      'path',
      'savePath',
      'skipFiles',
      'paused',
      'magnet',
      'chooseFiles',
      'label', // --- labels (issue 21)
    ]);
    const out: Req<'torrent.add'> = torrentSource(f);
    if (f.has('savePath')) out.savePath = f.path('savePath');
    if (f.has('skipFiles')) out.skipFiles = f.indices('skipFiles');
    if (f.has('paused')) out.paused = f.boolean('paused');
    if (f.has('chooseFiles')) out.chooseFiles = f.boolean('chooseFiles');
    // --- labels (issue 21) ---
    if (f.has('label')) {
      const label = labelText(f, 'label');
      if (label !== null) out.label = label;
    }
    return out;
  },
  'torrent.inspect'(name, payload) {
    return torrentSource(new Fields(name, payload, ['torrentFile', 'path', 'magnet']));
  },
  'torrent.pause'(name, payload) {
    return { ids: new Fields(name, payload, ['ids']).ids('ids') };
  },
  'torrent.resume'(name, payload) {
    return { ids: new Fields(name, payload, ['ids']).ids('ids') };
  },
  'torrent.recheck'(name, payload) {
    return { ids: new Fields(name, payload, ['ids']).ids('ids') };
  },
  'torrent.remove'(name, payload) {
    const f = new Fields(name, payload, ['ids', 'deleteData']);
    return { ids: f.ids('ids'), deleteData: f.boolean('deleteData') };
  },
  'torrent.export'(name, payload) {
    return { id: new Fields(name, payload, ['id']).id('id') };
  },
  'torrent.setFilePriority'(name, payload) {
    const f = new Fields(name, payload, ['id', 'files', 'priority']);
    return {
      id: f.id('id'),
      files: f.indices('files'),
      priority: f.oneOf('priority', filePriorities),
    };
  },
  'torrent.addPeer'(name, payload) {
    const f = new Fields(name, payload, ['id', 'address', 'port']);
    const address = f.string('address', maxHostChars, { nonEmpty: true });
    if (!/^[0-9A-Za-z.:\-[\]]+$/.test(address)) f.fail('address', 'must be an IP address or host');
    return { id: f.id('id'), address: address.replace(/^\[(.*)\]$/, '$1'), port: f.port('port') };
  },
  'sync.snapshot': empty,
  'seed.create'(name, payload) {
    const f = new Fields(name, payload, [
      'path',
      'trackers',
      'useEmbeddedTracker',
      'private',
      'comment',
      'webSeeds',
      'pieceLength',
    ]);
    const out: Req<'seed.create'> = { path: f.path('path') };
    if (f.has('trackers')) out.trackers = f.urls('trackers', ['http', 'https', 'udp']);
    if (f.has('useEmbeddedTracker')) out.useEmbeddedTracker = f.boolean('useEmbeddedTracker');
    if (f.has('private')) out.private = f.boolean('private');
    if (f.has('comment')) out.comment = f.string('comment', maxCommentChars);
    if (f.has('webSeeds')) out.webSeeds = f.urls('webSeeds', ['http', 'https']);
    if (f.has('pieceLength')) {
      const n = f.int('pieceLength', minPieceLengthBytes, maxPieceLengthBytes);
      if ((n & (n - 1)) !== 0) f.fail('pieceLength', 'must be a power of two');
      out.pieceLength = n;
    }
    return out;
  },
  'job.cancel'(name, payload) {
    const f = new Fields(name, payload, ['jobId']);
    return { jobId: f.string('jobId', maxJobIdChars, { nonEmpty: true }) };
  },
  'file.upload'(name, payload) {
    const f = new Fields(name, payload, ['name', 'size', 'offset', 'bytes', 'uploadId']);
    const fileName = f.string('name', maxFileNameChars, { nonEmpty: true });
    if (/[/\\]/.test(fileName) || fileName === '.' || fileName === '..') {
      f.fail('name', 'must be a plain file name without folders');
    }
    const out: Req<'file.upload'> = {
      name: fileName,
      size: f.int('size', 0, maxUploadBytes),
      offset: f.int('offset', 0, maxUploadBytes),
      bytes: f.bytes('bytes', maxUploadChunkBytes),
    };
    if (out.offset + out.bytes.length > out.size) f.fail('bytes', 'run past the file size');
    if (f.has('uploadId'))
      out.uploadId = f.string('uploadId', maxUploadIdChars, { nonEmpty: true });
    else if (out.offset !== 0) f.fail('uploadId', 'is required after the first chunk');
    return out;
  },
  'fs.list'(name, payload) {
    const f = new Fields(name, payload, ['path']);
    return f.has('path') ? { path: f.path('path') } : {};
  },
  'settings.get': empty,
  'settings.set'(name, payload) {
    const f = new Fields(name, payload, [
      'downloadDir',
      'listenPort',
      'downloadLimitBps',
      'uploadLimitBps',
      'maxConnections',
      'maxConnectionsPerTorrent',
      'logLevel',
      'tracker',
      'minimizeToTray',
      'handleMagnetLinks',
      // --- DHT (issue 17) ---
      'dhtEnabled',
      'dhtBootstrap',
      // --- PEX and LSD (issue 17) ---
      'pexEnabled',
      'lsdEnabled',
      // --- uTP (issue 18) ---
      'transports',
      // --- encryption, MSE/PE (issue 18) ---
      'encryption',
      // --- port mapping (issue 18) ---
      'portMapping',
      // --- the queue and seeding limits (issue 21) ---
      'maxActiveDownloads',
      'maxActiveSeeds',
      'seedRatioLimit',
      'seedLimitAction',
      // --- theme (issue 19) ---
      'theme',
      // --- listen interface and port (issues 18, 21) ---
      'listenInterface',
      'randomPortOnStart',
      // --- alternative speed limits (issue 21) ---
      'altDownloadLimitBps',
      'altUploadLimitBps',
      'altSpeedEnabled',
      'altSpeedSchedule',
      // --- labels (issue 21) ---
      'labelSavePaths',
      // --- a thousand torrents (issue 20) ---
      'maxConcurrentAnnounces',
    ]);
    const out: Req<'settings.set'> = {};
    if (f.has('downloadDir')) out.downloadDir = f.path('downloadDir');
    if (f.has('listenPort')) out.listenPort = f.port('listenPort');
    if (f.has('downloadLimitBps')) {
      out.downloadLimitBps = f.int('downloadLimitBps', 0, Number.MAX_SAFE_INTEGER);
    }
    if (f.has('uploadLimitBps')) {
      out.uploadLimitBps = f.int('uploadLimitBps', 0, Number.MAX_SAFE_INTEGER);
    }
    if (f.has('maxConnections')) out.maxConnections = f.int('maxConnections', 1, 65535);
    if (f.has('maxConnectionsPerTorrent')) {
      out.maxConnectionsPerTorrent = f.int('maxConnectionsPerTorrent', 1, 65535);
    }
    if (f.has('logLevel')) out.logLevel = f.oneOf('logLevel', logLevels);
    if (f.has('tracker')) out.tracker = trackerPatch(name, f.o.tracker, 'tracker');
    if (f.has('minimizeToTray')) out.minimizeToTray = f.boolean('minimizeToTray');
    if (f.has('handleMagnetLinks')) out.handleMagnetLinks = f.boolean('handleMagnetLinks');
    // --- DHT (issue 17) ---
    if (f.has('dhtEnabled')) out.dhtEnabled = f.boolean('dhtEnabled');
    if (f.has('dhtBootstrap')) {
      out.dhtBootstrap = f.array('dhtBootstrap', 0, maxDhtBootstrapNodes).map((v, i) => {
        const ok =
          typeof v === 'string' &&
          v.length <= maxDhtBootstrapEntryChars &&
          parseHostPort(v) !== null;
        if (!ok) f.fail(`dhtBootstrap[${i}]`, 'must be host:port, e.g. router.bittorrent.com:6881');
        return (v as string).trim();
      });
    }
    // --- PEX and LSD (issue 17) ---
    if (f.has('pexEnabled')) out.pexEnabled = f.boolean('pexEnabled');
    if (f.has('lsdEnabled')) out.lsdEnabled = f.boolean('lsdEnabled');
    // --- uTP (issue 18) ---
    if (f.has('transports')) out.transports = f.oneOf('transports', peerTransportsValues);
    // --- encryption, MSE/PE (issue 18) ---
    if (f.has('encryption')) out.encryption = f.oneOf('encryption', encryptionModes);
    // --- port mapping (issue 18) ---
    if (f.has('portMapping')) out.portMapping = f.boolean('portMapping');
    // --- the queue and seeding limits (issue 21) ---
    if (f.has('maxActiveDownloads'))
      out.maxActiveDownloads = f.int('maxActiveDownloads', 0, 10_000);
    if (f.has('maxActiveSeeds')) out.maxActiveSeeds = f.int('maxActiveSeeds', 0, 10_000);
    if (f.has('seedRatioLimit')) {
      const v = f.o.seedRatioLimit;
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > maxRatioLimit)
        return f.fail('seedRatioLimit', `must be a number between 0 and ${maxRatioLimit}`);
      out.seedRatioLimit = v;
    }
    if (f.has('seedLimitAction'))
      out.seedLimitAction = f.oneOf('seedLimitAction', seedLimitActions);
    // --- theme (issue 19) ---
    if (f.has('theme')) out.theme = f.oneOf('theme', themePreferences);
    // --- listen interface and port (issues 18, 21) ---
    if (f.has('listenInterface')) {
      const v = f.string('listenInterface', 45).trim();
      if (!isValidListenInterface(v)) {
        f.fail('listenInterface', 'must be empty (every interface) or one IPv4 or IPv6 address');
      }
      out.listenInterface = v;
    }
    if (f.has('randomPortOnStart')) out.randomPortOnStart = f.boolean('randomPortOnStart');
    // --- alternative speed limits (issue 21) ---
    if (f.has('altDownloadLimitBps'))
      out.altDownloadLimitBps = f.int('altDownloadLimitBps', 0, Number.MAX_SAFE_INTEGER);
    if (f.has('altUploadLimitBps'))
      out.altUploadLimitBps = f.int('altUploadLimitBps', 0, Number.MAX_SAFE_INTEGER);
    if (f.has('altSpeedEnabled')) out.altSpeedEnabled = f.boolean('altSpeedEnabled');
    if (f.has('altSpeedSchedule'))
      out.altSpeedSchedule = altSpeedSchedule(`${name}: altSpeedSchedule`, f.o.altSpeedSchedule);
    // --- labels (issue 21): the whole map, label to folder ---
    if (f.has('labelSavePaths')) {
      const v = f.o.labelSavePaths;
      if (!isPlainObject(v)) return f.fail('labelSavePaths', 'must be an object');
      const entries = Object.entries(v);
      if (entries.length > maxLabelSavePaths)
        f.fail('labelSavePaths', `must have at most ${maxLabelSavePaths} labels`);
      const map: Record<string, string> = {};
      for (const [key, folder] of entries) {
        const label = normalizeLabel(key);
        if (label === null || labelProblem(label) !== null)
          return f.fail(`labelSavePaths[${JSON.stringify(key)}]`, 'is not a usable label');
        if (typeof folder !== 'string' || folder === '' || folder.length > maxPathChars)
          return f.fail(`labelSavePaths[${JSON.stringify(key)}]`, 'must be a folder path');
        map[label] = folder;
      }
      out.labelSavePaths = map;
    }
    // --- a thousand torrents (issue 20) ---
    if (f.has('maxConcurrentAnnounces')) {
      out.maxConcurrentAnnounces = f.int('maxConcurrentAnnounces', 1, maxConcurrentAnnouncesLimit);
    }
    return out;
  },
  'tracker.start'(name, payload) {
    return trackerPatch(name, payload);
  },
  'tracker.stop': empty,
  'tracker.status': empty,
  'tracker.swarm'(name, payload) {
    return { infoHash: new Fields(name, payload, ['infoHash']).id('infoHash') };
  },
  'view.watch'(name, payload) {
    const f = new Fields(name, payload, ['id', 'topics']);
    const topics = f.array('topics', 1, detailTopics.length).map((t, i) => {
      if (typeof t !== 'string' || !(detailTopics as readonly string[]).includes(t)) {
        f.fail(`topics[${i}]`, `must be one of ${detailTopics.join(', ')}`);
      }
      return t as DetailTopic;
    });
    if (new Set(topics).size !== topics.length) f.fail('topics', 'must not repeat a topic');
    return { id: f.id('id'), topics };
  },
  'view.unwatch'(name, payload) {
    return { id: new Fields(name, payload, ['id']).id('id') };
  },
  'dialog.openPath'(name, payload) {
    const f = new Fields(name, payload, ['kind', 'defaultPath']);
    const out: Req<'dialog.openPath'> = { kind: f.oneOf('kind', openPathKinds) };
    if (f.has('defaultPath')) out.defaultPath = f.path('defaultPath');
    return out;
  },
  'dialog.saveTorrent'(name, payload) {
    return { id: new Fields(name, payload, ['id']).id('id') };
  },
  'shell.showItem'(name, payload) {
    return { path: new Fields(name, payload, ['path']).path('path') };
  },
  'clipboard.writeText'(name, payload) {
    return { text: new Fields(name, payload, ['text']).string('text', maxClipboardChars) };
  },
  // --- disk faults: set location (issue 15) ---
  'torrent.setLocation'(name, payload) {
    const f = new Fields(name, payload, ['id', 'path', 'move']);
    return { id: f.id('id'), path: f.path('path'), move: f.boolean('move') };
  },
  // --- swarm lab (issue 19) ---
  'lab.create'(name, payload) {
    // Typed, so that f.fail (never) narrows in the closure below.
    const f: Fields = new Fields(name, payload, labConfigKeys);
    const num = (key: string): number => {
      const v = f.o[key];
      if (typeof v !== 'number' || !Number.isFinite(v)) f.fail(key, 'must be a number');
      return v;
    };
    const config: LabConfig = {
      sizeMiB: num('sizeMiB'),
      filePath: f.o.filePath === null ? null : f.path('filePath'),
      seed: num('seed'),
      leechers: num('leechers'),
      seeders: num('seeders'),
      freeloaders: num('freeloaders'),
      corrupt: num('corrupt'),
      uploadLimitBps: num('uploadLimitBps'),
      arrivalSpreadSec: num('arrivalSpreadSec'),
      churnPerMin: num('churnPerMin'),
    };
    const problem = labConfigError(config);
    if (problem) throw new ContractError('bad-request', `${name}: ${problem}`);
    return config;
  },
  'lab.action'(name, payload) {
    const kind = isPlainObject(payload) ? payload.kind : undefined;
    if (kind === 'remove-original-seeder') {
      new Fields(name, payload, ['kind']);
      return { kind };
    }
    if (kind === 'pause' || kind === 'resume') {
      return { kind, peer: new Fields(name, payload, ['kind', 'peer']).int('peer', 0, 1000) };
    }
    if (kind === 'add') {
      return { kind, role: new Fields(name, payload, ['kind', 'role']).oneOf('role', labRoles) };
    }
    throw new ContractError(
      'bad-request',
      `${name}: kind must be one of remove-original-seeder, pause, resume, add`,
    );
  },
  'lab.close': empty,
  'lab.get': empty,
  // --- listen interface (issues 18, 21) ---
  'net.interfaces': empty,
  // --- per-torrent actions and the queue (issue 21) ---
  'torrent.reannounce'(name, payload) {
    return { ids: new Fields(name, payload, ['ids']).ids('ids') };
  },
  'torrent.setTrackers'(name, payload) {
    const f = new Fields(name, payload, ['id', 'tiers']);
    const tiers = f.array('tiers', 0, maxTrackerTiers).map((tier, t) => {
      if (!Array.isArray(tier)) f.fail(`tiers[${t}]`, 'must be a list of URLs');
      const key = `tiers[${t}]`;
      const urls = new Fields(name, { [key]: tier }, [key]).urls(key, ['http', 'https', 'udp']);
      if (urls.length === 0) f.fail(`tiers[${t}]`, 'must not be empty');
      return urls;
    });
    const all = tiers.flat();
    if (all.length > maxUrlsPerRequest)
      f.fail('tiers', `must hold at most ${maxUrlsPerRequest} URLs`);
    if (new Set(all).size !== all.length) f.fail('tiers', 'must not list a URL twice');
    return { id: f.id('id'), tiers };
  },
  'torrent.trackerTiers'(name, payload) {
    return { id: new Fields(name, payload, ['id']).id('id') };
  },
  'torrent.setLimits'(name, payload) {
    const f = new Fields(name, payload, [
      'ids',
      'downBps',
      'upBps',
      'maxPeers',
      'ratioLimit',
      'seedTimeLimitMin',
      'onLimit',
    ]);
    const optional = (key: string, max: number): number | null => {
      const v = f.o[key];
      if (v === null) return null;
      if (typeof v !== 'number' || !Number.isFinite(v))
        return f.fail(key, 'must be a number or null');
      if (v < 0 || v > max) f.fail(key, `must be between 0 and ${max}`);
      return v;
    };
    if (!('ratioLimit' in f.o)) f.fail('ratioLimit', 'must be a number or null');
    if (!('seedTimeLimitMin' in f.o)) f.fail('seedTimeLimitMin', 'must be a number or null');
    const seedTime = optional('seedTimeLimitMin', maxSeedTimeLimitMin);
    if (seedTime !== null && !Number.isInteger(seedTime))
      f.fail('seedTimeLimitMin', 'must be a whole number of minutes');
    return {
      ids: f.ids('ids'),
      downBps: f.int('downBps', 0, Number.MAX_SAFE_INTEGER),
      upBps: f.int('upBps', 0, Number.MAX_SAFE_INTEGER),
      maxPeers: f.int('maxPeers', 0, 65535),
      ratioLimit: optional('ratioLimit', maxRatioLimit),
      seedTimeLimitMin: seedTime,
      onLimit: f.oneOf('onLimit', seedLimitActions),
    };
  },
  'torrent.setSequential'(name, payload) {
    const f = new Fields(name, payload, ['ids', 'sequential', 'firstLast']);
    return {
      ids: f.ids('ids'),
      sequential: f.boolean('sequential'),
      firstLast: f.boolean('firstLast'),
    };
  },
  'torrent.queueMove'(name, payload) {
    const f = new Fields(name, payload, ['ids', 'how']);
    return { ids: f.ids('ids'), how: f.oneOf('how', queueMoves) };
  },
  'torrent.forceStart'(name, payload) {
    return { ids: new Fields(name, payload, ['ids']).ids('ids') };
  },
  'shell.openPath'(name, payload) {
    return { path: new Fields(name, payload, ['path']).path('path') };
  },
  // --- labels (issue 21) ---
  'torrent.setLabel'(name, payload) {
    const f = new Fields(name, payload, ['ids', 'label']);
    if (f.o.label === null) return { ids: f.ids('ids'), label: null };
    return { ids: f.ids('ids'), label: labelText(f, 'label') };
  },
};

// --- labels (issue 21) ---
/** A label as stored (trimmed, spaces collapsed); null for an empty text. */
function labelText(f: Fields, key: string): string | null {
  const label = normalizeLabel(f.string(key, maxLabelChars * 4));
  const problem = label === null ? null : labelProblem(label);
  if (problem) f.fail(key, problem);
  return label;
}

// --- swarm lab (issue 19) ---
const labConfigKeys: readonly (keyof LabConfig)[] = [
  'sizeMiB',
  'filePath',
  'seed',
  'leechers',
  'seeders',
  'freeloaders',
  'corrupt',
  'uploadLimitBps',
  'arrivalSpreadSec',
  'churnPerMin',
];

/**
 * Checks `payload` against command `name` and returns a clean copy. Throws ContractError:
 * 'unknown-command' for a name outside the allow-list, 'bad-request' for a bad payload.
 */
export function validateRequest<K extends CommandName>(name: K, payload: unknown): Req<K> {
  if (!isCommandName(name)) {
    throw new ContractError('unknown-command', `unknown command: ${String(name).slice(0, 64)}`);
  }
  const validate = validators[name] as (name: K, payload: unknown) => Req<K>;
  return validate(name, payload);
}
