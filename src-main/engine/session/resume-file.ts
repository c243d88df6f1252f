/**
 * One torrent's resume file, `resume/<key>.resume` (JSON): what lets a restart skip the rehash.
 * It holds the verified-pieces bitfield, each file's size and mtime when it was saved, the save
 * path, the paused flag, the all-time counters, file priorities, peers added by hand and the
 * trackers.
 *
 * Partial pieces are not kept: the download pipeline writes a piece only whole, after its hash
 * matched (docs/ARCHITECTURE.md section 7), so no block of an unfinished piece is ever on disk
 * and the verified bitfield is all there is to resume.
 *
 * Invariants:
 * - Reading never trusts the file blindly: every field is checked (types, lengths, the
 *   info-hash, the piece and file counts, the save path, finite counts). Anything wrong gives a
 *   `problem` (a sentence for the log) and the caller does a full check; nothing here throws on
 *   bad content.
 * - Files are written by the resume writer through atomic-file.ts (temp, fsync, rename, `.bak`);
 *   a damaged file falls back to its `.bak`, which can only be older, and an older bitfield with
 *   older mtimes is checked the same way (a file written since no longer matches).
 */
import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { FilePriority } from '../../../src-shared/model';
import { readJsonWithBackup } from './atomic-file';
// --- piece origins (issue 19) ---
import { PIECE_ORIGIN_MAX_CLIENT_CHARS, PIECE_ORIGIN_MAX_SLOTS } from '../limits';
import { readSmallFile } from './small-files'; // --- a thousand torrents (issue 20)
import type { OriginsRecord } from '../torrent/piece-origins';

export const RESUME_FILE_VERSION = 1;
/** A resume file is a bitfield and a few lines per file; anything this large is not ours. */
export const MAX_RESUME_FILE_BYTES = 64 * 1024 * 1024;
/** Peers added by hand that are remembered per torrent (the oldest go first). */
export const MAX_RESUME_PEERS = 200;
/** Tracker URLs remembered per torrent, and the length of each. */
export const MAX_RESUME_TRACKERS = 200;
export const MAX_RESUME_URL_CHARS = 4096;
/** Resume files read at once when a session opens (see prefetchResumeFiles). */
const PREFETCH_CONCURRENCY = 32;
/** What prefetching may hold in memory; past it, files are read one by one as before. */
const PREFETCH_MAX_BYTES = 64 * 1024 * 1024;

/** A file's size and modification time when the resume data was saved; null: it did not exist. */
export interface FileStamp {
  size: number;
  mtimeMs: number;
}

export interface ResumeData {
  infoHash: string;
  savePath: string;
  pieceCount: number;
  /** Verified pieces, BEP 3 bitfield layout. */
  verified: Uint8Array;
  files: (FileStamp | null)[];
  paused: boolean;
  uploadedBytes: number;
  downloadedBytes: number;
  activeSeconds: number;
  priorities: FilePriority[];
  peers: { address: string; port: number }[];
  trackers: string[][];
  savedAt: number;
  // --- piece origins (issue 19) ---
  /** Who delivered each piece; absent in older files, and dropped (alone) when malformed. */
  origins?: OriginsRecord;
}

/** What the torrent being restored expects of its resume file. */
export interface ResumeExpectation {
  infoHash: string;
  pieceCount: number;
  fileCount: number;
  savePath: string;
}

export type ResumeRead = { kind: 'ok'; data: ResumeData } | { kind: 'none'; reason: string };

/**
 * The file's name. Keyed by info-hash, so a torrent added from a magnet link finds it once its
 * metadata is in; with `bySavePath` (the CLI) also by the save folder, so the same torrent in
 * two folders keeps two files.
 */
export function resumeFileName(infoHash: string, savePath: string, bySavePath: boolean): string {
  if (!bySavePath) return `${infoHash}.resume`;
  const where = crypto.createHash('sha256').update(path.resolve(savePath)).digest('hex');
  return `${infoHash}-${where.slice(0, 16)}.resume`;
}

export function encodeResume(d: ResumeData): string {
  return JSON.stringify({
    version: RESUME_FILE_VERSION,
    infoHash: d.infoHash,
    savePath: d.savePath,
    pieceCount: d.pieceCount,
    verified: Buffer.from(d.verified).toString('base64'),
    files: d.files.map((f) => (f ? [f.size, f.mtimeMs] : null)),
    paused: d.paused,
    uploadedBytes: d.uploadedBytes,
    downloadedBytes: d.downloadedBytes,
    activeSeconds: d.activeSeconds,
    priorities: d.priorities,
    peers: d.peers.map((p) => [p.address, p.port]),
    trackers: d.trackers,
    savedAt: d.savedAt,
    // --- piece origins (issue 19) ---
    ...(d.origins ? { origins: encodeOrigins(d.origins) } : {}),
  });
}

