/**
 * The data folder: settings.json, session.json (the torrent list) and torrents/<id>.torrent.
 *
 * Invariants:
 * - Each JSON file has one writer (AtomicFile): concurrent changes coalesce into ordered writes,
 *   so the list on disk is always one the session really had.
 * - Folders are owner-only (0700) and files owner-only (0600), existing ones included.
 * - Loading never silently loses torrents: a damaged list falls back to session.json.bak, and
 *   failing that the list is rebuilt from torrents/ and `rebuilt` says so, for an alert.
 */
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Settings } from '../../../src-shared/model';
import {
  AtomicFile,
  DATA_DIR_MODE,
  DATA_FILE_MODE,
  readJsonWithBackup,
  writeFileAtomic,
} from './atomic-file';
import { normalizeActions, type PersistedActions } from './torrent-actions'; // --- issue 21
// --- a thousand torrents (issue 20) ---
import { forEachLimit } from './small-files';
import { labelProblem, normalizeLabel } from '../../../src-shared/model'; // --- labels (issue 21)
/** Files of the data folder fixed at once at start (issue 20). */
const PREPARE_CONCURRENCY = 32;

/** What session.json keeps of one torrent. */
export interface PersistedTorrent {
  id: string;
  savePath: string;
  addedAt: number;
  paused: boolean;
  skipFiles: number[];
  /** All-time payload totals, so ratios survive a restart (absent in files written before). */
  uploadedBytes?: number;
  downloadedBytes?: number;
  // --- per-torrent actions and the queue (issue 21) ---
  actions?: PersistedActions;
  // --- labels (issue 21) ---
  label?: string | null;
}

export interface SessionListFile {
  version: 1;
  torrents: PersistedTorrent[];
}

export type LoadedList =
  | { kind: 'ok'; torrents: PersistedTorrent[]; fromBackup: boolean }
  /** session.json and its backup were unusable or absent: these ids are in torrents/. */
  | { kind: 'rebuilt'; ids: string[]; reason: string };

const INFO_HASH_HEX = /^[0-9a-f]{40}$/;
/** The temp names writeFileAtomic uses: `<file>.<pid>.<seq>.tmp`. */
const LEFTOVER_TEMP_FILE = /\.\d+\.\d+\.tmp$/;

export class SessionStore {
  private readonly listFile: AtomicFile;
  private readonly settingsFile: AtomicFile;

  constructor(
    readonly dataDir: string,
    list: () => PersistedTorrent[],
    settings: () => Settings,
  ) {
    this.listFile = new AtomicFile(
      path.join(dataDir, 'session.json'),
      () => JSON.stringify({ version: 1, torrents: list() } satisfies SessionListFile, null, 2),
      { keepBackup: true },
    );
    this.settingsFile = new AtomicFile(
      path.join(dataDir, 'settings.json'),
      () => JSON.stringify(settings(), null, 2),
      { keepBackup: true },
    );
  }

  get torrentsDir(): string {
    return path.join(this.dataDir, 'torrents');
  }

  /** Make the folders, and tighten the modes of ones an older version left readable to all. */
  static async prepare(dataDir: string): Promise<void> {
    for (const dir of [dataDir, path.join(dataDir, 'torrents'), path.join(dataDir, 'logs')]) {
      await fsp.mkdir(dir, { recursive: true, mode: DATA_DIR_MODE });
      await fsp.chmod(dir, DATA_DIR_MODE);
    }
    for (const dir of [dataDir, path.join(dataDir, 'torrents'), path.join(dataDir, 'logs')]) {
      const files = (await fsp.readdir(dir, { withFileTypes: true })).filter((e) => e.isFile());
      // Issue 20: several at once; one after another, a thousand torrents' files took seconds
      // of thread-pool round trips on a loaded machine.
      await forEachLimit(files, PREPARE_CONCURRENCY, async (entry) => {
        const file = path.join(dir, entry.name);
        // A write cut short by a crash leaves its temp file; nothing else will ever use it.
        if (LEFTOVER_TEMP_FILE.test(entry.name)) await fsp.rm(file, { force: true });
        else await fsp.chmod(file, DATA_FILE_MODE);
      });
    }
  }

