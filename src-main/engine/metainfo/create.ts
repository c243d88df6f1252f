/**
 * Creating v1 torrents from a file or a folder.
 *
 * Invariants:
 * - The info dict has exactly mktorrent's keys (`length` or `files`, `name`, `piece length`,
 *   `pieces`, and `private` only when set), and a folder's files are ordered as mktorrent orders
 *   them (by relative path, bytewise, `/` as separator), so for the same content and piece length
 *   the info-hash equals mktorrent's and libtorrent's.
 * - Hashing runs in the HashWritePool (one worker per core), never on the main thread.
 * - Symlinks are followed while they stay inside the folder; those pointing outside it (or back
 *   to a folder already walked) are skipped, as are sockets, FIFOs and devices.
 * - A file that shrinks or vanishes while being hashed fails the creation; nothing is guessed.
 * - A name that parsing would change (`a:b`, `CON`, `name.`) fails the creation before hashing,
 *   since the torrent would then point at files the folder does not hold.
 */
import { promises as fsp } from 'node:fs';
import type { Dirent } from 'node:fs';
import path from 'node:path';
import { encode } from '../bencode';
import type { Encodable } from '../bencode';
import { EngineError } from '../errors';
import { HashWritePool } from '../hash';
import { AbortError } from '../hash';
import { METAINFO_MAX_FILES, PIECE_LENGTH_MAX_BYTES } from '../limits';
import { systemClock } from '../time/clock';
import { MetainfoError } from './errors';
import { parseTorrent } from './parse';
import { autoPieceLength } from './piece-length';
import { sanitizePathComponent } from './sanitize-path';
import type { Metainfo } from './types';

export interface CreateTorrentOptions {
  /** Bytes per piece; by default autoPieceLength(total). */
  pieceLength?: number;
  /** One URL per tier (string[]), or explicit BEP 12 tiers (string[][]). */
  trackers?: string[] | string[][];
  private?: boolean;
  comment?: string;
  /** BEP 19 `url-list`. */
  webSeeds?: string[];
  createdBy?: string;
  /** Seconds since the epoch; default now; null leaves the key out. */
  creationDate?: number | null;
  onProgress?: (doneBytes: number, totalBytes: number) => void;
  signal?: AbortSignal;
  /** A pool to share; otherwise one is made for this call and closed after it. */
  pool?: HashWritePool;
}

export const DEFAULT_CREATED_BY = 'Swarmscope 0.1.0';

interface SourceFile {
  absPath: string;
  /** Components below the torrent's root folder; empty for a single-file torrent. */
  rel: string[];
  length: number;
}

function isInside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel));
}

/** Every regular file under `dir`, walked with an explicit stack (bounded by the file limit). */
async function walk(rootDir: string, signal: AbortSignal | undefined): Promise<SourceFile[]> {
  const realRoot = await fsp.realpath(rootDir);
  const visited = new Set<string>([realRoot]);
  const out: SourceFile[] = [];
  const stack: { abs: string; rel: string[] }[] = [{ abs: rootDir, rel: [] }];
  while (stack.length > 0) {
    if (signal?.aborted) throw new AbortError('torrent creation was aborted', signal.reason);
    const { abs, rel } = stack.pop()!;
    const entries: Dirent[] = await fsp.readdir(abs, { withFileTypes: true });
    for (const entry of entries) {
      const childAbs = path.join(abs, entry.name);
      const childRel = [...rel, entry.name];
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        const target = await fsp.realpath(childAbs).catch((err: NodeJS.ErrnoException) => {
          if (err.code === 'ENOENT' || err.code === 'ELOOP') return null; // dangling link
          throw err;
        });
        if (target === null || !isInside(realRoot, target)) continue;
        const st = await fsp.stat(target);
        isDir = st.isDirectory();
        isFile = st.isFile();
        if (isDir && visited.has(target)) continue;
        if (isDir) visited.add(target);
      }
      if (isDir) {
        stack.push({ abs: childAbs, rel: childRel });
      } else if (isFile) {
        const st = await fsp.stat(childAbs);
        out.push({ absPath: childAbs, rel: childRel, length: st.size });
        if (out.length > METAINFO_MAX_FILES) {
          throw new MetainfoError('path', `more than ${METAINFO_MAX_FILES} files`);
        }
      }
    }
  }
  // mktorrent's order: strcmp over the relative path with '/' separators (UTF-8 bytes).
  const keyed = out.map((f) => ({ f, key: Buffer.from(f.rel.join('/'), 'utf8') }));
  keyed.sort((a, b) => Buffer.compare(a.key, b.key));
  return keyed.map((k) => k.f);
}

