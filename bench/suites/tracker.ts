/**
 * Tracker bench (issue 5): our embedded tracker against opentracker and bittorrent-tracker (npm),
 * in the same run.
 *
 * - HTTP: wrk, 2 threads, 64 connections, `durationSec`, a Lua script announcing random peer ids
 *   with event=started and compact=1, info-hashes drawn from a pool of POOL_SIZE (opentracker
 *   serves allow-listed hashes only, so all get the same pool). Requests/s, p50, p99.
 * - UDP: our load generator (bench/tools/udp-load.ts, its own process): connect, then a window
 *   of announces in flight per socket. Announces/s, p50, p99, and the generator's own CPU
 *   (`generatorCpuPct`, 100 = one core: near 100 the generator, not the server, set the rate).
 *   Against opentracker it does reach a core (~100-118k/s here). Splitting the same load over
 *   two generator processes gave opentracker less, not more (61-94k/s): with the kernel's
 *   loopback work both cores are then busy, so that rate is this machine's limit for the load.
 * - Every server gets the same load: the same wrk script and flags, the same generator with the
 *   same sockets, window and packet mix (one connect per socket, then announces with numwant 50),
 *   the same hash pool, a fresh server process per measurement, and the same 2 cores shared
 *   with the load tool.
 * - Memory: the swarm registry alone, heap before/after 100k peers over 1,000 swarms.
 * - Rounds alternate the servers and the median-rate round of each is reported: the machine is
 *   shared, and one noisy round should not decide a ratio.
 *
 * Our tracker runs as `swarmscope tracker --allow <the pool>` in a child process (bench/tools/tracker-child.ts,
 * bundled here with esbuild) so the load generator never shares its event loop. bittorrent-tracker
 * runs the same way (bench/tools/bittorrent-tracker-child.ts) with its stats page on, its
 * default; it is installed on demand into out/bench/ref (never a dependency of ours) and used
 * from a copy in the run's work dir. When it cannot be installed its comparison is reported as
 * skipped, with the reason.
 * Every process is stopped by its PID in a finally.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { seededRandom, systemClock, SwarmRegistry } from '../../src-main/engine';
import { freePort, spawnTracked, startOpentracker } from '../../src-main/testing/ref-clients';
import type { Tracked } from '../../src-main/testing/ref-clients';
import { log, round } from './util';

/** Info-hashes in the announce pool: many swarms, each large enough to return 50 peers. */
const POOL_SIZE = 1000;
const WRK_THREADS = 2;
const WRK_CONNECTIONS = 64;
const START_TIMEOUT_MS = 10_000;
const INSTALL_TIMEOUT_MS = 120_000;
/** The reference npm tracker and the version measured. */
const BT_TRACKER_SPEC = 'bittorrent-tracker@11.2.3';
const MEMORY_PEERS = 100_000;
/** Our tracker prints its stats line this often during a measurement (issue 20: stats on). */
const STATS_EVERY_SEC = 10;

/**
 * Issue 5's targets, with issue 20's raising the ratios to opentracker: UDP at least 0.8x with
 * the allow-list and stats on and p99 at most 5 ms; HTTP kept at least 1.0x.
 */
export const TRACKER_TARGETS = {
  httpRatio: 1.0,
  httpP99Ms: 10,
  udpRatio: 0.8,
  httpVsBittorrentTracker: 2,
  mbPer100kPeers: 100,
  // --- UDP speed (issue 20) ---
  udpP99Ms: 5,
} as const;

export interface LoadResult {
  perSec: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  /** UDP only: the load generator's CPU over the measured window, 100 = one core. */
  generatorCpuPct?: number;
  /**
   * UDP only (issue 20): the server process's CPU time (user + system) over the measured window
   * per answered announce, in µs. Unlike the rate, it hardly depends on how busy the shared
   * machine is, so it compares servers even when the rate cannot.
   */
  serverCpuUsPerAnnounce?: number;
}

// --- UDP speed (issue 20) ---
/** Clock ticks per second of /proc/PID/stat's utime and stime (USER_HZ, 100 on Linux). */
const USER_HZ = 100;

