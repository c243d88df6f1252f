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
    for (const entry of loaded.torrents) {
      const known = {
        ...entry,
        savePath: entry.savePath || deps.defaultSavePath,
        addedAt: entry.addedAt || deps.now(),
      };
      if (await restoreOne(store, known, deps)) restored++;
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

async function restoreOne(
  store: SessionStore,
  entry: PersistedTorrent,
  deps: RestoreDeps,
): Promise<boolean> {
  try {
    const meta = parseTorrent(await fsp.readFile(store.torrentFile(entry.id)));
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
