/**
 * `swarmscope check <file.torrent> --dir D`: the CLI's "Verify local data". Hashes every piece
 * of the torrent's files under D, off the main thread, and says how much is there: a count of
 * verified pieces, each file's share, and the files that are missing. It opens no socket and
 * changes no file. Exit 0 when every piece verifies, 1 when some do not, 2 on bad input.
 */
import fs from 'node:fs';
import path from 'node:path';
import { HashWritePool, resolveInside, type Metainfo } from '../../engine';
import { formatBytes } from '../format';

export interface CheckIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** Redraws one progress line; called at most every PROGRESS_EVERY_MS. */
  progress?: (line: string) => void;
}

export interface CheckReport {
  name: string;
  infoHash: string;
  verifiedPieces: number;
  pieceCount: number;
  files: { path: string; sizeBytes: number; present: boolean; verifiedBytes: number }[];
}

const PROGRESS_EVERY_MS = 200;

/** Checks `meta`'s data under `dir`; the pool is the caller's, so tests can share one. */
export async function checkLocalData(
  meta: Metainfo,
  dir: string,
  pool: HashWritePool,
  onProgress?: (doneBytes: number) => void,
): Promise<CheckReport> {
  const root = path.resolve(dir);
  const paths = meta.files.map((f) => resolveInside(root, f.path));
  const verified = await pool.checkPieces(
    meta.files.map((f, i) => ({ path: paths[i] as string, length: f.length })),
    meta.pieceLength,
    meta.pieceHashes,
    { onProgress },
  );
  let verifiedPieces = 0;
  for (const v of verified) verifiedPieces += v;
  // A file's verified bytes: the parts of verified pieces that fall inside it.
  let offset = 0;
  const files = meta.files.map((f, i) => {
    const start = offset;
    const end = offset + f.length;
    offset = end;
    let verifiedBytes = 0;
    if (f.length > 0) {
      const first = Math.floor(start / meta.pieceLength);
      const last = Math.floor((end - 1) / meta.pieceLength);
      for (let p = first; p <= last; p++) {
        if (!verified[p]) continue;
        const pStart = p * meta.pieceLength;
        const pEnd = Math.min(pStart + meta.pieceLength, meta.totalLength);
        verifiedBytes += Math.min(end, pEnd) - Math.max(start, pStart);
      }
    }
    return {
      path: f.path.join('/'),
      sizeBytes: f.length,
      present: fs.existsSync(paths[i] as string),
      verifiedBytes,
    };
  });
  return {
    name: meta.name,
    infoHash: meta.infoHashHex,
    verifiedPieces,
    pieceCount: meta.pieceCount,
    files,
  };
}

export async function runCheckCommand(
  meta: Metainfo,
  dir: string,
  json: boolean,
  io: CheckIo,
): Promise<number> {
  if (!fs.existsSync(dir)) throw new Error(`--dir ${dir} does not exist`);
  const pool = new HashWritePool({ mainThreadHelps: true });
  let lastAt = 0;
  try {
    const report = await checkLocalData(meta, dir, pool, (done) => {
      const now = performance.now();
      if (!io.progress || now - lastAt < PROGRESS_EVERY_MS) return;
      lastAt = now;
      const pct = meta.totalLength > 0 ? (done / meta.totalLength) * 100 : 100;
      io.progress(`checking ${meta.name}: ${pct.toFixed(1)}%`);
    });
    const complete = report.verifiedPieces === report.pieceCount;
    if (json) {
      io.stdout(JSON.stringify({ ...report, complete }, null, 2) + '\n');
    } else {
      const pct = report.pieceCount > 0 ? (report.verifiedPieces / report.pieceCount) * 100 : 100;
      io.stdout(
        `${report.name}: ${report.verifiedPieces}/${report.pieceCount} pieces verified (${pct.toFixed(1)}%)\n`,
      );
      for (const f of report.files) {
        if (!f.present) io.stdout(`  missing  ${f.path}\n`);
        else if (f.verifiedBytes < f.sizeBytes)
          io.stdout(
            `  partial  ${f.path}: ${formatBytes(f.verifiedBytes)} of ${formatBytes(f.sizeBytes)} verified\n`,
          );
      }
    }
    return complete ? 0 : 1;
  } finally {
    await pool.close();
  }
}
