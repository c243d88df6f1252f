/**
 * Bench suite "thousand" (issue 20): a session with 1,000 small seeding torrents.
 *
 * The parent writes 1,000 generated torrents (1-4 files of 16-256 KiB, pieces of 16-256 KiB)
 * and their data, and has a real session add them as finished (so the data folder holds what a
 * previous session leaves: session.json, the .torrent files and resume data), all announcing to a
 * small counting HTTP tracker in this process. Then our session starts as a child process
 * (`bench.js --thousand-child`), as the app would, and the rows are:
 *
 * - process start to all 1,000 seeding, with resume data (target < 3 s), and a second start with
 *   the resume data removed (every piece hashed; a report row);
 * - RSS after start: the peak, and the steady level (median of the last half of the run)
 *   (target < 300 MB);
 * - announces, as the tracker saw them: the most in flight at once (target <= the configured
 *   concurrency) and the most started in any 1 s window over the first announce interval,
 *   against an even spread of the torrents over that interval (target <= 2x it);
 * - the shutdown: how long the close took and how many `stopped` announces reached the tracker.
 *
 * The tracker answers after TRACKER_DELAY_MS, as a remote one would, so that requests overlap
 * and "in flight" means something on loopback.
 *
 * Invariants: the child is stopped by its PID, every wait has a deadline, the server is closed.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { HashWritePool, MemoryLogger, Session, createTorrent } from '../../src-main/engine';
import { writeFile } from '../../src-main/testing/fixtures';
import { spawnTracked } from '../../src-main/testing/ref-clients';
import { benchScript, log, median, round } from './util';

export interface ThousandBenchResult {
  count: number;
  totalDataMiB: number;
  /** Process start to every torrent seeding, with resume data. */
  seedingSec: number;
  /** CPU seconds used by then (load-independent beside the wall time). */
  cpuAtSeedingSec: number;
  /** CPU while 1,000 seeds sit idle, as a share of one core. */
  idleCpuShare: number;
  /** The same without resume data: every piece is hashed. */
  noResumeSeedingSec: number;
  peakRssMb: number;
  steadyRssMb: number;
  /** The session's announce concurrency setting, when it has one (null: none). */
  concurrency: number | null;
  maxInFlight: number;
  /** The most announces started in any 1 s window over the first interval. */
  maxPerSecond: number;
  /** count / interval: the rate of an even spread. */
  evenPerSecond: number;
  intervalSec: number;
  /** Announces the tracker received within the first interval (from the first one). */
  announcesInFirstInterval: number;
  /** Seconds from the first announce to the last torrent's first announce. */
  firstAnnounceSpanSec: number;
  closeSec: number;
  stoppedAnnounces: number;
}

const COUNT = 1000;
/** The interval our tracker gives: short enough that the run covers a whole one. */
const INTERVAL_SEC = 60;
/** How long a tracker answer takes, as over a network. */
const TRACKER_DELAY_MS = 20;
/** The resumed child runs this long after it starts, so that the first interval is covered. */
const RUN_SEC = INTERVAL_SEC + 8;
const RSS_SAMPLE_MS = 250;
const POLL_MS = 10;
/**
 * How often the child looks at its 1,000 summaries: a list of them costs the session's own
 * thread, and at 10 ms the polling took 8% of the start (the app's hosts ask at 5 Hz).
 */
const CHILD_POLL_MS = 50;
const WAIT_LIMIT_MS = 300_000;
/** Announce concurrency asked of the session (issue 20's setting, when present). */
const CONCURRENCY = 20;

interface Announce {
  at: number;
  event: string;
  infoHash: string;
}

/** A tracker that answers every announce with no peers, counting what arrives and when. */
class CountingTracker {
  readonly announces: Announce[] = [];
  inFlight = 0;
  maxInFlight = 0;
  private readonly server: http.Server;
  private readonly pending = new Set<NodeJS.Timeout>();
  /** performance.now() that announce times count from. */
  origin = performance.now();

