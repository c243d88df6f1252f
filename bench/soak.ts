/**
 * `npm run soak` (issue 15, "Long runs"): a loopback swarm of one seeder and ten leechers with
 * churn, for five minutes, in one process; then every leecher's content is checked by sha256.
 *
 *   node --expose-gc out/soak/soak.mjs [--minutes 5] [--leechers 10] [--size-mib 32] [--seed 15]
 *                                      [--sample-sec 10] [--work-dir DIR]
 *
 * - Peers find each other through a standalone tracker on loopback (HTTP, open mode).
 * - Churn, drawn from a seeded Random (`--seed`): every 2-6 s one leecher leaves, at most three
 *   are away at once, and each comes back 2-10 s later. It leaves in one of three ways: its
 *   session closes and reopens on the same files (resume by checking), its session closes and its
 *   files are deleted (a fresh download), or its torrent is paused and resumed.
 * - Upload limits (seeder 4 MB/s, leechers 2 MB/s) keep the swarm busy for the whole run.
 * - Every `--sample-sec` the process takes a full GC (when `--expose-gc` is given, as
 *   scripts/soak.mjs does) and samples RSS, the JS heap, array buffers, open handles and active
 *   timers (`process.getActiveResourcesInfo()`).
 * - Verdict, after warm-up (the first third of the samples): handles and timers are flat when the
 *   floor (fewest seen) of the last third is within 10% (or 3) of the middle third's: with churn,
 *   the count at a given moment follows the connections open then, while a leak raises the
 *   floor. RSS is flat when its median grew less than RSS_GROWTH_MAX_MB from the middle third to
 *   the last, and the heap less than HEAP_GROWTH_MAX_MB.
 *   Exit 0 when the content verifies and every line is flat, else 1.
 * Everything started is stopped at the end: sessions, tracker, timers.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  HashWritePool,
  Session,
  TrackerServer,
  createTorrent,
  seededRandom,
  systemClock,
} from '../src-main/engine';
import type { Metainfo, Random, SessionOptions } from '../src-main/engine';
import { defaultTrackerServerSettings } from '../src-shared/model';

const MB = 1024 * 1024;
const PIECE_LENGTH = 256 * 1024;
const SEEDER_UPLOAD_BPS = 4_000_000;
const LEECHER_UPLOAD_BPS = 2_000_000;
const CHURN_MIN_MS = 2_000;
const CHURN_MAX_MS = 6_000;
const AWAY_MIN_MS = 2_000;
const AWAY_MAX_MS = 10_000;
const MAX_AWAY = 3;
/** After the churn stops: every leecher must finish within this. */
const FINISH_TIMEOUT_MS = 180_000;
/** Tracker interval: short, so peers that come back are learnt within the run. */
const TRACKER_INTERVAL_SEC = 30;
/** Flatness: relative and absolute slack for handles and timers, growth caps for memory. */
const COUNT_SLACK = 0.1;
const COUNT_SLACK_ABS = 3;
const RSS_GROWTH_MAX_MB = 32;
const HEAP_GROWTH_MAX_MB = 16;

type Way = 'restart' | 'wipe' | 'pause';

interface Leecher {
  index: number;
  dir: string;
  session: Session | null;
  id: string | null;
  away: Way | null;
  backAt: number;
  trips: Record<Way, number>;
}