/** Checks every field against what the torrent expects; a `problem` says what was wrong. */
export function decodeResume(
  value: unknown,
  expect: ResumeExpectation,
): { data: ResumeData } | { problem: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { problem: 'it is not an object' };
  const v = value as Record<string, unknown>;
  if (v.version !== RESUME_FILE_VERSION) return { problem: `unknown version ${String(v.version)}` };
  if (v.infoHash !== expect.infoHash) return { problem: 'it is for another info-hash' };
  if (v.savePath !== path.resolve(expect.savePath))
    return { problem: 'the save path changed since it was written' };
  if (v.pieceCount !== expect.pieceCount) return { problem: 'its piece count is wrong' };
  if (typeof v.verified !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(v.verified))
    return { problem: 'its bitfield is not base64' };
  const verified = new Uint8Array(Buffer.from(v.verified, 'base64'));
  if (verified.length !== Math.ceil(expect.pieceCount / 8))
    return { problem: 'its bitfield has the wrong length' };
  const spare = verified.length * 8 - expect.pieceCount;
  if (spare > 0 && ((verified[verified.length - 1] as number) & ((1 << spare) - 1)) !== 0)
    return { problem: 'its bitfield has spare bits set' };
  if (!Array.isArray(v.files) || v.files.length !== expect.fileCount)
    return { problem: 'its file list has the wrong length' };
  const files: (FileStamp | null)[] = [];
  for (const f of v.files as unknown[]) {
    if (f === null) {
      files.push(null);
      continue;
    }
    if (!Array.isArray(f) || f.length !== 2 || !isCount(f[0]) || !isFiniteNumber(f[1]))
      return { problem: 'a file stamp is malformed' };
    files.push({ size: f[0], mtimeMs: f[1] });
  }
  if (typeof v.paused !== 'boolean') return { problem: 'its paused flag is not a boolean' };
  for (const k of ['uploadedBytes', 'downloadedBytes', 'activeSeconds', 'savedAt'] as const)
    if (!isCount(v[k])) return { problem: `its ${k} is not a count` };
  if (
    !Array.isArray(v.priorities) ||
    v.priorities.length !== expect.fileCount ||
    !v.priorities.every((p) => p === 'skip' || p === 'normal' || p === 'high')
  )
    return { problem: 'its file priorities are malformed' };
  const peers = decodePeers(v.peers);
  if (!peers) return { problem: 'its peer list is malformed' };
  const trackers = decodeTrackers(v.trackers);
  if (!trackers) return { problem: 'its tracker list is malformed' };
  return {
    data: {
      infoHash: expect.infoHash,
      savePath: v.savePath,
      pieceCount: expect.pieceCount,
      verified,
      files,
      paused: v.paused,
      uploadedBytes: v.uploadedBytes as number,
      downloadedBytes: v.downloadedBytes as number,
      activeSeconds: v.activeSeconds as number,
      priorities: v.priorities as FilePriority[],
      peers,
      trackers,
      savedAt: v.savedAt as number,
      // --- piece origins (issue 19): anything wrong drops the origins, never the resume data.
      ...optionalOrigins(decodeOrigins(v.origins, expect.pieceCount)),
    },
  };
}

/**
 * Every resume file of a folder, read in parallel, as text by name: a session restoring 1,000
 * torrents one after another would otherwise wait for two reads per torrent in a row (3 s of
 * its start here). Nothing is trusted from this: readResumeFile checks it as it checks a read.
 * Unreadable files are simply left out (then read, and reported, the usual way).
 */
export async function prefetchResumeFiles(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let names: string[];
  try {
    names = (await fsp.readdir(dir)).filter((n) => n.endsWith('.resume'));
  } catch {
    return out;
  }
  let bytes = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < names.length && bytes < PREFETCH_MAX_BYTES) {
      const name = names[next++] as string;
      try {
        const text = (await readSmallFile(path.join(dir, name))).toString('utf8'); // issue 20
        bytes += text.length;
        if (text.length <= MAX_RESUME_FILE_BYTES) out.set(name, text);
      } catch {
        // Read again (and reported) the usual way.
      }
    }
  };
  await Promise.all(Array.from({ length: PREFETCH_CONCURRENCY }, worker));
  return out;
}

/**
 * Reads and checks a resume file (falling back to its `.bak`). Never throws for a bad or
 * missing file: `none` with the reason, for the log, and the caller checks everything.
 * `prefetched` is the file's text read earlier (prefetchResumeFiles); if it does not check
 * out, the file is read again the usual way, backup and all.
 */