  constructor() {
    this.server = http.createServer((req, res) => {
      const u = new URL(req.url ?? '/', 'http://127.0.0.1');
      const rec = {
        at: performance.now() - this.origin,
        event: u.searchParams.get('event') ?? 'none',
        infoHash: u.search.replace(/.*info_hash=([^&]*).*/, '$1'),
      };
      this.announces.push(rec);
      this.inFlight++;
      this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
      const body = `d8:intervali${INTERVAL_SEC}e12:min intervali${INTERVAL_SEC}e5:peers0:e`;
      const timer = setTimeout(() => {
        this.pending.delete(timer);
        res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': body.length });
        res.end(body);
      }, TRACKER_DELAY_MS);
      this.pending.add(timer);
      res.on('close', () => {
        this.inFlight--;
      });
    });
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  reset(): void {
    this.announces.length = 0;
    this.maxInFlight = this.inFlight;
    this.origin = performance.now();
  }

  async close(): Promise<void> {
    for (const t of this.pending) clearTimeout(t);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Deterministic sizes from the torrent's index, so every run has the same content. */
function shapeOf(i: number): { files: number[]; pieceLength: number } {
  let x = (i + 1) * 2654435761;
  const next = (): number => {
    x = (x ^ (x >>> 13)) * 1274126177;
    x = (x ^ (x >>> 16)) >>> 0;
    return x;
  };
  const n = 1 + (next() % 4);
  const files = Array.from({ length: n }, () => 16 * 1024 + (next() % (240 * 1024)));
  return { files, pieceLength: 16 * 1024 * 2 ** (next() % 5) };
}

async function until(
  cond: () => boolean,
  what: string,
  limitMs = WAIT_LIMIT_MS,
  pollMs = POLL_MS,
): Promise<void> {
  const deadline = performance.now() + limitMs;
  while (!cond()) {
    if (performance.now() > deadline)
      throw new Error(`thousand bench: gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

const sessionSettings = {
  // Every torrent seeds: a user with 1,000 seeds lifts the queue's limit.
  maxActiveSeeds: 0,
  maxActiveDownloads: 0,
  // Loopback only: no DHT bootstrap, no multicast.
  dhtEnabled: false,
  lsdEnabled: false,
};

/** The concurrency setting, when the session has one (it came with issue 20). */
function concurrencyPatch(): Record<string, number> {
  return { maxConcurrentAnnounces: CONCURRENCY };
}

export async function runThousandBench(opts: { workDir: string }): Promise<ThousandBenchResult> {
  const root = path.join(opts.workDir, 'thousand');
  const dataDir = path.join(root, 'data');
  const content = path.join(root, 'content');
  const tracker = new CountingTracker();
  const pool = new HashWritePool();
  try {
    const port = await tracker.listen();
    const announceUrl = `http://127.0.0.1:${port}/announce`;
    // ---- the previous session: 1,000 finished torrents
    let totalBytes = 0;
    const prep = await Session.open({
      dataDir,
      downloadDir: content,
      listenHost: '127.0.0.1',
      listenPort: 0,
      useTrackers: false,
      logger: new MemoryLogger('warn'),
      settings: sessionSettings,
    });
    try {
      for (let i = 0; i < COUNT; i++) {
        const shape = shapeOf(i);
        const dir = path.join(content, `t-${i}`);
        shape.files.forEach((size, k) => {
          writeFile(path.join(dir, `f${k}.bin`), size, i * 8 + k + 1);
          totalBytes += size;
        });
        const { meta } = await createTorrent(dir, {
          pool,
          pieceLength: shape.pieceLength,
          trackers: [announceUrl],
        });
        await prep.addMeta(meta, { savePath: content }, true);
      }
      await until(
        () => prep.list().filter((t) => t.state === 'seeding').length === COUNT,
        'the previous session to seed',
      );
    } finally {
      await prep.close();
    }
    log(`thousand: ${COUNT} torrents, ${round(totalBytes / 2 ** 20)} MiB written`);

    // ---- the measured start, with resume data
    tracker.reset();
    const a = await runSessionChild(dataDir, content, RUN_SEC, tracker);
    const firstAt = new Map<string, number>();
    for (const x of tracker.announces) if (!firstAt.has(x.infoHash)) firstAt.set(x.infoHash, x.at);
    const times = tracker.announces.filter((x) => x.event !== 'stopped').map((x) => x.at);
    const t0 = times.length ? Math.min(...times) : 0;
    const inFirst = times.filter((t) => t < t0 + INTERVAL_SEC * 1000).sort((x, y) => x - y);
    let maxPerSecond = 0;
    for (let i = 0, j = 0; i < inFirst.length; i++) {
      while ((inFirst[i] as number) - (inFirst[j] as number) >= 1000) j++;
      maxPerSecond = Math.max(maxPerSecond, i - j + 1);
    }
    const firsts = [...firstAt.values()];
    const stoppedAnnounces = tracker.announces.filter((x) => x.event === 'stopped').length;
    const maxInFlight = tracker.maxInFlight;
    const byEvent = new Map<string, number>();
    for (const x of tracker.announces) byEvent.set(x.event, (byEvent.get(x.event) ?? 0) + 1);
    log(`thousand: announces by event ${JSON.stringify(Object.fromEntries(byEvent))}`);
    log(
      `thousand: session open after ${a.openSec} s, seeding after ${a.seedingSec} s ` +
        `(${a.cpuAtSeedingSec} CPU s), idle CPU ${a.idleCpuShare} of a core; RSS peak ${a.peakRssMb} MB, steady ` +
        `${a.steadyRssMb} MB; ${tracker.announces.length} announces, max ${maxInFlight} in ` +
        `flight, max ${maxPerSecond} in 1 s; close ${a.closeSec} s, ${stoppedAnnounces} stopped`,
    );

    // ---- the same start with no resume data: every piece hashed
    fs.rmSync(path.join(dataDir, 'resume'), { recursive: true, force: true });
    tracker.reset();
    const b = await runSessionChild(dataDir, content, 0, tracker);
    log(`thousand: without resume data, seeding after ${b.seedingSec} s`);

    return {
      count: COUNT,
      totalDataMiB: round(totalBytes / 2 ** 20, 1),
      seedingSec: a.seedingSec,
      cpuAtSeedingSec: a.cpuAtSeedingSec,
      idleCpuShare: a.idleCpuShare,
      noResumeSeedingSec: b.seedingSec,
      peakRssMb: a.peakRssMb,
      steadyRssMb: a.steadyRssMb,
      concurrency: CONCURRENCY,
      maxInFlight,
      maxPerSecond,
      evenPerSecond: round(COUNT / INTERVAL_SEC, 1),
      intervalSec: INTERVAL_SEC,
      announcesInFirstInterval: inFirst.length,
      firstAnnounceSpanSec: firsts.length
        ? round((Math.max(...firsts) - Math.min(...firsts)) / 1000, 1)
        : 0,
      closeSec: a.closeSec,
      stoppedAnnounces,
    };
  } finally {
    await pool.close();
    await tracker.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

interface ChildReport {
  /** Process start to Session.open resolved. */
  openSec: number;
  seedingSec: number;
  /** CPU seconds the process had used when every torrent seeded: the start's cost, less noisy. */
  cpuAtSeedingSec: number;
  /** CPU (share of one core) while the seeds sat idle after the start. */
  idleCpuShare: number;
  peakRssMb: number;
  steadyRssMb: number;
  closeSec: number;
}

async function runSessionChild(
  dataDir: string,
  content: string,
  runSec: number,
  tracker: CountingTracker,
): Promise<ChildReport> {
  // BENCH_CHILD_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the session.
  const nodeArgs = (process.env.BENCH_CHILD_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const args = [
    ...nodeArgs,
    benchScript(),
    '--thousand-child',
    '--data-dir',
    dataDir,
    '--download-dir',
    content,
    '--count',
    String(COUNT),
    '--run-sec',
    String(runSec),
  ];
  const t = spawnTracked(process.execPath, args);
  tracker.origin = performance.now();
  let report: ChildReport | null = null;
  t.onLine((line) => {
    if (!line.startsWith('{')) return;
    try {
      const msg = JSON.parse(line) as { event?: string } & ChildReport;
      if (msg.event === 'done') report = msg;
    } catch {
      // Not ours; it stays in the tail.
    }
  });
  try {
    await until(
      () => report !== null || t.exit !== null,
      'the session child',
      WAIT_LIMIT_MS + runSec * 1000,
    );
    if (!report) throw new Error(`the session child exited early:\n${t.tail.join('\n')}`);
    await t.exited;
    return report;
  } finally {
    await t.stop();
  }
}

// ---------------------------------------------------------------- the child

function cpuSec(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

function rssMb(): number {
  return round(process.memoryUsage.rss() / 2 ** 20, 1);
}

/** Entry of `bench.js --thousand-child`: open the session, wait for every seed, run, close. */
export async function runThousandChild(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'thousand-child': { type: 'boolean' },
      'data-dir': { type: 'string' },
      'download-dir': { type: 'string' },
      count: { type: 'string' },
      'run-sec': { type: 'string' },
    },
    strict: true,
  });
  const count = Number(values.count);
  const runMs = Number(values['run-sec']) * 1000;
  const samples: { at: number; rss: number }[] = [];
  let peak = rssMb();
  const sampler = setInterval(() => {
    const r = rssMb();
    peak = Math.max(peak, r);
    samples.push({ at: performance.now(), rss: r });
  }, RSS_SAMPLE_MS);
  try {
    const session = await Session.open({
      dataDir: values['data-dir'] as string,
      downloadDir: values['download-dir'],
      listenHost: '127.0.0.1',
      listenPort: 0,
      logger: new MemoryLogger('warn', (line) => process.stderr.write(line)),
      settings: { ...sessionSettings, ...concurrencyPatch() },
    });
    const openSec = round(performance.now() / 1000, 3);
    let closed = false;
    try {
      // performance.now() counts from the process's start: module loading is included.
      await until(
        () => {
          const list = session.list();
          return list.length === count && list.every((x) => x.state === 'seeding');
        },
        'every torrent to seed',
        WAIT_LIMIT_MS,
        CHILD_POLL_MS,
      );
      const seedingSec = round(performance.now() / 1000, 3);
      const cpuAtSeeding = cpuSec();
      const runStart = performance.now();
      await new Promise((r) => setTimeout(r, runMs));
      // The main thread's and the workers' CPU while 1,000 seeds sit idle, as a share of a core.
      const idleCpuShare = runMs > 0 ? round((cpuSec() - cpuAtSeeding) / (runMs / 1000), 3) : 0;
      const tail = samples.filter((s) => s.at >= runStart + runMs / 2).map((s) => s.rss);
      const steadyRssMb = tail.length ? round(median(tail), 1) : rssMb();
      const c0 = performance.now();
      await session.close();
      closed = true;
      const closeSec = round((performance.now() - c0) / 1000, 3);
      process.stdout.write(
        JSON.stringify({
          event: 'done',
          openSec,
          seedingSec,
          cpuAtSeedingSec: round(cpuAtSeeding, 3),
          idleCpuShare,
          peakRssMb: peak,
          steadyRssMb,
          closeSec,
        }) + '\n',
      );
      return 0;
    } finally {
      if (!closed) await session.close();
    }
  } finally {
    clearInterval(sampler);
  }
}