interface Sample {
  atSec: number;
  rssMb: number;
  heapMb: number;
  arrayBuffersMb: number;
  handles: number;
  timers: number;
  sockets: number;
  peers: number;
  complete: number;
  away: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function between(random: Random, lo: number, hi: number): number {
  return lo + random.int(hi - lo + 1);
}

function sha256(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function writeContent(file: string, bytes: number, seed: number): void {
  const random = seededRandom(seed);
  const fd = fs.openSync(file, 'w');
  try {
    for (let done = 0; done < bytes;) {
      const n = Math.min(4 * MB, bytes - done);
      fs.writeSync(fd, random.bytes(n));
      done += n;
    }
  } finally {
    fs.closeSync(fd);
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0
    ? NaN
    : s.length % 2
      ? (s[m] as number)
      : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

function sampleNow(atSec: number, leechers: Leecher[], seeder: Session): Sample {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  const resources = process.getActiveResourcesInfo();
  const count = (kind: string): number => resources.filter((r) => r === kind).length;
  const sessions = [seeder, ...leechers.map((l) => l.session)].filter((s): s is Session => !!s);
  return {
    atSec,
    rssMb: m.rss / MB,
    heapMb: m.heapUsed / MB,
    arrayBuffersMb: m.arrayBuffers / MB,
    handles: resources.length,
    timers: count('Timeout'),
    sockets: count('TCPSocketWrap'),
    peers: sessions.reduce((n, s) => n + (s.list()[0]?.peers ?? 0), 0),
    complete: leechers.filter((l) => l.session?.list()[0]?.progress === 1).length,
    away: leechers.filter((l) => l.away !== null).length,
  };
}

function row(s: Sample): string {
  const cells = [
    s.atSec.toFixed(0).padStart(5),
    s.rssMb.toFixed(1).padStart(7),
    s.heapMb.toFixed(1).padStart(7),
    s.arrayBuffersMb.toFixed(1).padStart(6),
    String(s.handles).padStart(7),
    String(s.timers).padStart(6),
    String(s.sockets).padStart(7),
    String(s.peers).padStart(5),
    `${s.complete}/${s.away}`.padStart(9),
  ];
  return `| ${cells.join(' | ')} |`;
}

const HEADER =
  '| t (s) | RSS MB | heap MB | buf MB | handles | timers | sockets | peers | done/away |\n' +
  '|------:|-------:|--------:|-------:|--------:|-------:|--------:|------:|----------:|';

interface Line {
  name: string;
  flat: boolean;
  detail: string;
}

/** The verdict over the samples after warm-up (the first third). */
function flatness(samples: Sample[]): Line[] {
  const third = Math.floor(samples.length / 3);
  const middle = samples.slice(third, 2 * third);
  const last = samples.slice(2 * third);
  const mid = (k: keyof Sample, xs: Sample[]): number => median(xs.map((s) => s[k]));
  // Counts are judged by their floor (the fewest seen in a third): churn and downloads add
  // sockets and their timers above it at random moments, while a leak raises the floor itself.
  const count = (name: string, k: 'handles' | 'timers'): Line => {
    const a = Math.min(...middle.map((s) => s[k]));
    const b = Math.min(...last.map((s) => s[k]));
    const slack = Math.max(COUNT_SLACK * a, COUNT_SLACK_ABS);
    const medians = `medians ${mid(k, middle)} then ${mid(k, last)}`;
    return {
      name,
      flat: Math.abs(b - a) <= slack,
      detail: `floor ${a} then ${b} (within ${slack.toFixed(0)}; ${medians})`,
    };
  };
  const growth = (name: string, k: 'rssMb' | 'heapMb', maxMb: number): Line => {
    const a = mid(k, middle);
    const b = mid(k, last);
    return {
      name,
      flat: b - a < maxMb,
      detail: `median ${a.toFixed(1)} MB then ${b.toFixed(1)} MB (${b - a >= 0 ? '+' : ''}${(b - a).toFixed(1)}, limit +${maxMb})`,
    };
  };
  if (middle.length === 0 || last.length === 0)
    return [{ name: 'samples', flat: false, detail: `${samples.length} samples: run longer` }];
  return [
    count('open handles', 'handles'),
    count('active timers', 'timers'),
    growth('RSS', 'rssMb', RSS_GROWTH_MAX_MB),
    growth('heap', 'heapMb', HEAP_GROWTH_MAX_MB),
  ];
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      minutes: { type: 'string', default: '5' },
      leechers: { type: 'string', default: '10' },
      'size-mib': { type: 'string', default: '32' },
      seed: { type: 'string', default: '15' },
      'sample-sec': { type: 'string', default: '10' },
      'work-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(
      'usage: soak [--minutes 5] [--leechers 10] [--size-mib 32] [--seed 15] [--sample-sec 10] [--work-dir DIR]\n',
    );
    return 0;
  }
  const minutes = Number(values.minutes);
  const leecherCount = Number(values.leechers);
  const sizeBytes = Math.round(Number(values['size-mib']) * MB);
  const sampleMs = Number(values['sample-sec']) * 1000;
  const seed = Number(values.seed);
  if (!(minutes > 0) || !(leecherCount >= 1) || !(sizeBytes > 0) || !(sampleMs >= 1000))
    throw new Error('soak: --minutes, --leechers, --size-mib and --sample-sec must be positive');
  const random = seededRandom(seed);
  if (!(globalThis as { gc?: () => void }).gc)
    process.stdout.write('soak: no --expose-gc: heap figures include garbage\n');

  const root = fs.mkdtempSync(path.join(values['work-dir'] ?? os.tmpdir(), 'swarmscope-soak-'));
  const tracker = new TrackerServer({ clock: systemClock, random, logLevel: 'warn' });
  let seeder: Session | null = null;
  const leechers: Leecher[] = [];
  try {
    // Content and its torrent, announcing to our own tracker.
    const contentDir = path.join(root, 'seed');
    fs.mkdirSync(contentDir);
    const content = path.join(contentDir, 'soak.bin');
    writeContent(content, sizeBytes, seed);
    const want = sha256(content);
    const stats = await tracker.start({
      ...defaultTrackerServerSettings,
      enabled: true,
      http: true,
      udp: false,
      host: '127.0.0.1',
      httpPort: 0,
      mode: 'open',
      intervalSec: TRACKER_INTERVAL_SEC,
      minIntervalSec: TRACKER_INTERVAL_SEC,
    });
    if (!stats.running || stats.httpPort === null)
      throw new Error(`soak: tracker did not start: ${stats.error ?? '?'}`);
    const announce = `http://127.0.0.1:${stats.httpPort}/announce`;
    const pool = new HashWritePool({ threads: 1 });
    let created: { meta: Metainfo; torrentFile: Uint8Array };
    try {
      created = await createTorrent(content, {
        pieceLength: PIECE_LENGTH,
        trackers: [[announce]],
        creationDate: 0,
        pool,
      });
    } finally {
      await pool.close();
    }
    const { meta, torrentFile } = created;

    const base: SessionOptions = {
      dataDir: null,
      listenHost: '127.0.0.1',
      listenPort: 0,
      hashThreads: 1,
    };
    seeder = await Session.open({ ...base, settings: { uploadLimitBps: SEEDER_UPLOAD_BPS } });
    await seeder.addMeta(meta, { savePath: contentDir }, true);

    const join = async (l: Leecher): Promise<void> => {
      const s = await Session.open({ ...base, settings: { uploadLimitBps: LEECHER_UPLOAD_BPS } });
      l.session = s;
      l.id = await s.addTorrent({ torrentFile }, { savePath: l.dir });
    };
    for (let i = 0; i < leecherCount; i++) {
      const dir = path.join(root, `leecher-${i}`);
      fs.mkdirSync(dir);
      const l: Leecher = {
        index: i,
        dir,
        session: null,
        id: null,
        away: null,
        backAt: 0,
        trips: { restart: 0, wipe: 0, pause: 0 },
      };
      leechers.push(l);
      await join(l);
    }

    const leave = async (l: Leecher, way: Way, now: number): Promise<void> => {
      l.away = way;
      l.backAt = now + between(random, AWAY_MIN_MS, AWAY_MAX_MS);
      l.trips[way]++;
      const s = l.session as Session;
      if (way === 'pause') return s.pause(l.id as string);
      l.session = null;
      await s.close();
      if (way === 'wipe') {
        fs.rmSync(l.dir, { recursive: true, force: true });
        fs.mkdirSync(l.dir);
      }
    };
    const comeBack = async (l: Leecher): Promise<void> => {
      const way = l.away;
      l.away = null;
      if (way === 'pause') return (l.session as Session).resume(l.id as string);
      await join(l);
    };

    const started = performance.now();
    const endAt = started + minutes * 60_000;
    const samples: Sample[] = [];
    process.stdout.write(
      `soak: 1 seeder, ${leecherCount} leechers, ${(sizeBytes / MB).toFixed(0)} MiB, ${minutes} min, seed ${seed}, a sample every ${sampleMs / 1000} s\n${HEADER}\n`,
    );
    let nextSample = started + sampleMs;
    let nextChurn = started + between(random, CHURN_MIN_MS, CHURN_MAX_MS);
    // One loop drives churn and sampling, so no step overlaps another (bounded by the end time).
    while (performance.now() < endAt) {
      const now = performance.now();
      for (const l of leechers) if (l.away !== null && now >= l.backAt) await comeBack(l);
      if (now >= nextChurn) {
        nextChurn = now + between(random, CHURN_MIN_MS, CHURN_MAX_MS);
        const present = leechers.filter((l) => l.away === null);
        if (leechers.length - present.length < MAX_AWAY && present.length > 0) {
          const l = present[random.int(present.length)] as Leecher;
          // Wipes weigh double: a fresh download keeps data flowing through the whole run.
          const ways: Way[] = ['restart', 'wipe', 'wipe', 'pause'];
          await leave(l, ways[random.int(ways.length)] as Way, now);
        }
      }
      if (now >= nextSample) {
        nextSample += sampleMs;
        const s = sampleNow((now - started) / 1000, leechers, seeder);
        samples.push(s);
        process.stdout.write(row(s) + '\n');
      }
      await sleep(100);
    }

    // The end: everyone back, everyone finishes, every copy verifies.
    for (const l of leechers) if (l.away !== null) await comeBack(l);
    const finishBy = performance.now() + FINISH_TIMEOUT_MS;
    while (
      performance.now() < finishBy &&
      !leechers.every((l) => l.session?.list()[0]?.state === 'seeding')
    )
      await sleep(200);
    const verified = leechers.map((l) => {
      const file = path.join(l.dir, 'soak.bin');
      return (
        fs.existsSync(file) && l.session?.list()[0]?.state === 'seeding' && sha256(file) === want
      );
    });
    const trips = leechers.reduce(
      (t, l) => ({
        restart: t.restart + l.trips.restart,
        wipe: t.wipe + l.trips.wipe,
        pause: t.pause + l.trips.pause,
      }),
      { restart: 0, wipe: 0, pause: 0 },
    );
    const lines = flatness(samples);
    process.stdout.write(
      `\nchurn: ${trips.restart} restarts, ${trips.wipe} wipes (fresh downloads), ${trips.pause} pauses\n` +
        `content: ${verified.filter(Boolean).length}/${leechers.length} leechers verified by sha256` +
        `${verified.every(Boolean) ? '' : ` (failed: ${verified.flatMap((v, i) => (v ? [] : [i])).join(', ')})`}\n`,
    );
    for (const line of lines)
      process.stdout.write(
        `${line.flat ? 'flat    ' : 'NOT FLAT'}  ${line.name}: ${line.detail}\n`,
      );
    const ok = verified.every(Boolean) && lines.every((l) => l.flat);
    process.stdout.write(`verdict: ${ok ? 'PASS' : 'FAIL'}\n`);
    return ok ? 0 : 1;
  } finally {
    await Promise.all([seeder?.close(), ...leechers.map((l) => l.session?.close())]);
    await tracker.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

process.exitCode = await main(process.argv.slice(2));
