/**
 * Magnets still fetching their metadata, kept in the data folder (`magnets.json`), so a restart
 * before the metadata arrives does not lose them. Once it arrives the magnet is an ordinary
 * torrent, kept in session.json and torrents/<id>.torrent like any other, and leaves this file.
 *
 * Invariants: written atomically with one writer (AtomicFile); read with its backup; an entry
 * of the wrong shape is skipped, never fatal.
 */
import path from 'node:path';
import { AtomicFile, readJsonWithBackup } from './atomic-file';

export interface PersistedMagnet {
  uri: string;
  savePath: string;
  addedAt: number;
  paused: boolean;
  chooseFiles: boolean;
  skipFiles?: number[];
}

export const MAGNETS_FILE = 'magnets.json';

function isEntry(v: unknown): v is PersistedMagnet {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Record<string, unknown>;
  return (
    typeof e['uri'] === 'string' &&
    typeof e['savePath'] === 'string' &&
    typeof e['addedAt'] === 'number' &&
    typeof e['paused'] === 'boolean' &&
    typeof e['chooseFiles'] === 'boolean' &&
    (e['skipFiles'] === undefined ||
      (Array.isArray(e['skipFiles']) &&
        e['skipFiles'].every((i) => Number.isInteger(i) && (i as number) >= 0)))
  );
}

export class MagnetStore {
  private readonly file: AtomicFile;

  constructor(dataDir: string, list: () => PersistedMagnet[]) {
    this.file = new AtomicFile(path.join(dataDir, MAGNETS_FILE), () =>
      JSON.stringify(list(), null, 1),
    );
  }

  save(): Promise<void> {
    return this.file.save();
  }

  idle(): Promise<void> {
    return this.file.idle();
  }

  /** The saved magnets; none when the file is missing or damaged (with the problem). */
  static async load(
    dataDir: string,
  ): Promise<{ magnets: PersistedMagnet[]; problem: string | null }> {
    const read = await readJsonWithBackup(path.join(dataDir, MAGNETS_FILE), Array.isArray);
    if (read.kind === 'missing') return { magnets: [], problem: null };
    if (read.kind === 'damaged') return { magnets: [], problem: read.reason };
    return { magnets: (read.value as unknown[]).filter(isEntry), problem: null };
  }
}
