/**
 * `swarmscope lab`: a swarm of real engine sessions on loopback (issue 19), from a terminal.
 * Prints a progress line a second; exits 0 once every honest leecher's copy hashed to the
 * original, non-zero with the reason on stderr otherwise (a peer failed, a copy differs, the
 * timeout passed, Ctrl-C). With --json, progress goes to stderr and stdout gets one summary line.
 * Every child process and the temp folder are gone before it returns.
 */
import { parseArgs } from 'node:util';
import { systemClock, systemRandom } from '../../engine';
import { defaultLabConfig, labConfigError } from '../../../src-shared/model';
import type { LabConfig, LabState } from '../../../src-shared/model';
import { forkLabChild, LabController } from '../../lab';
import type { SpawnLabChild } from '../../lab';
import { formatBytes, formatRate } from '../format';

export const labUsage = `usage: swarmscope lab [--leechers N] [--seeders N] [--size-mib N | --file PATH]
                     [--corrupt N] [--freeloaders N] [--churn PER_MIN] [--upload-limit BYTES/S]
                     [--arrival-spread SEC] [--seed N] [--timeout SEC] [--json]

  Runs a swarm of real Swarmscope peers on 127.0.0.1, each in its own process, with its own
  tracker, and watches the content spread. Exits 0 when every honest leecher has verified the
  content (SHA-256 of its copy equals the original's).
    --leechers N          1-50 honest downloaders (default ${defaultLabConfig.leechers})
    --seeders N           1-5 seeders holding the content from the start (default 1)
    --size-mib N          generated content, 1-1024 MiB (default ${defaultLabConfig.sizeMiB})
    --file PATH           share this file instead
    --corrupt N           peers that send a flipped byte in every block (they get banned)
    --freeloaders N       peers that download but never unchoke anyone
    --churn PER_MIN       downloaders that leave and come back 5 s later, per minute
    --upload-limit RATE   each peer's upload cap, bytes/s (K, M suffixes; 0 unlimited)
    --arrival-spread SEC  leechers arrive evenly over this many seconds
    --seed N              seed of the generated content (same seed, same bytes)
    --timeout SEC         give up after this long (default 600)
    --json                progress on stderr; one JSON summary line on stdout at the end
`;

export interface LabArgs {
  config: LabConfig;
  json: boolean;
  timeoutSec: number;
  help: boolean;
}

function count(v: string | undefined, fallback: number, flag: string): number {
  if (v === undefined) return fallback;
  if (!/^\d{1,7}$/.test(v)) throw new Error(`${flag} must be a whole number, not "${v}"`);
  return Number(v);
}

function decimal(v: string | undefined, fallback: number, flag: string): number {
  if (v === undefined) return fallback;
  if (!/^\d{1,6}(\.\d{1,3})?$/.test(v)) throw new Error(`${flag} must be a number, not "${v}"`);
  return Number(v);
}

function rate(v: string | undefined): number {
  if (v === undefined) return 0;
  const m = /^(\d{1,10})\s*([kmg]?)(i?b(\/s)?)?$/i.exec(v.trim());
  if (!m) throw new Error(`--upload-limit must be bytes per second like 500K or 2M, not "${v}"`);
  const mult: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };
  return Number(m[1]) * (mult[(m[2] ?? '').toLowerCase()] ?? 1);
}

/** The flags to a checked config; throws an Error whose message is the one line to print. */
export function parseLabArgs(argv: string[]): LabArgs {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      leechers: { type: 'string' },
      seeders: { type: 'string' },
      'size-mib': { type: 'string' },
      file: { type: 'string' },
      corrupt: { type: 'string' },
      freeloaders: { type: 'string' },
      churn: { type: 'string' },
      'upload-limit': { type: 'string' },
      'arrival-spread': { type: 'string' },
      seed: { type: 'string' },
      timeout: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length > 0) throw new Error(`unexpected argument "${positionals[0]}"`);
  if (values.file !== undefined && values['size-mib'] !== undefined)
    throw new Error('--file and --size-mib exclude each other');
  const d = defaultLabConfig;
  const config: LabConfig = {
    sizeMiB: count(values['size-mib'], d.sizeMiB, '--size-mib'),
    filePath: values.file ?? null,
    seed: count(values.seed, d.seed, '--seed'),
    leechers: count(values.leechers, d.leechers, '--leechers'),
    seeders: count(values.seeders, d.seeders, '--seeders'),
    freeloaders: count(values.freeloaders, d.freeloaders, '--freeloaders'),
    corrupt: count(values.corrupt, d.corrupt, '--corrupt'),
    uploadLimitBps: rate(values['upload-limit']),
    arrivalSpreadSec: decimal(values['arrival-spread'], d.arrivalSpreadSec, '--arrival-spread'),
    churnPerMin: decimal(values.churn, d.churnPerMin, '--churn'),
  };
  const problem = labConfigError(config);
  if (problem) throw new Error(problem);
  const timeoutSec = count(values.timeout, 600, '--timeout');
  if (timeoutSec < 1) throw new Error('--timeout must be at least 1 second');
  return { config, json: !!values.json, timeoutSec, help: !!values.help };
}

