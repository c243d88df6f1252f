/**
 * Download and seed throughput against libtorrent (issue 4, "Speed").
 *
 * One single-file torrent of `sizeBytes` with 1 MiB pieces and no tracker; peers are given by
 * address. In each run, in an order that rotates between runs, into a fresh folder each time:
 *   - download: our leecher <- libtorrent seeder, and libtorrent leecher <- libtorrent seeder;
 *   - seed:     libtorrent leecher <- our seeder (compared with libtorrent <- libtorrent).
 * Throughput is done-to-done: from spawning the leecher to every piece verified, as libtorrent's
 * reference numbers were measured, by each leecher's own report on CLOCK_MONOTONIC. Our engine then
 * syncs the file to disk before it says complete (libtorrent does not); that time is reported
 * apart, with the throughput to complete. Every downloaded copy is checked by sha256 against the source.
 * libtorrent leechers dial with a plain handshake (no MSE attempt first), whoever the seeder is.
 * Before every leecher, ours and libtorrent's alike, 1.5x the torrent's size of memory is touched
 * and freed (untimed), so each starts with the same warm free memory: see warmFreeMemory.
 * Before the runs, each seeder serves one untimed download to a libtorrent leecher, since a
 * seeder's first download is cheaper for it than the later ones (see the warm-up below).
 */
import fs from 'node:fs';
import path from 'node:path';
import { sha256File } from '../../src-main/testing/fixtures';
import { startLibtorrent } from '../../src-main/testing/ref-clients';
import type { Libtorrent } from '../../src-main/testing/ref-clients';
import { startQbittorrent } from '../../src-main/testing/ref-qbittorrent';
import {
  BENCH_PIECE_LENGTH_LOG2,
  MIB,
  freshDir,
  log,
  completionSyncSec,
  mbps,
  monoSec,
  median,
  prepareBenchContent,
  procCpuSec,
  round,
  startOurPeer,
  warmFreeMemory,
} from './util';
import type { ChildUsage, OurPeer } from './util';

/** The reference numbers use 1 MiB pieces (mktorrent -l 20). */

export type Leecher = 'ours' | 'libtorrent' | 'qbittorrent';
export type Seeder = 'ours' | 'libtorrent';

export interface TransferRun {
  run: number;
  leecher: Leecher;
  seeder: Seeder;
  /** From spawning the leecher to every piece verified, by the leecher's own monotonic clock. */
  wallSec: number;
  mbps: number;
  firstByteSec: number | null;
  /** CPU seconds of the leecher process from its start to every piece verified. */
  leecherCpuSec: number;
  /** Our leecher only: the kernel's share of its CPU, to completion (sync included). */
  leecherCpuSystemSec: number | null;
  leecherMaxRssMb: number;
  /** CPU seconds the seeder spent while serving this download (until the leecher was done). */
  seederCpuSec: number | null;
  /**
   * Our leecher only: seconds from every piece verified to complete, which it spends syncing
   * the file to disk (see ChildDone.completedSec); in neither wallSec nor leecherCpuSec.
   */
  completionSyncSec: number | null;
  /** Our leecher only: event-loop delay during the whole download. */
  lagP99Ms: number | null;
  lagMaxMs: number | null;
  /** Our leecher only: event-loop delay p99 from first byte to every piece verified (issue 20). */
  lagTransferP99Ms: number | null;
  /** Our leecher only: its memory by kind at the sampled RSS peak. */
  memAtPeakMb: ChildUsage['memAtPeakMb'];
}

export interface TransferBenchResult {
  sizeBytes: number;
  pieceLengthBytes: number;
  runs: TransferRun[];
  medians: Record<string, Record<string, number | null>>;
  ratios: {
    downloadThroughput: number | null;
    downloadCpuPerGiB: number | null;
    seedThroughput: number | null;
    seederCpuPerGiB: number | null;
  };
  ourLeecherPeakRssMb: number | null;
  ourLeecherLagP99Ms: number | null;
}

export interface TransferBenchOptions {
  sizeBytes: number;
  runs: number;
  workDir: string;
  download: boolean;
  seed: boolean;
}