  /** The saved settings, or null; `problem` says why defaults are used when the file was bad. */
  static async loadSettings(
    dataDir: string,
  ): Promise<{ settings: Partial<Settings> | null; problem: string | null }> {
    const read = await readJsonWithBackup(path.join(dataDir, 'settings.json'), isObject);
    if (read.kind === 'ok') return { settings: read.value as Partial<Settings>, problem: null };
    if (read.kind === 'missing') return { settings: null, problem: null };
    return {
      settings: null,
      problem: `${read.reason}; default settings are used`,
    };
  }

  async loadList(): Promise<LoadedList> {
    const read = await readJsonWithBackup(this.listFile.file, isListFile);
    if (read.kind === 'ok') {
      const torrents: PersistedTorrent[] = [];
      const seen = new Set<string>();
      for (const entry of read.value.torrents as unknown[]) {
        const t = normalizeEntry(entry);
        if (t === null || seen.has(t.id)) continue;
        seen.add(t.id);
        torrents.push(t);
      }
      return { kind: 'ok', torrents, fromBackup: read.from === 'backup' };
    }
    const ids = await this.torrentFileIds();
    // A first start has neither a list nor torrents: nothing was lost.
    if (read.kind === 'missing' && ids.length === 0)
      return { kind: 'ok', torrents: [], fromBackup: false };
    return {
      kind: 'rebuilt',
      ids,
      reason: read.kind === 'damaged' ? read.reason : 'session.json is missing',
    };
  }

  saveList(): Promise<void> {
    return this.listFile.save();
  }

  saveSettings(): Promise<void> {
    return this.settingsFile.save();
  }

  torrentFile(id: string): string {
    return path.join(this.torrentsDir, `${id}.torrent`);
  }

  saveTorrentFile(id: string, bytes: Uint8Array): Promise<void> {
    return writeFileAtomic(this.torrentFile(id), bytes);
  }

  removeTorrentFile(id: string): Promise<void> {
    return fsp.rm(this.torrentFile(id), { force: true });
  }

  /** Resolves once every pending save has landed (close waits for this). */
  async idle(): Promise<void> {
    await Promise.all([this.listFile.idle(), this.settingsFile.idle()]);
  }

  /** Writes of session.json so far, for tests of coalescing. */
  get listWrites(): number {
    return this.listFile.writes;
  }

  private async torrentFileIds(): Promise<string[]> {
    const names = await fsp.readdir(this.torrentsDir).catch(() => [] as string[]);
    return names
      .filter((n) => n.endsWith('.torrent'))
      .map((n) => n.slice(0, -'.torrent'.length))
      .filter((id) => INFO_HASH_HEX.test(id))
      .sort();
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * One entry of session.json as the engine may trust it: a file edited by hand, or written by a
 * future version, must not crash the restore or put a non-string in a path. Fields that are
 * wrong get the defaults of a torrent rebuilt from torrents/ (an empty savePath means "the
 * download folder"); an entry without a valid id is dropped (its .torrent is kept).
 */
export function normalizeEntry(entry: unknown): PersistedTorrent | null {
  if (!isObject(entry) || typeof entry.id !== 'string' || !INFO_HASH_HEX.test(entry.id))
    return null;
  const count = (v: unknown): number | undefined =>
    typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : undefined;
  const savePath = typeof entry.savePath === 'string' ? entry.savePath : '';
  return {
    id: entry.id,
    savePath,
    addedAt: count(entry.addedAt) ?? 0,
    // A torrent whose folder is unknown waits for the user, as a rebuilt one does.
    paused: savePath === '' || typeof entry.paused !== 'boolean' ? true : entry.paused,
    skipFiles: Array.isArray(entry.skipFiles)
      ? entry.skipFiles.filter((i): i is number => count(i) !== undefined)
      : [],
    uploadedBytes: count(entry.uploadedBytes),
    downloadedBytes: count(entry.downloadedBytes),
    actions: normalizeActions(entry.actions), // --- issue 21
    label: persistedLabel(entry.label), // --- labels (issue 21): absent when none
  };
}

// --- labels (issue 21) ---
/** A hand-edited label that is not a usable one is dropped, not trusted. */
function persistedLabel(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const label = normalizeLabel(v);
  return label !== null && labelProblem(label) === null ? label : undefined;
}

function isListFile(value: unknown): value is SessionListFile {
  return isObject(value) && Array.isArray(value.torrents);
}
