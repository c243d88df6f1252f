/**
 * Shared pieces of the benchmarks: our engine as a separate measured process (the "peer child"),
 * CPU from /proc, medians and formatting.
 *
 * Our peer runs in its own process, like the libtorrent it is compared with, so its CPU time,
 * peak RSS and event-loop lag are its own. The child is this same bundle started with
 * `--child seed|leech`: it opens a Session with the CLI's options, reports on stdout as JSON lines
 * and, as a leecher, notes when every piece is verified and reports once the torrent is complete
 * (after the engine syncs its files). (The CLI itself polls its torrent once a second, which would
 * add up to a second to every measured download.)
 *
 * Invariants: every child is stopped by its PID (spawnTracked), every wait has a deadline.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Session, MemoryLogger, setRc4OffloadAfterBytes } from '../../src-main/engine';
import { sha256File, writeFile } from '../../src-main/testing/fixtures';
import { spawnTracked } from '../../src-main/testing/ref-clients';
import type { Tracked } from '../../src-main/testing/ref-clients';
import type { EncryptionMode } from '../../src-shared/model';
import { startStallTrace } from './stall-trace';

export const MIB = 1024 * 1024;
/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in these ticks. */
const CLOCK_TICKS_PER_SEC = 100;
/** How often a child re-checks its torrent besides the change events. */
const CHILD_POLL_MS = 100;
/**
 * A change wakes the child's check at most this often, as libtorrent's leecher script polls
 * (intervalMs 20 in suites/download.ts). A check is a full torrent summary; one per
 * torrent-changed (one per verified piece) cost ~0.15 s of CPU per GiB (issue 20's profile),
 * which no user's client spends: the app's host coalesces changes into its periodic sync.
 */
const CHILD_MIN_CHECK_MS = 20;
/** How often a child samples process.memoryUsage() to explain its peak RSS. */
const MEMORY_SAMPLE_MS = 100;

// ---------------------------------------------------------------- numbers