export async function runTransferBench(opts: TransferBenchOptions): Promise<TransferBenchResult> {
  const root = path.join(opts.workDir, 'transfer');
  fs.rmSync(root, { recursive: true, force: true });
  const name = `bench-${Math.round(opts.sizeBytes / MIB)}MiB.bin`;
  const stopAll: (() => Promise<void>)[] = [];
  try {
    log(`writing ${opts.sizeBytes} bytes of content`);
    const { srcDir, srcSha, torrentFile } = prepareBenchContent(root, name, opts.sizeBytes, 1234);
    const timeoutMs = Math.max(120_000, (opts.sizeBytes / 5e6) * 1000);

    const ltSeeder: Libtorrent = await startLibtorrent({
      role: 'seed',
      torrentFile,
      saveDir: srcDir,
    });
    stopAll.push(() => ltSeeder.stop());
    await ltSeeder.waitReady(timeoutMs);
    log(`libtorrent seeder ready on ${ltSeeder.port}`);
    let ourSeeder: OurPeer | null = null;
    if (opts.seed) {
      ourSeeder = await startOurPeer({ role: 'seed', torrentFile, dir: srcDir });
      const s = ourSeeder;
      stopAll.push(() => s.stop());
      await ourSeeder.waitReady(timeoutMs);
      log(`our seeder ready on ${ourSeeder.port}`);
    }

    type Case = { leecher: Leecher; seeder: Seeder };
    const cases: Case[] = [{ leecher: 'libtorrent', seeder: 'libtorrent' }];
    if (opts.download) cases.push({ leecher: 'ours', seeder: 'libtorrent' });
    // qBittorrent-nox as a user runs it (issue 20): spawn to complete, through its Web API.
    if (opts.download) cases.push({ leecher: 'qbittorrent', seeder: 'libtorrent' });
    if (opts.seed) cases.push({ leecher: 'libtorrent', seeder: 'ours' });
    // --- issue 20: BENCH_LEECHERS=ours (a comma list) runs only those leechers, for A/B runs of
    // our engine; no ratio is computed without the reference rows. Never set for the real bench.
    const onlyLeechers = process.env.BENCH_LEECHERS?.split(',').filter(Boolean);
    if (onlyLeechers?.length) {
      const keep = cases.filter((c) => (onlyLeechers as string[]).includes(c.leecher));
      cases.splice(0, cases.length, ...keep);
    }

    /** One download of the whole torrent into a fresh folder, checked by sha256. */
    const transfer = async (c: Case, r: number): Promise<TransferRun> => {
      const seeder = c.seeder === 'ours' ? (ourSeeder as OurPeer) : ltSeeder;
      const dir = freshDir(root, `dl-${c.leecher}-from-${c.seeder}`);
      const seederCpuBefore = procCpuSec(seeder.pid);
      const peers = [{ address: '127.0.0.1', port: seeder.port }];
      // The same warm start for every leecher (see warmFreeMemory); not timed.
      warmFreeMemory(opts.sizeBytes * 1.5);
      // Both leechers say when they saw every piece verified, on CLOCK_MONOTONIC (monoSec), so
      // neither the parent's polling nor our sync to disk afterwards counts.
      const t0 = monoSec();
      let seederCpuAfter: number | null;
      let measured: Omit<TransferRun, 'run' | 'leecher' | 'seeder' | 'mbps' | 'seederCpuSec'>;
      if (c.leecher === 'ours') {
        const leecher = await startOurPeer({
          role: 'leech',
          torrentFile,
          dir,
          peers,
          timeoutSec: timeoutMs / 1000,
          // Plain handshakes, as libtorrent's leecher below (the encryption suite measures MSE).
          encryption: 'disable',
        });
        try {
          const done = await leecher.waitDone(timeoutMs);
          seederCpuAfter = procCpuSec(seeder.pid);
          measured = {
            wallSec: done.verifiedMonoSec - t0,
            firstByteSec: done.firstByteSec,
            completionSyncSec: completionSyncSec(done),
            leecherCpuSec: done.cpuAtVerifiedSec,
            leecherCpuSystemSec: done.cpuSystemSec,
            leecherMaxRssMb: done.maxRssKb / 1024,
            lagP99Ms: done.lagP99Ms,
            lagMaxMs: done.lagMaxMs,
            lagTransferP99Ms: done.lagTransferP99Ms,
            memAtPeakMb: done.memAtPeakMb,
          };
        } finally {
          await leecher.stop();
        }
      } else if (c.leecher === 'qbittorrent') {
        // Its defaults, TCP only like the other rows; it is told the seeder as a peer. Its
        // progress is polled every 25 ms, so "done" may be up to that late; its start-up (the
        // Web API answering) is in the time, as a user's would be.
        const leecher = await startQbittorrent({ saveDir: dir });
        try {
          await leecher.add(torrentFile, peers);
          const done = await leecher.waitDone(timeoutMs);
          seederCpuAfter = procCpuSec(seeder.pid);
          measured = {
            wallSec: done.doneMonoSec - t0,
            firstByteSec: null,
            completionSyncSec: null,
            leecherCpuSec: procCpuSec(leecher.pid) ?? 0,
            leecherCpuSystemSec: null,
            leecherMaxRssMb: procPeakRssMb(leecher.pid),
            lagP99Ms: null,
            lagMaxMs: null,
            lagTransferP99Ms: null,
            memAtPeakMb: null,
          };
        } finally {
          await leecher.stop();
        }
      } else {
        // Plain handshakes whoever the seeder is: libtorrent's MSE attempt and its fallback would
        // add a second that measures the handshake, not the transfer (suites/encryption.ts does MSE).
        const leecher = await startLibtorrent({
          role: 'leech',
          torrentFile,
          saveDir: dir,
          peers,
          exitWhenDone: true,
          plaintext: true,
          // It notices every piece verified at its next status poll: poll often.
          intervalMs: 20,
        });
        try {
          const done = await leecher.waitDone(timeoutMs);
          seederCpuAfter = procCpuSec(seeder.pid);
          measured = {
            wallSec: done.doneMonoSec - t0,
            firstByteSec: done.firstByteSec,
            completionSyncSec: null,
            leecherCpuSec: done.cpuSec,
            leecherCpuSystemSec: null,
            leecherMaxRssMb: done.maxRssKb / 1024,
            lagP99Ms: null,
            lagMaxMs: null,
            lagTransferP99Ms: null,
            memAtPeakMb: null,
          };
        } finally {
          await leecher.stop();
        }
      }
      const run: TransferRun = {
        run: r,
        ...c,
        ...measured,
        mbps: mbps(opts.sizeBytes, measured.wallSec),
        seederCpuSec: null,
      };
      if (seederCpuBefore !== null && seederCpuAfter !== null)
        run.seederCpuSec = seederCpuAfter - seederCpuBefore;
      const got = sha256File(path.join(dir, name));
      if (got !== srcSha)
        throw new Error(`${c.leecher} <- ${c.seeder}: content differs from the source (sha256)`);
      fs.rmSync(dir, { recursive: true, force: true });
      return run;
    };

    // The first download a seeder serves costs it less CPU than the later ones. libtorrent's
    // seeder, in 7 of 7 saved runs: 3.6-4.5 s on its first GiB, 4.6-5.4 s on each later one; and
    // the rotation below always gave that first download to libtorrent's leecher. So each
    // seeder first serves one untimed download, to a libtorrent leecher. (With it, in 5 runs:
    // 4.3-5.2 s for the warm-up, 5.2-5.9 s for the timed ones, whoever leeched.) For our seeder
    // the warm-up also absorbs its JIT warm-up, a start-up cost a long-running seeder pays once.
    for (const seeder of ['libtorrent', ...(opts.seed ? ['ours'] : [])] as Seeder[]) {
      const w = await transfer({ leecher: 'libtorrent', seeder }, -1);
      log(
        `warm-up libtorrent <- ${seeder}: ${round(w.mbps, 1)} MB/s` +
          (w.seederCpuSec !== null ? `, seeder CPU ${round(w.seederCpuSec)} s (not counted)` : ''),
      );
    }

    const runs: TransferRun[] = [];
    for (let r = 0; r < opts.runs; r++) {
      // Rotate the order so neither side always runs first (page cache, CPU frequency).
      const order = cases.map((_, i) => cases[(i + r) % cases.length] as Case);
      for (const c of order) {
        const run = await transfer(c, r);
        runs.push(run);
        log(
          `run ${r + 1}/${opts.runs} ${c.leecher} <- ${c.seeder}: ${round(run.mbps, 1)} MB/s, ` +
            `leecher CPU ${round(run.leecherCpuSec)} s, RSS ${round(run.leecherMaxRssMb, 0)} MB` +
            (run.seederCpuSec !== null ? `, seeder CPU ${round(run.seederCpuSec)} s` : '') +
            (run.lagP99Ms !== null ? `, lag p99 ${round(run.lagP99Ms, 1)} ms` : '') +
            (run.lagTransferP99Ms !== null
              ? ` (transfer ${round(run.lagTransferP99Ms, 1)} ms)`
              : '') +
            (run.completionSyncSec !== null
              ? `, then ${round(run.completionSyncSec)} s syncing to disk (not timed)`
              : ''),
        );
      }
    }
    return summarise(opts, runs);
  } finally {
    for (const stop of stopAll.reverse()) await stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/** A process's peak resident set (VmHWM), in MB; 0 when /proc has no answer. */
function procPeakRssMb(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

function summarise(opts: TransferBenchOptions, runs: TransferRun[]): TransferBenchResult {
  const pick = (leecher: Leecher, seeder: Seeder): TransferRun[] =>
    runs.filter((x) => x.leecher === leecher && x.seeder === seeder);
  const gib = opts.sizeBytes / 1024 ** 3;
  const medians: TransferBenchResult['medians'] = {};
  for (const [key, leecher, seeder] of [
    ['libtorrent<-libtorrent', 'libtorrent', 'libtorrent'],
    ['ours<-libtorrent', 'ours', 'libtorrent'],
    ['libtorrent<-ours', 'libtorrent', 'ours'],
    ['qbittorrent<-libtorrent', 'qbittorrent', 'libtorrent'],
  ] as const) {
    const xs = pick(leecher, seeder);
    if (xs.length === 0) continue;
    const seederCpu = xs.map((x) => x.seederCpuSec).filter((x): x is number => x !== null);
    const lag = xs.map((x) => x.lagP99Ms).filter((x): x is number => x !== null);
    const lagTransfer = xs.map((x) => x.lagTransferP99Ms).filter((x): x is number => x !== null);
    const sync = xs.map((x) => x.completionSyncSec).filter((x): x is number => x !== null);
    medians[key] = {
      mbps: round(median(xs.map((x) => x.mbps)), 1),
      wallSec: round(median(xs.map((x) => x.wallSec)), 3),
      leecherCpuSecPerGiB: round(median(xs.map((x) => x.leecherCpuSec)) / gib, 3),
      leecherMaxRssMb: round(Math.max(...xs.map((x) => x.leecherMaxRssMb)), 1),
      seederCpuSecPerGiB: seederCpu.length ? round(median(seederCpu) / gib, 3) : null,
      lagP99Ms: lag.length ? round(median(lag), 2) : null,
      lagTransferP99Ms: lagTransfer.length ? round(median(lagTransfer), 2) : null,
      completionSyncSec: sync.length ? round(median(sync), 3) : null,
      mbpsToComplete: sync.length
        ? round(
            median(xs.map((x) => mbps(opts.sizeBytes, x.wallSec + (x.completionSyncSec ?? 0)))),
            1,
          )
        : null,
    };
  }
  const base = medians['libtorrent<-libtorrent'];
  const ours = medians['ours<-libtorrent'];
  const seed = medians['libtorrent<-ours'];
  const ratio = (a: number | null | undefined, b: number | null | undefined): number | null =>
    a != null && b != null && b > 0 ? round(a / b, 2) : null;
  return {
    sizeBytes: opts.sizeBytes,
    pieceLengthBytes: 2 ** BENCH_PIECE_LENGTH_LOG2,
    runs: runs.map((x) => ({
      ...x,
      wallSec: round(x.wallSec, 3),
      mbps: round(x.mbps, 1),
      firstByteSec: x.firstByteSec === null ? null : round(x.firstByteSec, 3),
      completionSyncSec: x.completionSyncSec === null ? null : round(x.completionSyncSec, 3),
      leecherCpuSec: round(x.leecherCpuSec, 3),
      leecherCpuSystemSec: x.leecherCpuSystemSec === null ? null : round(x.leecherCpuSystemSec, 3),
      leecherMaxRssMb: round(x.leecherMaxRssMb, 1),
      seederCpuSec: x.seederCpuSec === null ? null : round(x.seederCpuSec, 3),
      lagP99Ms: x.lagP99Ms === null ? null : round(x.lagP99Ms, 2),
      lagMaxMs: x.lagMaxMs === null ? null : round(x.lagMaxMs, 2),
      lagTransferP99Ms: x.lagTransferP99Ms === null ? null : round(x.lagTransferP99Ms, 2),
    })),
    medians,
    ratios: {
      downloadThroughput: ratio(ours?.mbps, base?.mbps),
      downloadCpuPerGiB: ratio(ours?.leecherCpuSecPerGiB, base?.leecherCpuSecPerGiB),
      seedThroughput: ratio(seed?.mbps, base?.mbps),
      seederCpuPerGiB: ratio(seed?.seederCpuSecPerGiB, base?.seederCpuSecPerGiB),
    },
    ourLeecherPeakRssMb: ours?.leecherMaxRssMb ?? null,
    ourLeecherLagP99Ms: ours?.lagP99Ms ?? null,
  };
}
