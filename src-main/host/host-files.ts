/**
 * The host-side file commands a browser needs because a web page cannot see local paths
 * (issue 6): `fs.list` browses folders on the host machine, and `file.upload` stores a dropped
 * file in the host's upload folder so it can be seeded from there.
 *
 * Invariants: an upload never overwrites an existing file (a free name is chosen) and is
 * written only inside `uploadDir`; listings are bounded to `maxListEntries`.
 *
 * Uploads come in chunks, in order (issue 16 item 8): the first reserves the file's name and
 * returns an id; a chunk must start where the last one ended. At most `maxOpenUploads` are open
 * at once; one idle for `uploadIdleMs` is given up, and its partial file is deleted.
 */
import { randomBytes } from 'node:crypto';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { DirEntry, DirListing } from '../../src-shared/model';
import { ContractError } from '../../src-shared/model';
import type { Handlers } from './api';

/** A folder with more entries than this is shown truncated. */
export const maxListEntries = 5000;
/** Name collisions resolved by numbering ("a (1).iso") before giving up. */
const maxNameTries = 1000;
/** Uploads in progress at once; a browser sends one file at a time. */
export const maxOpenUploads = 8;
/** An upload with no chunk for this long is given up (the tab was closed mid-file). */
export const uploadIdleMs = 10 * 60 * 1000;

export interface FileHandlerOptions {
  uploadDir: string;
  /** Where the browser starts when no path is given (the download folder). */
  startDir: () => string;
  /** Milliseconds now, for idle uploads; Date.now by default (tests pass a manual one). */
  now?: () => number;
}

interface OpenUpload {
  path: string;
  size: number;
  written: number;
  file: fsp.FileHandle;
  touchedAt: number;
  /** The chunk being written: requests run concurrently, a file's chunks one after another. */
  queue: Promise<unknown>;
}

function ioError(operation: string, err: unknown): ContractError {
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: unknown }).code;
  return new ContractError(code === 'ENOENT' ? 'not-found' : 'io', `${operation}: ${message}`);
}

export async function listDir(dir: string): Promise<DirListing> {
  const abs = path.resolve(dir);
  let dirents;
  try {
    dirents = await fsp.readdir(abs, { withFileTypes: true });
  } catch (err) {
    throw ioError(`fs.list ${abs}`, err);
  }
  const entries: DirEntry[] = [];
  for (const d of dirents.slice(0, maxListEntries)) {
    if (!d.isFile() && !d.isDirectory()) continue;
    const full = path.join(abs, d.name);
    let sizeBytes = 0;
    if (d.isFile()) {
      const st = await fsp.stat(full).catch(() => null);
      if (st === null) continue; // vanished between readdir and stat: not listed
      sizeBytes = st.size;
    }
    entries.push({ name: d.name, path: full, kind: d.isDirectory() ? 'dir' : 'file', sizeBytes });
  }
  entries.sort((a, b) =>
    a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'dir' ? -1 : 1,
  );
  const parent = path.dirname(abs);
  return { path: abs, parent: parent === abs ? null : parent, entries };
}

/** Creates a file under a free name; `wx` makes the check and the create one atomic step. */
async function createNew(
  dir: string,
  name: string,
): Promise<{ path: string; file: fsp.FileHandle }> {
  const ext = path.extname(name);
  const stem = name.slice(0, name.length - ext.length);
  for (let i = 0; i < maxNameTries; i++) {
    const candidate = path.join(dir, i === 0 ? name : `${stem} (${i})${ext}`);
    try {
      return { path: candidate, file: await fsp.open(candidate, 'wx', 0o600) };
    } catch (err) {
      if ((err as { code?: unknown }).code !== 'EEXIST') throw err;
    }
  }
  throw new ContractError('already-exists', `file.upload: too many files named ${name}`);
}

export function createFileHandlers(
  opts: FileHandlerOptions,
): Pick<Handlers, 'fs.list' | 'file.upload'> & { closeUploads(): Promise<void> } {
  const now = opts.now ?? Date.now;
  const uploads = new Map<string, OpenUpload>();

  const drop = async (id: string, keepFile: boolean): Promise<void> => {
    const u = uploads.get(id);
    if (!u) return;
    uploads.delete(id);
    await u.file.close().catch(() => undefined);
    if (!keepFile) await fsp.rm(u.path, { force: true }).catch(() => undefined);
  };
  const dropIdle = async (): Promise<void> => {
    for (const [id, u] of [...uploads])
      if (now() - u.touchedAt >= uploadIdleMs) await drop(id, false);
  };

  const upload: Handlers['file.upload'] = async (req) => {
    let id = req.uploadId;
    if (id === undefined) {
      await dropIdle();
      if (uploads.size >= maxOpenUploads) {
        throw new ContractError(
          'bad-request',
          `file.upload: ${maxOpenUploads} uploads are already open`,
        );
      }
      await fsp.mkdir(opts.uploadDir, { recursive: true });
      const created = await createNew(opts.uploadDir, path.basename(req.name));
      id = randomBytes(12).toString('hex');
      uploads.set(id, {
        ...created,
        size: req.size,
        written: 0,
        touchedAt: now(),
        queue: Promise.resolve(),
      });
    }
    const u = uploads.get(id);
    if (!u)
      throw new ContractError('not-found', 'file.upload: no such upload (it may have timed out)');
    const run = u.queue.then(() => writeChunk(id, u, req));
    u.queue = run.catch(() => undefined);
    return run;
  };

  const writeChunk = async (
    id: string,
    u: OpenUpload,
    req: Parameters<Handlers['file.upload']>[0],
  ): Promise<{ uploadId: string; path: string | null }> => {
    if (uploads.get(id) !== u)
      throw new ContractError('not-found', 'file.upload: the upload was given up');
    if (req.size !== u.size || req.offset !== u.written) {
      await drop(id, false);
      throw new ContractError(
        'bad-request',
        `file.upload: chunk at ${req.offset} of ${req.size} bytes, expected ${u.written} of ${u.size}; the upload was given up`,
      );
    }
    try {
      let done = 0;
      while (done < req.bytes.length) {
        const { bytesWritten } = await u.file.write(
          req.bytes,
          done,
          req.bytes.length - done,
          u.written + done,
        );
        done += bytesWritten;
      }
    } catch (err) {
      await drop(id, false);
      throw err;
    }
    u.written += req.bytes.length;
    u.touchedAt = now();
    if (u.written < u.size) return { uploadId: id, path: null };
    await drop(id, true);
    return { uploadId: id, path: u.path };
  };

  return {
    'fs.list': async (req) => {
      const start = req.path ?? opts.startDir();
      try {
        return await listDir(start);
      } catch (err) {
        // The download folder may not exist yet: start at the home folder instead.
        if (req.path === undefined) return listDir(os.homedir());
        throw err;
      }
    },
    'file.upload': async (req) => {
      try {
        return await upload(req);
      } catch (err) {
        if (err instanceof ContractError) throw err;
        throw ioError('file.upload', err);
      }
    },
    /** Gives up every open upload (the host is closing): partial files are deleted. */
    async closeUploads(): Promise<void> {
      for (const id of [...uploads.keys()]) await drop(id, false);
    },
  };
}