/** A process's CPU seconds so far (user + system), or null when /proc cannot tell. */
function cpuSecondsOf(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces), from field 3 on.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks / USER_HZ : null;
  } catch {
    return null;
  }
}

export type Skipped = { skipped: string };

function findRoot(): string {
  const starts = [process.cwd(), path.dirname(fileURLToPath(import.meta.url))];
  for (const start of starts) {
    let dir = start;
    for (let i = 0; i < 6; i++) {
      if (fs.existsSync(path.join(dir, 'bench', 'tools', 'wrk-announce.lua'))) return dir;
      dir = path.dirname(dir);
    }
  }
  throw new Error('tracker bench: cannot find bench/tools (run from the repository)');
}

async function waitForLine(t: Tracked, re: RegExp, what: string): Promise<RegExpExecArray> {
  const seen = t.tail.map((l) => re.exec(l)).find((m) => m);
  if (seen) return seen;
  return new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = systemClock.setTimeout(
      () =>
        reject(
          new Error(`${what}: no "${re.source}" in ${START_TIMEOUT_MS} ms:\n${t.tail.join('\n')}`),
        ),
      START_TIMEOUT_MS,
    );
    t.onLine((line) => {
      const m = re.exec(line);
      if (m) {
        timer.cancel();
        resolve(m);
      }
    });
    void t.exited.then((e) => {
      timer.cancel();
      reject(new Error(`${what} exited (${e.code ?? e.signal}):\n${t.tail.join('\n')}`));
    });
  });
}

/** wrk prints latencies as 812.00us, 2.80ms or 1.02s. */
function wrkMs(text: string): number {
  const m = /^([\d.]+)(us|ms|s)$/.exec(text.trim());
  if (!m) return NaN;
  const v = Number(m[1]);
  return m[2] === 'us' ? v / 1000 : m[2] === 's' ? v * 1000 : v;
}

async function runWrk(
  root: string,
  url: string,
  hashesFile: string,
  durationSec: number,
): Promise<LoadResult> {
  const lines: string[] = [];
  const t = spawnTracked(
    'wrk',
    [
      `-t${WRK_THREADS}`,
      `-c${WRK_CONNECTIONS}`,
      `-d${durationSec}s`,
      '--latency',
      '-s',
      path.join(root, 'bench', 'tools', 'wrk-announce.lua'),
      url,
    ],
    { env: { ...process.env, WRK_HASHES: hashesFile } },
  );
  t.onLine((l) => lines.push(l));
  try {
    const exit = await t.exited;
    if (exit.code !== 0)
      throw new Error(`wrk exited ${exit.code ?? exit.signal}:\n${t.tail.join('\n')}`);
  } finally {
    await t.stop();
  }
  const find = (re: RegExp): string | undefined =>
    lines.map((l) => re.exec(l)?.[1]).find((x) => x !== undefined);
  const non2xx = Number(find(/Non-2xx or 3xx responses:\s+(\d+)/) ?? 0);
  return {
    perSec: Number(find(/Requests\/sec:\s+([\d.]+)/)),
    p50Ms: wrkMs(find(/^\s*50%\s+(\S+)/) ?? ''),
    p99Ms: wrkMs(find(/^\s*99%\s+(\S+)/) ?? ''),
    errors: non2xx,
  };
}

async function runUdpLoad(
  script: string,
  port: number,
  hashesFile: string,
  durationSec: number,
  serverPid: number | null = null,
): Promise<LoadResult> {
  const t = spawnTracked(process.execPath, [
    script,
    '--port',
    String(port),
    '--duration-sec',
    String(durationSec),
    '--hashes',
    hashesFile,
  ]);
  let json: string | null = null;
  let cpuAtStart: number | null = null;
  let cpuAtEnd: number | null = null;
  t.onLine((l) => {
    if (l === 'measuring' && serverPid !== null) cpuAtStart = cpuSecondsOf(serverPid);
    if (l.startsWith('{')) {
      json = l;
      if (serverPid !== null) cpuAtEnd = cpuSecondsOf(serverPid);
    }
  });
  try {
    const exit = await t.exited;
    if (exit.code !== 0 || json === null)
      throw new Error(`udp-load exited ${exit.code ?? exit.signal}:\n${t.tail.join('\n')}`);
  } finally {
    await t.stop();
  }
  const r = JSON.parse(json) as {
    perSec: number;
    p50Ms: number;
    p99Ms: number;
    errors: number;
    lost: number;
    cpuPct: number;
  };
  const answered = r.perSec * durationSec;
  const serverCpu =
    cpuAtStart !== null && cpuAtEnd !== null && answered > 0
      ? round((((cpuAtEnd as number) - cpuAtStart) * 1e6) / answered, 2)
      : undefined;
  return {
    perSec: r.perSec,
    p50Ms: r.p50Ms,
    p99Ms: r.p99Ms,
    errors: r.errors + r.lost,
    generatorCpuPct: r.cpuPct,
    serverCpuUsPerAnnounce: serverCpu,
  };
}

