/**
 * The host-side file commands a browser needs because a web page cannot see local paths
 * (issue 6): `fs.list` browses folders on the host machine, and `file.upload` stores a dropped
 * file in the host's upload folder so it can be seeded from there.
 *
 * Invariants: an upload never overwrites an existing file (a free name is chosen) and is
 * written only inside `uploadDir`; listings are bounded to `maxListEntries`.
 */
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

export interface FileHandlerOptions {
  uploadDir: string;
  /** Where the browser starts when no path is given (the download folder). */
  startDir: () => string;
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

/** Writes under a free name; `wx` makes the check and the create one atomic step. */
async function writeNew(dir: string, name: string, bytes: Uint8Array): Promise<string> {
  const ext = path.extname(name);
  const stem = name.slice(0, name.length - ext.length);
  for (let i = 0; i < maxNameTries; i++) {
    const candidate = path.join(dir, i === 0 ? name : `${stem} (${i})${ext}`);
    try {
      await fsp.writeFile(candidate, bytes, { flag: 'wx' });
      return candidate;
    } catch (err) {
      if ((err as { code?: unknown }).code !== 'EEXIST') throw err;
    }
  }
  throw new ContractError('already-exists', `file.upload: too many files named ${name}`);
}

export function createFileHandlers(
  opts: FileHandlerOptions,
): Pick<Handlers, 'fs.list' | 'file.upload'> {
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
        await fsp.mkdir(opts.uploadDir, { recursive: true });
        return { path: await writeNew(opts.uploadDir, path.basename(req.name), req.bytes) };
      } catch (err) {
        if (err instanceof ContractError) throw err;
        throw ioError('file.upload', err);
      }
    },
  };
}
