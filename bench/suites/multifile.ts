/**
 * Multi-file download and seed throughput against libtorrent (issue 20, "Multi-file, 200 files,
 * 500 MB: at least 1.1x libtorrent").
 *
 * One torrent of `files` files of varied sizes (a few bytes to tens of MB, deterministic) summing
 * to `totalBytes`, in nested subfolders, made by mktorrent with 1 MiB pieces, so most pieces
 * straddle two or more files. In each run, in an order that rotates between runs, into a fresh
 * folder each time:
 *   - download: our leecher <- libtorrent seeder, and libtorrent leecher <- libtorrent seeder;
 *   - seed:     libtorrent leecher <- our seeder (compared with libtorrent <- libtorrent).
 * Measured as download.ts measures its single file: done-to-done by each leecher's own monotonic
 * clock, from spawning it to every piece verified; plain handshakes; warm free memory before each
 * leecher; one untimed warm-up download per seeder. Every file of every copy is checked by sha256.
 */
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { sha256File, writeFile } from '../../src-main/testing/fixtures';
import { startLibtorrent } from '../../src-main/testing/ref-clients';
import type { Libtorrent } from '../../src-main/testing/ref-clients';
import {
  BENCH_PIECE_LENGTH_LOG2,
  completionSyncSec,
  freshDir,
  log,
  mbps,
  median,
  monoSec,
  procCpuSec,
  round,
  startOurPeer,
  warmFreeMemory,
} from './util';
import type { OurPeer } from './util';

type Side = 'ours' | 'libtorrent';

export interface MultiFileRun {
  run: number;
  leecher: Side;
  seeder: Side;
  wallSec: number;
  mbps: number;
  leecherCpuSec: number;
  leecherMaxRssMb: number;
  seederCpuSec: number | null;
  /** Our leecher only: from every piece verified to complete (its files synced); not timed. */
  completionSyncSec: number | null;
}

export interface MultiFileBenchResult {
  totalBytes: number;
  files: number;
  smallestFileBytes: number;
  largestFileBytes: number;
  folders: number;
  runs: MultiFileRun[];
  /** Keys 'libtorrent<-libtorrent', 'ours<-libtorrent', 'libtorrent<-ours'. */
  medians: Record<
    string,
    {
      mbps: number;
      leecherCpuSecPerGiB: number;
      seederCpuSecPerGiB: number | null;
      completionSyncSec: number | null;
    }
  >;
}

export interface MultiFileBenchOptions {
  totalBytes: number;
  files: number;
  runs: number;
  workDir: string;
  /** Also time our seeder to a libtorrent leecher. */
  seed: boolean;
}

/** The torrent's top folder: every file sits under it. */
const TOP = 'multi';

/**
 * Deterministic sizes for `files` files summing to exactly `total`: roughly log-uniform weights
 * over three decades, as a real album, photo or source release is (many small files, a few large).
 */
export function multiFileSizes(files: number, total: number): number[] {
  let state = 0x9e3779b9;
  const next = (): number => {
    // xorshift32: the same sizes on every machine and run.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x1_0000_0000;
  };
  const weights = Array.from({ length: files }, () => 10 ** (next() * 3));
  const sum = weights.reduce((a, b) => a + b, 0);
  const sizes = weights.map((w) => Math.max(1, Math.floor((total * w) / sum)));
  const rest = total - sizes.reduce((a, b) => a + b, 0);
  sizes[sizes.length - 1] = (sizes[sizes.length - 1] as number) + rest;
  return sizes;
}

/** A file's path under TOP: up to three levels of subfolders, a few files at the top. */
function relPath(i: number): string {
  if (i % 10 === 0) return `file-${i}.bin`;
  return `disc-${i % 4}/part-${i % 7}/${i % 3 === 0 ? 'extra/' : ''}file-${i}.bin`;
}