/**
 * Our tracker in its own process, as opentracker runs: serving the allow-listed pool only
 * (`--allow`), with its stats line on (`--stats-every`, the CLI's default of 10 s; the counters
 * behind /stats are always kept). Resolves once it listens.
 */
async function startOurs(
  childScript: string,
  hashesFile: string,
): Promise<{ t: Tracked; port: number }> {
  const port = await freePort({ udp: true });
  const t = spawnTracked(process.execPath, [
    childScript,
    '--allow',
    hashesFile,
    '--host',
    '127.0.0.1',
    '--http-port',
    String(port),
    '--udp-port',
    String(port),
    '--stats-every',
    String(STATS_EVERY_SEC),
  ]);
  try {
    await waitForLine(t, /^listening udp /, 'our tracker');
  } catch (err) {
    await t.stop();
    throw err;
  }
  return { t, port };
}

/** `npm install`s bittorrent-tracker into `prefix`; null on success, else why it failed. */
async function npmInstallBittorrentTracker(prefix: string): Promise<string | null> {
  fs.mkdirSync(prefix, { recursive: true });
  const t = spawnTracked('npm', [
    'install',
    '--prefix',
    prefix,
    '--ignore-scripts',
    '--no-audit',
    '--no-fund',
    BT_TRACKER_SPEC,
  ]);
  try {
    const exit = await Promise.race([
      t.exited,
      new Promise<null>((resolve) => {
        const timer = systemClock.setTimeout(() => resolve(null), INSTALL_TIMEOUT_MS);
        void t.exited.then(() => timer.cancel());
      }),
    ]);
    if (exit === null) return `npm install ${BT_TRACKER_SPEC} timed out`;
    if (exit.code !== 0) {
      const why = t.tail.slice(-3).join(' | ') || `exit ${exit.code ?? exit.signal}`;
      return `npm install ${BT_TRACKER_SPEC} failed: ${why}`;
    }
    return null;
  } finally {
    await t.stop();
  }
}

/**
 * bittorrent-tracker's `server.js` inside this run's work dir, or why it cannot be had (no
 * network, npm failing). The install is cached in out/bench/ref (skipped when present) and
 * copied into the work dir, because any full build (including `npm run bench`'s own, or
 * another engineer's) deletes out/, also in the middle of a run.
 */
async function ensureBittorrentTracker(
  root: string,
  dir: string,
): Promise<{ server: string } | Skipped> {
  const serverIn = (prefix: string): string =>
    path.join(prefix, 'node_modules', 'bittorrent-tracker', 'server.js');
  const cache = path.join(root, 'out', 'bench', 'ref', 'bittorrent-tracker');
  const local = path.join(dir, 'bittorrent-tracker');
  if (!fs.existsSync(serverIn(cache))) {
    log(`tracker: installing ${BT_TRACKER_SPEC} into ${cache}`);
    const failed = await npmInstallBittorrentTracker(cache);
    if (failed !== null) return { skipped: failed };
  }
  try {
    fs.cpSync(cache, local, { recursive: true });
  } catch (err) {
    // The cache vanished under us (a concurrent build): install straight into the work dir.
    log(`tracker: copying ${cache} failed (${String(err)}); installing into ${local}`);
    const failed = await npmInstallBittorrentTracker(local);
    if (failed !== null) return { skipped: failed };
  }
  return fs.existsSync(serverIn(local))
    ? { server: serverIn(local) }
    : { skipped: `no ${serverIn(local)} after the install` };
}

