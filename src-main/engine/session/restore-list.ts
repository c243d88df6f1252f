/**
 * Bringing the torrent list back at start-up, and what to do when it is lost.
 *
 * Invariants:
 * - Every torrent named by session.json (or its backup) whose .torrent file parses is added with
 *   its save folder, state, skipped files, date and totals; each one that fails raises its own
 *   alert and the rest still load.
 * - A list that cannot be read is never taken as "no torrents": it is rebuilt from torrents/,
 *   paused (where the data was is lost with the list, and a fresh download into the default
 *   folder is not what the user wants), with one alert saying so, and saved at once.
 */
import fsp from 'node:fs/promises';
import type { Alert } from '../../../src-shared/model';
import type { Metainfo } from '../metainfo';
import { parseTorrent } from '../metainfo';
import type { PersistedTorrent, SessionStore } from './persistence';
import { readSmallFile } from './small-files'; // --- a thousand torrents (issue 20)

export interface RestoreDeps {
  /** Add one torrent as it was (its date and totals carry over). */
  add: (meta: Metainfo, entry: PersistedTorrent) => Promise<void>;
  raise: (alert: Omit<Alert, 'at'>) => void;
  log: (level: 'warn' | 'error', message: string) => void;
  defaultSavePath: string;
  now: () => number;
}

/** Returns how many torrents were restored. */
export async function restoreTorrentList(store: SessionStore, deps: RestoreDeps): Promise<number> {
  const loaded = await store.loadList();
  if (loaded.kind === 'ok') {
    if (loaded.fromBackup) deps.log('warn', 'session.json was unusable; restored from its backup');
    let restored = 0;
    // Read ahead, in parallel: one after another, 1,000 small reads took seconds (issue 15).
    const ahead = readAhead(loaded.torrents.map((e) => store.torrentFile(e.id)));
    for (const [i, entry] of loaded.torrents.entries()) {
      const known = {
        ...entry,
        savePath: entry.savePath || deps.defaultSavePath,
        addedAt: entry.addedAt || deps.now(),
      };
      if (await restoreOne(store, known, deps, ahead(i))) restored++;
    }
    return restored;
  }
  deps.log('error', `${loaded.reason}; rebuilding it from torrents/`);
  let restored = 0;
  for (const id of loaded.ids) {
    const entry: PersistedTorrent = {
      id,
      savePath: deps.defaultSavePath,
      addedAt: deps.now(),
      paused: true,
      skipFiles: [],
    };
    if (await restoreOne(store, entry, deps)) restored++;
  }
  deps.raise({
    kind: 'torrent-error',
    level: 'error',
    torrentId: null,
    title: 'The torrent list was damaged',
    message:
      `${loaded.reason}. ${restored} of ${loaded.ids.length} torrents were restored from ` +
      `the data folder, paused, with the default download folder; check their folders.`,
  });
  await store.saveList();
  return restored;
}

/**
 * The files, read up to READ_AHEAD ahead of the one asked for: in parallel, and never more than
 * that many held in memory before they are used.
 */
const READ_AHEAD = 32;
function readAhead(files: string[]): (i: number) => Promise<Uint8Array> {
  const started = new Map<number, Promise<Uint8Array>>();
  let next = 0;
  return (i) => {
    for (; next < files.length && next <= i + READ_AHEAD; next++) {
      const p = readSmallFile(files[next] as string); // issue 20: half the CPU of fsp's
      p.catch(() => {}); // reported by restoreOne, which awaits it
      started.set(next, p);
    }
    const p = started.get(i) as Promise<Uint8Array>;
    started.delete(i);
    return p;
  };
}

async function restoreOne(
  store: SessionStore,
  entry: PersistedTorrent,
  deps: RestoreDeps,
  bytes?: Promise<Uint8Array>,
): Promise<boolean> {
  try {
    const meta = parseTorrent(await (bytes ?? fsp.readFile(store.torrentFile(entry.id))));
    await deps.add(meta, entry);
    return true;
  } catch (err) {
    deps.log('error', `could not restore ${entry.id}: ${errMessage(err)}`);
    deps.raise({
      kind: 'torrent-error',
      level: 'error',
      torrentId: null,
      title: 'A torrent could not be restored',
      message: `${entry.id}: ${errMessage(err)}`,
    });
    return false;
  }
}

function errMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