export async function runMultiFileBench(
  opts: MultiFileBenchOptions,
): Promise<MultiFileBenchResult> {
  const root = path.join(opts.workDir, 'multifile');
  fs.rmSync(root, { recursive: true, force: true });
  const stopAll: (() => Promise<void>)[] = [];
  try {
    const sizes = multiFileSizes(opts.files, opts.totalBytes);
    const srcDir = path.join(root, 'source');
    const rel = sizes.map((_, i) => relPath(i));
    log(`multifile: writing ${opts.files} files, ${opts.totalBytes} bytes`);
    const shas = sizes.map((size, i) => {
      const file = path.join(srcDir, TOP, ...rel[i]!.split('/'));
      writeFile(file, size, 5000 + i);
      return sha256File(file);
    });
    const torrentFile = path.join(root, 'multi.torrent');
    execFileSync(
      'mktorrent',
      ['-l', String(BENCH_PIECE_LENGTH_LOG2), '-t', '2', '-o', torrentFile, path.join(srcDir, TOP)],
      { stdio: 'ignore', timeout: 120_000 },
    );
    const timeoutMs = Math.max(120_000, (opts.totalBytes / 5e6) * 1000);

    const ltSeeder: Libtorrent = await startLibtorrent({
      role: 'seed',
      torrentFile,
      saveDir: srcDir,
    });
    stopAll.push(() => ltSeeder.stop());
    await ltSeeder.waitReady(timeoutMs);
    let ourSeeder: OurPeer | null = null;
    if (opts.seed) {
      const s = await startOurPeer({ role: 'seed', torrentFile, dir: srcDir });
      ourSeeder = s;
      stopAll.push(() => s.stop());
      await s.waitReady(timeoutMs);
    }
    log(`multifile: seeders ready`);

    type Case = { leecher: Side; seeder: Side };
    const cases: Case[] = [
      { leecher: 'libtorrent', seeder: 'libtorrent' },
      { leecher: 'ours', seeder: 'libtorrent' },
    ];
    if (opts.seed) cases.push({ leecher: 'libtorrent', seeder: 'ours' });

    const transfer = async (c: Case, r: number): Promise<MultiFileRun> => {
      const seeder = c.seeder === 'ours' ? (ourSeeder as OurPeer) : ltSeeder;
      const dir = freshDir(root, `dl-${c.leecher}-from-${c.seeder}`);
      const peers = [{ address: '127.0.0.1', port: seeder.port }];
      const seederCpuBefore = procCpuSec(seeder.pid);
      warmFreeMemory(opts.totalBytes * 1.5);
      const t0 = monoSec();
      let m: Pick<
        MultiFileRun,
        'wallSec' | 'leecherCpuSec' | 'leecherMaxRssMb' | 'completionSyncSec'
      >;
      if (c.leecher === 'ours') {
        const leecher = await startOurPeer({
          role: 'leech',
          torrentFile,
          dir,
          peers,
          timeoutSec: timeoutMs / 1000,
          encryption: 'disable',
        });
        try {
          const done = await leecher.waitDone(timeoutMs);
          m = {
            wallSec: done.verifiedMonoSec - t0,
            leecherCpuSec: done.cpuAtVerifiedSec,
            leecherMaxRssMb: done.maxRssKb / 1024,
            completionSyncSec: completionSyncSec(done),
          };
        } finally {
          await leecher.stop();
        }
      } else {
        const leecher = await startLibtorrent({
          role: 'leech',
          torrentFile,
          saveDir: dir,
          peers,
          exitWhenDone: true,
          plaintext: true,
          intervalMs: 20,
        });
        try {
          const done = await leecher.waitDone(timeoutMs);
          m = {
            wallSec: done.doneMonoSec - t0,
            leecherCpuSec: done.cpuSec,
            leecherMaxRssMb: done.maxRssKb / 1024,
            completionSyncSec: null,
          };
        } finally {
          await leecher.stop();
        }
      }
      const seederCpuAfter = procCpuSec(seeder.pid);
      for (let i = 0; i < sizes.length; i++) {
        const got = sha256File(path.join(dir, TOP, ...rel[i]!.split('/')));
        if (got !== shas[i])
          throw new Error(`multifile ${c.leecher} <- ${c.seeder}: ${rel[i]} differs (sha256)`);
      }
      fs.rmSync(dir, { recursive: true, force: true });
      return {
        run: r,
        ...c,
        ...m,
        mbps: mbps(opts.totalBytes, m.wallSec),
        seederCpuSec:
          seederCpuBefore !== null && seederCpuAfter !== null
            ? seederCpuAfter - seederCpuBefore
            : null,
      };
    };

    // As download.ts: a seeder's first download is cheaper for it, and our seeder's JIT warms up.
    for (const seeder of ['libtorrent', ...(opts.seed ? ['ours'] : [])] as Side[]) {
      const w = await transfer({ leecher: 'libtorrent', seeder }, -1);
      log(`multifile warm-up libtorrent <- ${seeder}: ${round(w.mbps, 1)} MB/s (not counted)`);
    }
    const runs: MultiFileRun[] = [];
    for (let r = 0; r < opts.runs; r++) {
      const order = cases.map((_, i) => cases[(i + r) % cases.length] as Case);
      for (const c of order) {
        const run = await transfer(c, r);
        runs.push(run);
        log(
          `multifile run ${r + 1}/${opts.runs} ${c.leecher} <- ${c.seeder}: ${round(run.mbps, 1)} MB/s, ` +
            `leecher CPU ${round(run.leecherCpuSec)} s` +
            (run.seederCpuSec !== null ? `, seeder CPU ${round(run.seederCpuSec)} s` : '') +
            (run.completionSyncSec !== null
              ? `, then ${round(run.completionSyncSec)} s syncing (not timed)`
              : ''),
        );
      }
    }
    const gib = opts.totalBytes / 1024 ** 3;
    const medians: MultiFileBenchResult['medians'] = {};
    for (const c of cases) {
      const xs = runs.filter((x) => x.leecher === c.leecher && x.seeder === c.seeder);
      const seederCpu = xs.map((x) => x.seederCpuSec).filter((x): x is number => x !== null);
      const sync = xs.map((x) => x.completionSyncSec).filter((x): x is number => x !== null);
      medians[`${c.leecher}<-${c.seeder}`] = {
        mbps: round(median(xs.map((x) => x.mbps)), 1),
        leecherCpuSecPerGiB: round(median(xs.map((x) => x.leecherCpuSec)) / gib, 3),
        seederCpuSecPerGiB: seederCpu.length ? round(median(seederCpu) / gib, 3) : null,
        completionSyncSec: sync.length ? round(median(sync), 3) : null,
      };
    }
    return {
      totalBytes: opts.totalBytes,
      files: opts.files,
      smallestFileBytes: Math.min(...sizes),
      largestFileBytes: Math.max(...sizes),
      folders: new Set(rel.map((p) => path.posix.dirname(p))).size,
      runs: runs.map((x) => ({
        ...x,
        wallSec: round(x.wallSec, 3),
        mbps: round(x.mbps, 1),
        leecherCpuSec: round(x.leecherCpuSec, 3),
        leecherMaxRssMb: round(x.leecherMaxRssMb, 1),
        seederCpuSec: x.seederCpuSec === null ? null : round(x.seederCpuSec, 3),
        completionSyncSec: x.completionSyncSec === null ? null : round(x.completionSyncSec, 3),
      })),
      medians,
    };
  } finally {
    for (const stop of stopAll.reverse()) await stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
}