// --- UDP speed (issue 20) ---
/**
 * The Node UDP floor (bench/tools/udp-floor-child.ts): fixed answers through `node:dgram`, sent
 * as our front sends them; resolves once it listens.
 */
async function startUdpFloor(childScript: string): Promise<{ t: Tracked; port: number }> {
  const port = await freePort({ udp: true });
  const t = spawnTracked(process.execPath, [childScript, '--port', String(port)]);
  try {
    await waitForLine(t, /^listening udp \d+/, 'udp floor');
  } catch (err) {
    await t.stop();
    throw err;
  }
  return { t, port };
}

/** bittorrent-tracker (stats on) in its own process; resolves once it listens. */
async function startBittorrentTracker(
  childScript: string,
  serverJs: string,
): Promise<{ t: Tracked; port: number }> {
  const port = await freePort({ udp: true });
  const t = spawnTracked(process.execPath, [
    childScript,
    '--server',
    serverJs,
    '--port',
    String(port),
  ]);
  try {
    await waitForLine(t, /^listening \d+/, 'bittorrent-tracker');
  } catch (err) {
    await t.stop();
    throw err;
  }
  return { t, port };
}

/**
 * Bytes the registry holds for 100k peers over 1,000 swarms: the JS heap plus ArrayBuffer
 * backing stores (off the heap, and where the registry keeps its peers).
 */