export function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export function round(x: number, digits = 2): number {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** MB/s in decimal megabytes, as the reference numbers are. */
export function mbps(bytes: number, sec: number): number {
  return bytes / 1e6 / sec;
}

/** User + system CPU seconds a live process has used so far, or null if it is gone. */
export function procCpuSec(pid: number): number | null {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  // The command name may hold spaces and parentheses: fields start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of proc(5) (utime, stime) are 11 and 12 counted from field 3.
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SEC;
}

export function log(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

// ---------------------------------------------------------------- the peer child: parent side

export interface ChildUsage {
  cpuSec: number;
  cpuUserSec: number;
  cpuSystemSec: number;
  maxRssKb: number;
  lagP50Ms: number;
  lagP99Ms: number;
  lagMaxMs: number;
  /** process.memoryUsage() at the sampled RSS peak, in MB: what the peak was made of. */
  memAtPeakMb: { rss: number; heapUsed: number; external: number; arrayBuffers: number } | null;
}

/** Now, in seconds of CLOCK_MONOTONIC: the clock libtorrent's script reports `doneMonoSec` in. */
export function monoSec(): number {
  return Number(process.hrtime.bigint()) / 1e9;
}

export interface ChildDone extends ChildUsage {
  /** Seconds from the child's start to every piece verified (hashed and written). */
  elapsedSec: number;
  /** When every piece was verified, in monoSec() terms. */
  verifiedMonoSec: number;
  /** The process's user + system CPU seconds then (ChildUsage.cpuSec is at completion). */
  cpuAtVerifiedSec: number;
  /**
   * Seconds from the child's start to the torrent's completion: after every piece verified, the
   * engine syncs the files to disk (fdatasync) before it says complete. libtorrent does not, so
   * the throughput compared is to `elapsedSec`, and this is reported beside it.
   */
  completedSec: number;
  firstByteSec: number | null;
  /**
   * Event-loop delay p99 from the first byte to every piece verified: the full-speed download
   * alone (issue 20's target), without the start-up (session, workers, torrent) or the final
   * sync, which ChildUsage.lagP99Ms includes. Null if the transfer was too short to sample.
   */
  lagTransferP99Ms: number | null;
}

/** The time from every piece verified to the torrent's completion (its files synced). */
export function completionSyncSec(done: ChildDone): number {
  return Math.max(0, done.completedSec - done.elapsedSec);
}

export interface OurPeer {
  pid: number;
  port: number;
  waitReady(timeoutMs: number): Promise<void>;
  waitDone(timeoutMs: number): Promise<ChildDone>;
  outputTail(): string;
  stop(): Promise<void>;
}

let childScript: string | null = null;

/**
 * Spawn our peer children from a private copy of this bundle: out/ is shared, and a concurrent
 * `npm run build` empties it. `.mjs`, since the copy sits outside out/'s `"type": "module"`.
 */
export function useBundleCopy(dir: string): void {
  const copy = path.join(dir, 'bench-child.mjs');
  fs.copyFileSync(fileURLToPath(import.meta.url), copy);
  childScript = copy;
}

/** The bench bundle a child process runs (the private copy once useBundleCopy made it). */
export const benchScript = (): string => childScript ?? fileURLToPath(import.meta.url);

export async function startOurPeer(opts: {
  role: 'seed' | 'leech';
  torrentFile: string;
  dir: string;
  peers?: { address: string; port: number }[];
  unchokeSlots?: number;
  timeoutSec?: number;
  /** uTP (issue 18): how our peer connects; TCP unless told (every TCP row measures TCP). */
  transports?: 'tcp' | 'utp' | 'both';
  /** The session's MSE/PE policy (issue 18); the engine's default (prefer) when absent. */
  encryption?: EncryptionMode;
  /** Decrypt RC4 on the main thread only, never on the RC4 worker (crypto/rc4-offload.ts). */
  rc4Inline?: boolean;
}): Promise<OurPeer> {
  // BENCH_CHILD_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles our peer process.
  const nodeArgs = (process.env.BENCH_CHILD_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const args = [
    ...nodeArgs,
    benchScript(),
    '--child',
    opts.role,
    '--torrent',
    opts.torrentFile,
    '--dir',
    opts.dir,
  ];
  for (const p of opts.peers ?? []) args.push('--peer', `${p.address}:${p.port}`);
  if (opts.unchokeSlots !== undefined) args.push('--unchoke-slots', String(opts.unchokeSlots));
  if (opts.timeoutSec !== undefined) args.push('--timeout-sec', String(opts.timeoutSec));
  if (opts.transports !== undefined) args.push('--transports', opts.transports);
  if (opts.encryption !== undefined) args.push('--encryption', opts.encryption);
  if (opts.rc4Inline) args.push('--rc4-inline');
  const t = spawnTracked(process.execPath, args);
  let port: number | null = null;
  let ready = false;
  let done: ChildDone | null = null;
  t.onLine((line) => {
    if (!line.startsWith('{')) return;
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(line) as Record<string, unknown>;
    } catch {
      // Not one of our lines; it stays in the output tail.
      return;
    }
    if (msg.event === 'listening') port = Number(msg.port);
    else if (msg.event === 'ready') ready = true;
    else if (msg.event === 'done') done = msg as unknown as ChildDone;
  });
  try {
    await waitChild(t, () => port !== null, 'our peer to listen', 30_000);
  } catch (err) {
    await t.stop();
    throw err;
  }
  return {
    pid: t.pid,
    port: port as unknown as number,
    waitReady: (timeoutMs) => waitChild(t, () => ready, 'our seeder to check its data', timeoutMs),
    async waitDone(timeoutMs) {
      await waitChild(t, () => done !== null, 'our leecher to finish', timeoutMs);
      return done as unknown as ChildDone;
    },
    outputTail: () => t.tail.join('\n'),
    stop: () => t.stop(),
  };
}

async function waitChild(
  t: Tracked,
  cond: () => boolean,
  what: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (cond()) return;
    if (t.exit) {
      throw new Error(`${what}: exited (${t.exit.code ?? t.exit.signal}):\n${t.tail.join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${what}: gave up after ${timeoutMs} ms:\n${t.tail.join('\n')}`);
}

// ---------------------------------------------------------------- the peer child: child side

function emit(obj: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

function transportsArg(v: string | undefined): 'tcp' | 'utp' | 'both' {
  if (v === undefined || v === 'tcp') return 'tcp';
  if (v === 'utp' || v === 'both') return v;
  throw new Error(`--transports: tcp, utp or both, not "${v}"`);
}

/** Entry of `bench.js --child seed|leech ...`. Returns the exit code. */
export async function runChild(argv: string[]): Promise<number> {
  const startedAt = performance.now();
  const { values } = parseArgs({
    args: argv,
    options: {
      child: { type: 'string' },
      torrent: { type: 'string' },
      dir: { type: 'string' },
      peer: { type: 'string', multiple: true },
      'unchoke-slots': { type: 'string' },
      'timeout-sec': { type: 'string' },
      transports: { type: 'string' },
      encryption: { type: 'string' },
      'rc4-inline': { type: 'boolean' },
    },
    strict: true,
  });
  const role = values.child;
  if ((role !== 'seed' && role !== 'leech') || !values.torrent || !values.dir) {
    throw new Error('usage: --child seed|leech --torrent F --dir D [--peer host:port]...');
  }
  const timeoutMs = Number(values['timeout-sec'] ?? 3600) * 1000;
  if (values['rc4-inline']) setRc4OffloadAfterBytes(Infinity);
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const stalls = startStallTrace();
  /** The transfer phase's own histogram (ChildDone.lagTransferP99Ms). */
  const transferLag = monitorEventLoopDelay({ resolution: 10 });
  const dir = path.resolve(values.dir);
  fs.mkdirSync(dir, { recursive: true });
  // Resume data on, as in the CLI (issue 15), so its cost shows here; in a folder of this
  // process's own, so no run resumes another.
  const resumeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarmscope-bench-resume-'));
  const session = await Session.open({
    dataDir: null,
    resumeDir,
    resumeKeyBySavePath: true,
    downloadDir: dir,
    listenHost: '127.0.0.1',
    listenPort: 0,
    logger: new MemoryLogger('warn', (line) => process.stderr.write(line)),
    unchokeSlots:
      values['unchoke-slots'] !== undefined ? Number(values['unchoke-slots']) : undefined,
    // uTP (issue 18): TCP unless told, so the TCP rows do not wait on a uTP dial first.
    settings: {
      transports: transportsArg(values.transports),
      ...(values.encryption ? { encryption: values.encryption as EncryptionMode } : {}),
    },
  });
  let stopRequested = false;
  const onSignal = (): void => void (stopRequested = true);
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  try {
    stalls?.mark('open');
    emit({ event: 'listening', port: session.listenPort });
    const id = await session.addTorrent(
      { torrentFile: fs.readFileSync(values.torrent) },
      { savePath: dir },
    );
    for (const p of values.peer ?? []) {
      const i = p.lastIndexOf(':');
      session.addPeer(id, p.slice(0, i), Number(p.slice(i + 1)));
    }
    let firstByteSec: number | null = null;
    let verifiedSec: number | null = null;
    let verifiedMonoSec: number | null = null;
    let cpuAtVerifiedSec: number | null = null;
    let wake: (() => void) | null = null;
    const off = session.on('torrent-changed', (changed) => {
      if (changed === id) wake?.();
    });
    const deadline = startedAt + timeoutMs;
    let readySent = false;
    let lastMemSampleAt = 0;
    try {
      while (!stopRequested) {
        if (performance.now() - lastMemSampleAt >= MEMORY_SAMPLE_MS) {
          lastMemSampleAt = performance.now();
          sampleMemory();
        }
        if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms`);
        const s = session.summary(id);
        if (!s) throw new Error('the torrent vanished');
        if (s.state === 'error') throw new Error(`torrent error: ${s.error}`);
        const sinceStartSec = (performance.now() - startedAt) / 1000;
        if (firstByteSec === null && s.downloadedBytes > 0) {
          firstByteSec = sinceStartSec;
          transferLag.enable();
          stalls?.mark('first-byte');
        }
        // Every verified piece raises torrent-changed, which wakes this loop at once.
        if (verifiedSec === null && s.progress === 1) {
          verifiedSec = sinceStartSec;
          verifiedMonoSec = monoSec();
          transferLag.disable();
          stalls?.mark('verified');
          const u = process.resourceUsage();
          cpuAtVerifiedSec = (u.userCPUTime + u.systemCPUTime) / 1e6;
        }
        const complete = s.state === 'seeding' && s.progress === 1;
        if (complete && role === 'leech') {
          stalls?.mark('complete');
          stalls?.stop();
          emit({
            event: 'done',
            elapsedSec: verifiedSec ?? sinceStartSec,
            verifiedMonoSec: verifiedMonoSec ?? monoSec(),
            cpuAtVerifiedSec: cpuAtVerifiedSec ?? usage(lag).cpuSec,
            completedSec: sinceStartSec,
            firstByteSec,
            lagTransferP99Ms: transferLag.count > 0 ? transferLag.percentile(99) / 1e6 : null,
            ...usage(lag),
          });
          return 0;
        }
        if (complete && role === 'seed' && !readySent) {
          readySent = true;
          emit({ event: 'ready' });
        }
        const checkedAt = performance.now();
        await new Promise<void>((resolve) => {
          let timer = setTimeout(resolve, CHILD_POLL_MS);
          wake = () => {
            wake = null;
            clearTimeout(timer);
            const wait = checkedAt + CHILD_MIN_CHECK_MS - performance.now();
            if (wait <= 0) resolve();
            else timer = setTimeout(resolve, wait);
          };
        });
        wake = null;
      }
      emit({ event: 'stopped', ...usage(lag) });
      return 0;
    } finally {
      off();
    }
  } finally {
    lag.disable();
    transferLag.disable();
    // The handlers stay until the session is closed: a SIGTERM that arrives while closing then
    // lets the process end normally (and write a --cpu-prof profile) instead of killing it.
    await session.close();
    fs.rmSync(resumeDir, { recursive: true, force: true });
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
}

let memAtPeak: NodeJS.MemoryUsage | null = null;

/**
 * The breakdown is taken only at a new RSS peak: process.memoryUsage() walks every heap space,
 * and once per 100 ms it cost the measured child ~30 ms of CPU per 256 MiB run (issue 20's
 * profile); rss() alone is one read of the process's own statistics.
 */
function sampleMemory(): void {
  const rss = process.memoryUsage.rss();
  if (!memAtPeak || rss > memAtPeak.rss) memAtPeak = process.memoryUsage();
}

function usage(lag: ReturnType<typeof monitorEventLoopDelay>): ChildUsage {
  const u = process.resourceUsage();
  const mb = (n: number): number => round(n / MIB, 1);
  const m = memAtPeak;
  return {
    cpuSec: (u.userCPUTime + u.systemCPUTime) / 1e6,
    cpuUserSec: u.userCPUTime / 1e6,
    cpuSystemSec: u.systemCPUTime / 1e6,
    maxRssKb: u.maxRSS,
    lagP50Ms: lag.percentile(50) / 1e6,
    lagP99Ms: lag.percentile(99) / 1e6,
    lagMaxMs: lag.max / 1e6,
    memAtPeakMb: m
      ? {
          rss: mb(m.rss),
          heapUsed: mb(m.heapUsed),
          external: mb(m.external),
          arrayBuffers: mb(m.arrayBuffers),
        }
      : null,
  };
}

/**
 * Touches and frees `bytes` of memory in a short-lived process, so the next process starts with
 * that much warm free memory.
 *
 * Why: this VM hands free memory back to its host (virtio-balloon free page reporting, reported
 * in chunks within seconds of being freed), and the first touch of a reported page costs about
 * 1.3 s of kernel time per GiB. Whichever client ran right after another one freed its memory
 * (and its deleted download's page cache) got warm pages, the other cold ones: leecher CPU varied
 * by 2 s per GiB with the order alone. Done before every leecher, ours and libtorrent alike.
 */
export function warmFreeMemory(bytes: number): void {
  execFileSync(process.execPath, ['-e', `Buffer.alloc(${Math.round(bytes)}, 1)`], {
    stdio: 'ignore',
    timeout: 60_000,
  });
}

/** A fresh, empty folder under `root`. */
export function freshDir(root: string, name: string): string {
  const dir = path.join(root, name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Pieces of 1 MiB, as in the reference measurements. */
export const BENCH_PIECE_LENGTH_LOG2 = 20;

export interface BenchContent {
  srcDir: string;
  srcFile: string;
  srcSha: string;
  torrentFile: string;
}

/**
 * Writes `sizeBytes` of deterministic content under `root/source` and makes its torrent with
 * mktorrent: an independent creator, so a fault in our own `create` cannot hide in a bench.
 */
export function prepareBenchContent(
  root: string,
  name: string,
  sizeBytes: number,
  seed: number,
): BenchContent {
  const srcDir = path.join(root, 'source');
  const srcFile = path.join(srcDir, name);
  const torrentFile = path.join(root, `${path.parse(name).name}.torrent`);
  writeFile(srcFile, sizeBytes, seed);
  const srcSha = sha256File(srcFile);
  execFileSync(
    'mktorrent',
    ['-l', String(BENCH_PIECE_LENGTH_LOG2), '-t', '2', '-o', torrentFile, srcFile],
    { stdio: 'ignore', timeout: 120_000 },
  );
  return { srcDir, srcFile, srcSha, torrentFile };
}