export async function readResumeFile(
  file: string,
  expect: ResumeExpectation,
  prefetched?: string,
): Promise<ResumeRead> {
  if (prefetched !== undefined) {
    try {
      const decoded = decodeResume(JSON.parse(prefetched), expect);
      if ('data' in decoded) return { kind: 'ok', data: decoded.data };
    } catch {
      // Not JSON: the usual read below says why and tries the backup.
    }
  }
  try {
    const st = await fsp.stat(file).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null;
      throw err;
    });
    if (st && st.size > MAX_RESUME_FILE_BYTES)
      return { kind: 'none', reason: `${path.basename(file)} is too large to be ours` };
    let problem = '';
    const read = await readJsonWithBackup(file, (value): value is unknown => {
      const decoded = decodeResume(value, expect);
      if ('problem' in decoded) problem = decoded.problem;
      return !('problem' in decoded);
    });
    if (read.kind === 'missing') return { kind: 'none', reason: 'no resume file' };
    if (read.kind === 'damaged')
      return {
        kind: 'none',
        reason: problem ? `the resume file is damaged: ${problem}` : read.reason,
      };
    const decoded = decodeResume(read.value, expect);
    if ('problem' in decoded) return { kind: 'none', reason: decoded.problem };
    return { kind: 'ok', data: decoded.data };
  } catch (err) {
    return {
      kind: 'none',
      reason: `the resume file could not be read: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function decodePeers(v: unknown): { address: string; port: number }[] | null {
  if (!Array.isArray(v) || v.length > MAX_RESUME_PEERS) return null;
  const out: { address: string; port: number }[] = [];
  for (const p of v as unknown[]) {
    if (!Array.isArray(p) || p.length !== 2) return null;
    const [address, port] = p as unknown[];
    if (typeof address !== 'string' || address.length === 0 || address.length > 255) return null;
    if (!(isCount(port) && port > 0 && port < 65536)) return null;
    out.push({ address, port });
  }
  return out;
}

function decodeTrackers(v: unknown): string[][] | null {
  if (!Array.isArray(v)) return null;
  let urls = 0;
  const out: string[][] = [];
  for (const tier of v as unknown[]) {
    if (!Array.isArray(tier)) return null;
    const t: string[] = [];
    for (const url of tier as unknown[]) {
      if (typeof url !== 'string' || url.length > MAX_RESUME_URL_CHARS) return null;
      if (++urls > MAX_RESUME_TRACKERS) return null;
      t.push(url);
    }
    out.push(t);
  }
  return out;
}

// --- piece origins (issue 19) ---
/** Addresses kept per origin slot are `host:port` labels; longer is not ours. */
const MAX_ORIGIN_ADDRESS_CHARS = 64;

function encodeOrigins(o: OriginsRecord): {
  slots: string;
  peers: [string, string, number, string][];
} {
  // Little-endian bytes, so the file reads the same on every machine.
  const bytes = Buffer.alloc(o.origins.length * 2);
  o.origins.forEach((v, i) => bytes.writeUInt16LE(v, i * 2));
  return {
    slots: bytes.toString('base64'),
    peers: o.slots.map((s) => [s.address, s.client, s.bytes, s.peerIdHex]),
  };
}

function optionalOrigins(o: OriginsRecord | null): { origins?: OriginsRecord } {
  return o ? { origins: o } : {};
}

/** The origins field, checked; null when absent or wrong in any way. */
export function decodeOrigins(v: unknown, pieceCount: number): OriginsRecord | null {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
  const { slots, peers } = v as Record<string, unknown>;
  if (typeof slots !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(slots)) return null;
  if (!Array.isArray(peers) || peers.length > PIECE_ORIGIN_MAX_SLOTS) return null;
  const out: OriginsRecord['slots'] = [];
  for (const p of peers as unknown[]) {
    if (!Array.isArray(p) || p.length !== 4) return null;
    const [address, client, bytes, peerIdHex] = p as unknown[];
    if (typeof address !== 'string' || address.length > MAX_ORIGIN_ADDRESS_CHARS) return null;
    if (typeof client !== 'string' || client.length > PIECE_ORIGIN_MAX_CLIENT_CHARS) return null;
    if (!isCount(bytes)) return null;
    if (typeof peerIdHex !== 'string' || !/^(?:[0-9a-f]{40})?$/.test(peerIdHex)) return null;
    out.push({ address, client, bytes, peerIdHex });
  }
  const raw = Buffer.from(slots, 'base64');
  if (raw.length !== pieceCount * 2) return null;
  const origins = new Uint16Array(pieceCount);
  for (let i = 0; i < pieceCount; i++) {
    const slot = raw.readUInt16LE(i * 2);
    if (slot > out.length) return null;
    origins[i] = slot;
  }
  return { origins, slots: out };
}