export function registryMegabytesPer100kPeers(): number {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const clock = {
    now: () => 1_000_000,
    setTimeout: systemClock.setTimeout,
    setInterval: systemClock.setInterval,
  };
  gc();
  const used = (): number => {
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const before = used();
  const reg = new SwarmRegistry(clock, seededRandom(1));
  const peerId = new Uint8Array(20);
  for (let i = 0; i < MEMORY_PEERS; i++) {
    new DataView(peerId.buffer).setUint32(0, i);
    reg.announce((i % 1000).toString(16).padStart(40, '0'), {
      peerId,
      address: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
      port: 1024 + (i % 60000),
      uploaded: 0,
      downloaded: 0,
      left: i % 3 === 0 ? 0 : 1000,
      event: 'started',
      numwant: 0,
    });
  }
  gc();
  const bytes = used() - before;
  if (reg.totalPeers !== MEMORY_PEERS) throw new Error(`registry holds ${reg.totalPeers} peers`);
  return (bytes / 1e6) * (100_000 / MEMORY_PEERS);
}

/**
 * Bundles the child entry points with the esbuild CLI (not its JS API: this suite is itself
 * bundled, and esbuild's API cannot be).
 */
async function bundleTools(root: string, outdir: string): Promise<void> {
  const t = spawnTracked(path.join(root, 'node_modules', '.bin', 'esbuild'), [
    `tracker-child=${path.join(root, 'bench', 'tools', 'tracker-child.ts')}`,
    `udp-load=${path.join(root, 'bench', 'tools', 'udp-load.ts')}`,
    `bittorrent-tracker-child=${path.join(root, 'bench', 'tools', 'bittorrent-tracker-child.ts')}`,
    `udp-floor-child=${path.join(root, 'bench', 'tools', 'udp-floor-child.ts')}`,
    '--bundle',
    '--platform=node',
    '--format=esm',
    '--target=node20',
    '--out-extension:.js=.mjs',
    `--outdir=${outdir}`,
    '--log-level=warning',
  ]);
  try {
    const exit = await t.exited;
    if (exit.code !== 0)
      throw new Error(`esbuild exited ${exit.code ?? exit.signal}:\n${t.tail.join('\n')}`);
  } finally {
    await t.stop();
  }
}

type ServerKey = 'ours' | 'opentracker' | 'bittorrentTracker';

interface ProtocolSummary {
  ours: LoadResult;
  opentracker: LoadResult;
  bittorrentTracker: LoadResult | Skipped;
  /** ours / opentracker, requests per second. */
  ratio: number;
  /** ours / bittorrent-tracker; null when it was skipped. */
  ratioVsBittorrentTracker: number | null;
}

/** The run with the median rate of several alternating rounds (the machine is shared). */
function medianRun(runs: LoadResult[]): LoadResult {
  const sorted = [...runs].sort((a, b) => a.perSec - b.perSec);
  return sorted[(sorted.length - 1) >> 1] as LoadResult;
}

/**
 * `rounds` alternating measurements per protocol (ours, opentracker, bittorrent-tracker, ours,
 * ...), each for `durationSec`; the median-rate round of each server is reported, all rounds
 * are kept.
 */
export async function runTrackerBench(opts: {
  durationSec: number;
  rounds?: number;
  workDir?: string;
}): Promise<Record<string, unknown>> {
  const rounds = Math.max(1, opts.rounds ?? 3);
  const root = findRoot();
  const dir = fs.mkdtempSync(path.join(opts.workDir ?? os.tmpdir(), 'tracker-bench-'));
  try {
    await bundleTools(root, dir);
    const childScript = path.join(dir, 'tracker-child.mjs');
    const udpScript = path.join(dir, 'udp-load.mjs');
    const hashes = Array.from({ length: POOL_SIZE }, () => randomBytes(20).toString('hex'));
    const hashesFile = path.join(dir, 'hashes.txt');
    fs.writeFileSync(hashesFile, hashes.join('\n') + '\n');

    const bt = await ensureBittorrentTracker(root, dir);
    const btChild = path.join(dir, 'bittorrent-tracker-child.mjs');

    const measure = async (what: string, fn: () => Promise<LoadResult>): Promise<LoadResult> => {
      log(`tracker: ${what} for ${opts.durationSec} s`);
      const r = await fn();
      const cpu =
        (r.generatorCpuPct === undefined ? '' : `, generator CPU ${r.generatorCpuPct}%`) +
        (r.serverCpuUsPerAnnounce === undefined
          ? ''
          : `, server CPU ${r.serverCpuUsPerAnnounce} µs/announce`);
      log(`tracker: ${what}: ${round(r.perSec, 0)}/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms${cpu}`);
      return r;
    };
    /** `pid`: the server's process, whose CPU time the UDP measurement samples (issue 20). */
    type Server = (fn: (port: number, pid: number) => Promise<LoadResult>) => Promise<LoadResult>;
    const withProcess =
      (start: () => Promise<{ t: Tracked; port: number }>): Server =>
      async (fn) => {
        const s = await start();
        try {
          return await fn(s.port, s.t.pid);
        } finally {
          await s.t.stop();
        }
      };
    const withOpentracker: Server = async (fn) => {
      const ot = await startOpentracker({ infoHashes: hashes });
      try {
        return await fn(ot.port, ot.pid);
      } finally {
        await ot.stop();
      }
    };
    const servers: Array<{ name: string; key: ServerKey; run: Server }> = [
      { name: 'ours', key: 'ours', run: withProcess(() => startOurs(childScript, hashesFile)) },
      { name: 'opentracker', key: 'opentracker', run: withOpentracker },
    ];
    if ('server' in bt) {
      const serverJs = bt.server;
      servers.push({
        name: 'bittorrent-tracker',
        key: 'bittorrentTracker',
        run: withProcess(() => startBittorrentTracker(btChild, serverJs)),
      });
    } else {
      log(`tracker: bittorrent-tracker skipped: ${bt.skipped}`);
    }

    const runs = {
      http: { ours: [], opentracker: [], bittorrentTracker: [] } as Record<ServerKey, LoadResult[]>,
      udp: { ours: [], opentracker: [], bittorrentTracker: [] } as Record<ServerKey, LoadResult[]>,
    };
    const wrkOn = (port: number): Promise<LoadResult> =>
      runWrk(root, `http://127.0.0.1:${port}/announce`, hashesFile, opts.durationSec);
    const udpOn = (port: number, pid: number): Promise<LoadResult> =>
      runUdpLoad(udpScript, port, hashesFile, opts.durationSec, pid);
    for (let r = 0; r < rounds; r++)
      for (const s of servers)
        runs.http[s.key].push(await measure(`HTTP ${s.name}`, () => s.run(wrkOn)));
    // --- UDP speed (issue 20): the Node floor is measured in the same rounds, after the servers.
    const floorRuns: LoadResult[] = [];
    const floorChild = path.join(dir, 'udp-floor-child.mjs');
    const withFloor = withProcess(() => startUdpFloor(floorChild));
    for (let r = 0; r < rounds; r++) {
      for (const s of servers)
        runs.udp[s.key].push(await measure(`UDP ${s.name}`, () => s.run(udpOn)));
      floorRuns.push(await measure('UDP node floor', () => withFloor(udpOn)));
    }

    const summary = (proto: 'http' | 'udp'): ProtocolSummary => {
      const ours = medianRun(runs[proto].ours);
      const opentracker = medianRun(runs[proto].opentracker);
      const btRuns = runs[proto].bittorrentTracker;
      const bittorrentTracker: LoadResult | Skipped =
        btRuns.length > 0 ? medianRun(btRuns) : { skipped: 'skipped' in bt ? bt.skipped : '' };
      return {
        ours,
        opentracker,
        bittorrentTracker,
        ratio: round(ours.perSec / opentracker.perSec, 3),
        ratioVsBittorrentTracker:
          'perSec' in bittorrentTracker ? round(ours.perSec / bittorrentTracker.perSec, 3) : null,
      };
    };
    const http = summary('http');
    const udp = summary('udp');
    // --- UDP speed (issue 20) ---
    const udpNodeFloor = medianRun(floorRuns);
    const mbPer100k = registryMegabytesPer100kPeers();
    log(`tracker: registry ${round(mbPer100k, 1)} MB per 100k peers`);

    return {
      durationSec: opts.durationSec,
      rounds,
      poolSize: POOL_SIZE,
      allRounds: { ...runs, udpNodeFloor: floorRuns },
      http,
      udp,
      // --- UDP speed (issue 20): the single-threaded Node ceiling, and ours against it ---
      udpNodeFloor: {
        ...udpNodeFloor,
        vsOpentracker: round(udpNodeFloor.perSec / udp.opentracker.perSec, 3),
        oursVsFloor: round(udp.ours.perSec / udpNodeFloor.perSec, 3),
      },
      registryMbPer100kPeers: round(mbPer100k, 1),
      targets: TRACKER_TARGETS,
      ok: {
        httpRatio: http.ratio >= TRACKER_TARGETS.httpRatio,
        httpP99: http.ours.p99Ms <= TRACKER_TARGETS.httpP99Ms,
        udpRatio: udp.ratio >= TRACKER_TARGETS.udpRatio,
        httpVsBittorrentTracker:
          http.ratioVsBittorrentTracker === null
            ? null
            : http.ratioVsBittorrentTracker >= TRACKER_TARGETS.httpVsBittorrentTracker,
        memory: mbPer100k <= TRACKER_TARGETS.mbPer100kPeers,
        // --- UDP speed (issue 20) ---
        udpP99: udp.ours.p99Ms <= TRACKER_TARGETS.udpP99Ms,
      },
      notes: [
        `ours and opentracker both serve the allow-listed pool only; ours prints its stats every ${STATS_EVERY_SEC} s`,
        'opentracker closes the connection after every response; wrk counts those as read errors, not failed announces',
        `bittorrent-tracker: ${BT_TRACKER_SPEC} with its stats page on (its default)`,
        'UDP: one generator (same sockets, window and packet mix) for every server; generatorCpuPct near 100 means the generator set the rate',
        // --- UDP speed (issue 20) ---
        "opentracker (Debian's build) runs with its whitelist and its stats module (compiled in; its /stats page refuses clients outside its access list, the counters are kept either way)",
        'UDP p50/p99: per announce, send to answer, at the generator, under the same full load as the rate (2 sockets x 128 in flight)',
        'UDP node floor: fixed answers through node:dgram, sent as our front sends them (bench/tools/udp-floor-child.ts): what any single-threaded Node UDP tracker costs at least',
        "UDP server CPU µs/announce: the server process's user + system time over the measured window per answered announce (/proc/PID/stat); on a shared machine it is steadier than the rate",
        `${os.cpus().length} cores shared by wrk/udp-load and the tracker under test`,
      ],
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
