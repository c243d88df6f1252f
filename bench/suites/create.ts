/**
 * Bench suite: `createTorrent` hashing throughput against `mktorrent -t <cores>` on the same
 * page-cached file, in the same run, alternating, median of the rounds (issue 4, "Speed").
 * Both make 1 MiB pieces (`-l 20`); the info-hashes must agree or the result says so.
 */
import { spawn } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, readSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HashWritePool, createTorrent, parseTorrent } from '../../src-main/engine';

const PIECE_LOG2 = 20;
const ROUNDS = 3;
const IO_CHUNK_BYTES = 16 * 1024 * 1024;
const MKTORRENT_TIMEOUT_MS = 120_000;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function writeRandomFile(file: string, sizeBytes: number): void {
  const fd = openSync(file, 'w');
  try {
    const chunk = Buffer.allocUnsafe(Math.min(IO_CHUNK_BYTES, sizeBytes));
    for (let done = 0; done < sizeBytes;) {
      const n = Math.min(chunk.length, sizeBytes - done);
      randomFillSync(chunk, 0, n);
      done += writeSync(fd, chunk, 0, n);
    }
  } finally {
    closeSync(fd);
  }
}

/** Reads the file once so both tools hash from the page cache. */
function warmPageCache(file: string): void {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(IO_CHUNK_BYTES);
    while (readSync(fd, buf, 0, buf.length, null) > 0) {
      // each read pulls the next chunk into the cache
    }
  } finally {
    closeSync(fd);
  }
}

function runMktorrent(file: string, out: string, threads: number): Promise<number> {
  rmSync(out, { force: true });
  const args = ['-l', String(PIECE_LOG2), '-t', String(threads), '-o', out, file];
  return timeProcess('mktorrent', args);
}

/** `swarmscope create` as a user runs it: the bin script, a whole process (issue 20). */
function runOurCreateProcess(file: string, out: string): Promise<number> {
  rmSync(out, { force: true });
  const args = [OUR_BIN, 'create', file, '-o', out, '--piece-length', String(2 ** PIECE_LOG2)];
  return timeProcess(process.execPath, args);
}

/** Our CLI's bin script, run from the repository root as the bench is. */
const OUR_BIN = path.resolve('bin', 'swarmscope.js');

/** Median seconds of `rounds` runs of a short command (start-up costs). */
async function medianRun(command: string, args: string[], rounds: number): Promise<number> {
  const xs: number[] = [];
  for (let r = 0; r < rounds; r++) xs.push(await timeProcess(command, args));
  return median(xs);
}

/** Wall-clock seconds from spawn to exit of one process; a failure or a timeout throws. */
async function timeProcess(command: string, args: string[]): Promise<number> {
  const started = performance.now();
  const name = path.basename(command);
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let timer: NodeJS.Timeout | undefined;
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`${name} timed out`)), MKTORRENT_TIMEOUT_MS);
      child.on('error', reject);
      child.on('close', resolve);
    });
    if (code !== 0) throw new Error(`${name} exited ${code}: ${stderr.trim()}`);
    return (performance.now() - started) / 1000;
  } finally {
    clearTimeout(timer);
    if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
  }
}

export async function runCreateBench(opts: {
  sizeBytes: number;
  workDir: string;
}): Promise<Record<string, unknown>> {
  const { sizeBytes, workDir } = opts;
  const threads = os.availableParallelism();
  mkdirSync(workDir, { recursive: true });
  const file = path.join(workDir, 'create-bench.bin');
  const mkOut = path.join(workDir, 'create-bench.mktorrent.torrent');
  const ourOut = path.join(workDir, 'create-bench.swarmscope.torrent');
  try {
    writeRandomFile(file, sizeBytes);
    warmPageCache(file);
    const oursSeconds: number[] = [];
    const oursWarmSeconds: number[] = [];
    const mktorrentSeconds: number[] = [];
    const oursProcessSeconds: number[] = [];
    let oursHash = '';
    // The app hashes with its session's pool, whose workers are already running; the CLI (and
    // `oursSeconds`) makes a pool per call, whose main thread hashes too while one worker fewer
    // pays Node's worker start-up (about 45 ms here).
    const sessionPool = new HashWritePool();
    try {
      await createTorrent(file, { pieceLength: 2 ** PIECE_LOG2, pool: sessionPool });
      for (let round = 0; round < ROUNDS; round++) {
        mktorrentSeconds.push(await runMktorrent(file, mkOut, threads));
        oursProcessSeconds.push(await runOurCreateProcess(file, ourOut));
        // As `swarmscope create` does: its own pool, closed after the result is out.
        const cliPool = new HashWritePool({ mainThreadHelps: true });
        let started = performance.now();
        const { meta } = await createTorrent(file, { pieceLength: 2 ** PIECE_LOG2, pool: cliPool });
        oursSeconds.push((performance.now() - started) / 1000);
        await cliPool.close();
        oursHash = meta.infoHashHex;
        started = performance.now();
        await createTorrent(file, { pieceLength: 2 ** PIECE_LOG2, pool: sessionPool });
        oursWarmSeconds.push((performance.now() - started) / 1000);
      }
    } finally {
      await sessionPool.close();
    }
    const mkHash = parseTorrent(readFileSync(mkOut)).infoHashHex;
    const processHash = parseTorrent(readFileSync(ourOut)).infoHashHex;
    // Start-up alone: what a process costs before it does anything (issue 20).
    const nodeStartSec = await medianRun(process.execPath, ['-e', '0'], 7);
    const versionSec = await medianRun(process.execPath, [OUR_BIN, '--version'], 7);
    const fullCliSec = await medianRun(
      process.execPath,
      [path.resolve('out', 'cli', 'cli.js'), '--version'],
      7,
    );
    const oursMBps = sizeBytes / 1e6 / median(oursSeconds);
    const oursWarmMBps = sizeBytes / 1e6 / median(oursWarmSeconds);
    const mktorrentMBps = sizeBytes / 1e6 / median(mktorrentSeconds);
    return {
      sizeBytes,
      threads,
      pieceLength: 2 ** PIECE_LOG2,
      rounds: ROUNDS,
      oursSeconds,
      oursWarmSeconds,
      mktorrentSeconds,
      oursMBps: Math.round(oursMBps),
      oursWarmPoolMBps: Math.round(oursWarmMBps),
      warmPoolRatio: Math.round((oursWarmMBps / mktorrentMBps) * 100) / 100,
      mktorrentMBps: Math.round(mktorrentMBps),
      ratio: Math.round((oursMBps / mktorrentMBps) * 100) / 100,
      infoHashMatch: oursHash === mkHash && processHash === mkHash,
      oursProcessSeconds,
      processRatio: Math.round((median(mktorrentSeconds) / median(oursProcessSeconds)) * 100) / 100,
      oursProcessSec: Math.round(median(oursProcessSeconds) * 1000) / 1000,
      oursProcessMBps: Math.round(sizeBytes / 1e6 / median(oursProcessSeconds)),
      mktorrentSec: Math.round(median(mktorrentSeconds) * 1000) / 1000,
      startupMs: {
        nodeE0: Math.round(nodeStartSec * 1000),
        swarmscopeVersion: Math.round(versionSec * 1000),
        wholeCliVersion: Math.round(fullCliSec * 1000),
      },
    };
  } finally {
    rmSync(file, { force: true });
    rmSync(mkOut, { force: true });
    rmSync(ourOut, { force: true });
  }
}