/** One progress line: time, leechers done, aggregate rate, pieces out, bans. */
export function labProgressLine(s: LabState): string {
  const leechers = s.peers.filter((p) => p.role === 'leecher');
  const done = leechers.filter((p) => p.verified).length;
  const rateBps = s.peers.reduce((n, p) => n + p.downRateBps, 0);
  return (
    `[${(s.elapsedMs / 1000).toFixed(1).padStart(6)}s] leechers done ${done}/${leechers.length}` +
    `  swarm rate ${formatRate(rateBps)}  pieces out ${s.piecesOut}/${s.pieceCount}` +
    `  bans ${s.bans.length}`
  );
}

/** The --json summary: what a course or a script wants to know about the run. */
export function labSummary(s: LabState, ok: boolean, reason: string | null) {
  return {
    ok,
    reason,
    name: s.name,
    infoHash: s.infoHashHex,
    sizeBytes: s.sizeBytes,
    pieceCount: s.pieceCount,
    timeToFullDistributionMs: s.fullDistributionMs,
    seederUploadedBytes: Object.fromEntries(
      s.peers.filter((p) => p.role === 'seeder').map((p) => [p.name, p.uploadedBytes]),
    ),
    peers: s.peers.map((p) => ({
      name: p.name,
      role: p.role,
      verified: p.verified,
      doneAtMs: p.doneAtMs,
      downloadedBytes: p.downloadedBytes,
      uploadedBytes: p.uploadedBytes,
      error: p.error,
    })),
    bans: s.bans.map((b) => ({ by: b.by, banned: b.banned, reason: b.reason, atMs: b.atMs })),
  };
}

/** Why the lab cannot finish any more, or null while it can. */
function stuckReason(s: LabState): string | null {
  const bad = s.peers.find(
    (p) => p.role === 'leecher' && (p.status === 'failed' || (p.error !== null && !p.verified)),
  );
  return bad ? `${bad.name}: ${bad.error ?? bad.status}` : null;
}

export async function runLabCommand(
  argv: string[],
  io: { stdout: (s: string) => void; stderr: (s: string) => void },
  spawn: SpawnLabChild = forkLabChild(),
): Promise<number> {
  let args: LabArgs;
  try {
    args = parseLabArgs(argv);
  } catch (err) {
    io.stderr(`swarmscope lab: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
  if (args.help) {
    io.stdout(labUsage);
    return 0;
  }
  const progress = args.json ? io.stderr : io.stdout;
  const lab = new LabController({
    config: args.config,
    spawn,
    clock: systemClock,
    random: systemRandom,
  });
  let interrupted: string | null = null;
  const onSignal = (sig: string) => {
    interrupted = `interrupted (${sig})`;
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let ok = false;
  let reason: string | null = null;
  try {
    try {
      await lab.start();
    } catch (err) {
      io.stderr(`swarmscope lab: ${err instanceof Error ? err.message : String(err)}\n`);
      return 1;
    }
    const s0 = lab.state();
    progress(
      `lab: ${s0.name}, ${formatBytes(s0.sizeBytes)} in ${s0.pieceCount} pieces, tracker ${s0.announceUrl}\n`,
    );
    const deadline = Date.now() + args.timeoutSec * 1000;
    // One line a second until it completes, gets stuck, times out or is interrupted.
    for (;;) {
      await new Promise((r) => setTimeout(r, 1000));
      const s = lab.state();
      progress(labProgressLine(s) + '\n');
      if (s.status === 'complete') {
        ok = true;
        break;
      }
      reason = interrupted ?? stuckReason(s);
      if (reason) break;
      if (Date.now() >= deadline) {
        reason = `timed out after ${args.timeoutSec} s`;
        break;
      }
    }
    const s = lab.state();
    if (ok) {
      progress(
        `every honest leecher has verified content after ${((s.fullDistributionMs ?? 0) / 1000).toFixed(1)} s\n`,
      );
    } else {
      io.stderr(`swarmscope lab: ${reason}\n`);
    }
    for (const b of s.bans) progress(`ban: ${b.by} banned ${b.banned} (${b.reason})\n`);
    if (args.json) io.stdout(JSON.stringify(labSummary(s, ok, reason)) + '\n');
    return ok ? 0 : 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await lab.close();
  }
}