/**
 * Refuses names that parsing would change (sanitize-path.ts): the torrent would then name files
 * this very folder does not hold, so neither we nor anyone else could seed it. Fails before the
 * hashing, naming the file and the reason.
 */
function checkShareableNames(name: string, files: readonly SourceFile[]): void {
  for (const f of files) {
    for (const component of [name, ...f.rel]) {
      const warnings: string[] = [];
      const field = [name, ...f.rel].join('/');
      sanitizePathComponent(component, 'path', warnings);
      if (warnings.length > 0) {
        throw new MetainfoError(
          'path',
          `${JSON.stringify(field)} cannot be shared under its name: ${warnings[0]!.replace(/^path: /, '')}; rename it first`,
        );
      }
    }
  }
}

function trackerTiers(trackers: string[] | string[][] | undefined): string[][] {
  if (trackers === undefined) return [];
  const tiers = trackers.map((t) => (Array.isArray(t) ? t : [t]));
  return tiers.map((tier) => tier.filter((u) => u.length > 0)).filter((tier) => tier.length > 0);
}

export async function createTorrent(
  sourcePath: string,
  opts: CreateTorrentOptions = {},
): Promise<{ torrentFile: Uint8Array; meta: Metainfo }> {
  const signal = opts.signal;
  if (signal?.aborted) throw new AbortError('torrent creation was aborted', signal.reason);
  const abs = path.resolve(sourcePath);
  const st = await fsp.stat(abs);
  const name = path.basename(abs);
  let files: SourceFile[];
  let single: boolean;
  if (st.isFile()) {
    files = [{ absPath: abs, rel: [], length: st.size }];
    single = true;
  } else if (st.isDirectory()) {
    files = await walk(abs, signal);
    single = false;
  } else {
    throw new MetainfoError('path', `${abs} is neither a file nor a folder`);
  }
  checkShareableNames(name, files);
  const totalLength = files.reduce((sum, f) => sum + f.length, 0);
  if (totalLength === 0) throw new MetainfoError('path', `${abs} holds no data to share`);

  const pieceLength = opts.pieceLength ?? autoPieceLength(totalLength);
  if (!Number.isSafeInteger(pieceLength) || pieceLength <= 0) {
    throw new MetainfoError('pieceLength', `${pieceLength} is not a positive integer`);
  }
  if (pieceLength > PIECE_LENGTH_MAX_BYTES) {
    throw new MetainfoError('pieceLength', `${pieceLength} exceeds ${PIECE_LENGTH_MAX_BYTES}`);
  }

  const pool = opts.pool ?? new HashWritePool();
  let hashed;
  try {
    hashed = await pool.hashPieces(
      files.map((f) => ({ path: f.absPath, length: f.length })),
      pieceLength,
      {
        onProgress: (done) => opts.onProgress?.(done, totalLength),
        ...(signal ? { signal } : {}),
      },
    );
  } finally {
    if (opts.pool === undefined) await pool.close();
  }
  const bad = hashed.readable.indexOf(0);
  if (bad !== -1) {
    const at = bad * pieceLength;
    let offset = 0;
    const culprit = files.find((f) => (offset += f.length) > at) ?? files[files.length - 1]!;
    throw new EngineError('io', `${culprit.absPath} changed or could not be read while hashing`);
  }

  const info: Record<string, Encodable> = {
    name,
    'piece length': pieceLength,
    pieces: hashed.digests,
  };
  if (single) info['length'] = totalLength;
  else info['files'] = files.map((f) => ({ length: f.length, path: f.rel }));
  if (opts.private === true) info['private'] = 1;

  const tiers = trackerTiers(opts.trackers);
  const creationDate =
    opts.creationDate === undefined ? Math.floor(systemClock.now() / 1000) : opts.creationDate;
  const webSeeds = opts.webSeeds ?? [];
  const top: Record<string, Encodable | null> = {
    announce: tiers[0]?.[0] ?? null,
    'announce-list': tiers.flat().length > 1 ? tiers : null,
    comment: opts.comment ?? null,
    'created by': opts.createdBy ?? DEFAULT_CREATED_BY,
    'creation date': creationDate,
    info,
    'url-list': webSeeds.length === 0 ? null : webSeeds.length === 1 ? webSeeds[0]! : webSeeds,
  };
  const torrentFile = encode(top);
  return { torrentFile, meta: parseTorrent(torrentFile) };
}
