/**
 * Crash-safe small files in the data folder (settings.json, session.json, torrents/<id>.torrent).
 *
 * Invariants:
 * - One writer at a time per `AtomicFile`. A save asked for while one runs marks the file dirty,
 *   and exactly one more save follows, with whatever `produce()` returns then (coalescing: 400
 *   pauses at once cost two writes, not 400 interleaved ones).
 * - Every write goes to a temp name of its own, is fsynced, and only then renamed over the file;
 *   the folder is fsynced after the rename where the OS allows it. So the file is always either
 *   the old or the new content, never a mix.
 * - The previous content is kept as `<file>.bak` (moved aside just before the rename), so a file
 *   damaged outside our control still has a good copy next to it.
 * - Files are created owner-only (DATA_FILE_MODE): they hold paths and tokens.
 */
import fsp from 'node:fs/promises';
import path from 'node:path';

/** Owner read/write only: the data folder's files say what the user downloads, and where. */
export const DATA_FILE_MODE = 0o600;
/** Owner only, for the data folder and its subfolders. */
export const DATA_DIR_MODE = 0o700;

/** Temp names differ per write, so two processes (or a leftover) never share one. */
let tempSeq = 0;

export function backupPath(file: string): string {
  return `${file}.bak`;
}

/** Write `data` to `file` atomically: unique temp file, fsync, keep the old copy, rename. */
export async function writeFileAtomic(
  file: string,
  data: string | Uint8Array,
  opts: { keepBackup?: boolean } = {},
): Promise<void> {
  const tmp = `${file}.${process.pid}.${++tempSeq}.tmp`;
  const handle = await fsp.open(tmp, 'wx', DATA_FILE_MODE);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (err) {
    await handle.close();
    await fsp.rm(tmp, { force: true });
    throw err;
  }
  await handle.close();
  try {
    if (opts.keepBackup) await moveAside(file, backupPath(file));
    await fsp.rename(tmp, file);
  } catch (err) {
    await fsp.rm(tmp, { force: true });
    throw err;
  }
  await syncDir(path.dirname(file));
}

/**
 * A hard link keeps the old file in place until the rename replaces it (no moment without a
 * file). The link gets a unique name first and is renamed over the backup, so that concurrent
 * writers each replace the backup whole.
 */
async function moveAside(file: string, backup: string): Promise<void> {
  const tmp = `${backup}.${process.pid}.${++tempSeq}.tmp`;
  try {
    await fsp.link(file, tmp);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    // No hard links here (some network or FAT folders): a copy is as good, only slower.
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV' && code !== 'EMLINK') throw err;
    try {
      await fsp.copyFile(file, tmp);
    } catch (copyErr) {
      if ((copyErr as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw copyErr;
    }
  }
  await fsp.rename(tmp, backup);
  // POSIX rename does nothing when both names are links to one file (a racing writer linked the
  // same version): the backup is right then, and the spare name goes.
  await fsp.rm(tmp, { force: true });
}

/** Make the rename durable. Windows cannot open a folder for fsync, which is fine there. */
async function syncDir(dir: string): Promise<void> {
  let handle: fsp.FileHandle;
  try {
    handle = await fsp.open(dir, 'r');
  } catch {
    return;
  }
  try {
    await handle.sync();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM') throw err;
  } finally {
    await handle.close();
  }
}

/**
 * One file with one writer: `save()` resolves once a write that includes every change made before
 * the call has landed (or rejects with that write's error).
 */
export class AtomicFile {
  private running: Promise<void> | null = null;
  private dirty = false;
  private waiters: { resolve: () => void; reject: (err: unknown) => void }[] = [];
  /** Writes done, for tests that check coalescing. */
  writes = 0;

  constructor(
    readonly file: string,
    private readonly produce: () => string | Uint8Array,
    private readonly opts: { keepBackup?: boolean } = {},
  ) {}

  save(): Promise<void> {
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    this.dirty = true;
    if (!this.running) this.running = this.drain();
    return done;
  }

  /** Resolves when no write is running or pending. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    while (this.dirty) {
      this.dirty = false;
      // Everyone waiting now is served by this write: it reads the state after their change.
      const served = this.waiters;
      this.waiters = [];
      try {
        await writeFileAtomic(this.file, this.produce(), this.opts);
        this.writes++;
        for (const w of served) w.resolve();
      } catch (err) {
        for (const w of served) w.reject(err);
      }
    }
    this.running = null;
  }
}

export type ReadOutcome<T> =
  | { kind: 'ok'; value: T; from: 'file' | 'backup' }
  | { kind: 'missing' }
  | { kind: 'damaged'; reason: string };

/**
 * Read a JSON file written by AtomicFile. A damaged file is kept aside as `<file>.broken` for the
 * user, and the backup is tried before giving up.
 */
export async function readJsonWithBackup<T>(
  file: string,
  valid: (value: unknown) => value is T,
): Promise<ReadOutcome<T>> {
  const main = await readJson(file, valid);
  if (main.kind === 'ok') return { kind: 'ok', value: main.value, from: 'file' };
  if (main.kind === 'damaged') await fsp.rename(file, `${file}.broken`);
  const backup = await readJson(backupPath(file), valid);
  if (backup.kind === 'ok') return { kind: 'ok', value: backup.value, from: 'backup' };
  if (main.kind === 'damaged') return main;
  if (backup.kind === 'damaged') return backup;
  return { kind: 'missing' };
}

async function readJson<T>(
  file: string,
  valid: (value: unknown) => value is T,
): Promise<{ kind: 'ok'; value: T } | { kind: 'missing' } | { kind: 'damaged'; reason: string }> {
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    throw err;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { kind: 'damaged', reason: `${path.basename(file)} is not valid JSON: ${errText(err)}` };
  }
  if (!valid(value))
    return { kind: 'damaged', reason: `${path.basename(file)} has the wrong shape` };
  return { kind: 'ok', value };
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
