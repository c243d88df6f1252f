/**
 * Test fixtures generated in code (no binary blobs): content trees with files that straddle
 * pieces, a zero-length file and a non-ASCII name, plus helpers to hash what landed on disk.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { seededRandom } from '../engine/time/clock';

export interface FixtureFile {
  /** Relative path inside the content folder. */
  path: string;
  sizeBytes: number;
}

/** Sizes chosen so that files straddle 32 KiB pieces, with an empty file and non-ASCII names. */
export const multiFileLayout: FixtureFile[] = [
  { path: 'a-first.bin', sizeBytes: 100_003 },
  { path: 'empty.txt', sizeBytes: 0 },
  { path: 'naïve café/ünïcødé-файл.bin', sizeBytes: 70_001 },
  { path: 'sub/dir/tiny.txt', sizeBytes: 13 },
  { path: 'sub/z-last.bin', sizeBytes: 250_000 },
];

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `swarmscope-${prefix}-`));
}

/** Write deterministic pseudo-random content under `root/name`. Returns the content folder. */
export function writeContent(root: string, name: string, files: FixtureFile[], seed = 1): string {
  const rnd = seededRandom(seed);
  const dir = path.join(root, name);
  for (const f of files) {
    const full = path.join(dir, ...f.path.split('/'));
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, rnd.bytes(f.sizeBytes));
  }
  return dir;
}

/** Write one file of `sizeBytes` deterministic bytes. */
export function writeFile(file: string, sizeBytes: number, seed = 7): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fd = fs.openSync(file, 'w');
  try {
    const rnd = seededRandom(seed);
    const chunk = rnd.bytes(Math.min(sizeBytes, 1 << 20));
    let written = 0;
    let n = 0;
    while (written < sizeBytes) {
      const len = Math.min(chunk.length, sizeBytes - written);
      // Vary each chunk so pieces differ.
      chunk[0] = n++ & 0xff;
      chunk[1] = (n >> 8) & 0xff;
      written += fs.writeSync(fd, chunk, 0, len);
    }
  } finally {
    fs.closeSync(fd);
  }
}

export function sha256File(file: string): string {
  const h = crypto.createHash('sha256');
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      h.update(buf.subarray(0, n));
    }
  } finally {
    fs.closeSync(fd);
  }
  return h.digest('hex');
}

/** sha256 of every file under `dir`, keyed by relative path with forward slashes. */
export function sha256Tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else out[path.relative(dir, full).split(path.sep).join('/')] = sha256File(full);
    }
  };
  walk(dir);
  return out;
}

/** Poll `cond` every `everyMs` until it holds or `timeoutMs` passes. */
export async function waitFor(
  cond: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 60_000,
  everyMs = 50,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** Counts of open handles by kind, to assert a test left nothing open. */
export function openHandles(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) counts[r] = (counts[r] ?? 0) + 1;
  return counts;
}
