// `npm run bench:targets`: issue 20's rule, "a target counts only when it holds for the median
// of 5 in each of 3 separate bench runs". Builds the bench bundle once, runs it 3 times with
// `--runs 5` (and any other flags given, e.g. `-- --only download,seed,multifile`), one after
// another, and prints per row the three figures (the ratio, or the value where a row has none)
// and whether its target held in all three. `npm run bench` itself stays one run.
// The three runs' tables and the verdicts go to bench/results/targets-<timestamp>.json.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Separate bench runs a target must hold in. */
export const BENCH_REPEATS = 3;
/** Each row's median is of this many runs. */
export const RUNS_PER_BENCH = 5;

/**
 * Rows of several bench runs' tables, matched by metric, in the order they first appear.
 * `held`: true when the row's target held (ok) in every run, false when it missed in any run or
 * the row is absent from one, null for rows with no target (ok null in every run that has it).
 * @param {{ metric: string, ours: number|null, ratio: number|null, target: string, ok: boolean|null }[][]} tables
 */
export function summariseTargets(tables) {
  /** @type {Map<string, { metric: string, target: string, figures: (number|null)[], oks: (boolean|null|undefined)[] }>} */
  const byMetric = new Map();
  tables.forEach((table, i) => {
    for (const row of table) {
      let r = byMetric.get(row.metric);
      if (!r) {
        r = {
          metric: row.metric,
          target: row.target,
          figures: tables.map(() => null),
          oks: tables.map(() => undefined),
        };
        byMetric.set(row.metric, r);
      }
      r.figures[i] = row.ratio ?? row.ours ?? null;
      r.oks[i] = row.ok;
    }
  });
  return [...byMetric.values()].map((r) => {
    const judged = r.oks.some((ok) => ok === true || ok === false);
    return {
      metric: r.metric,
      target: r.target,
      figures: r.figures,
      held: judged ? r.oks.every((ok) => ok === true) : null,
    };
  });
}

/** The summary as a text table. */
export function formatTargets(summary) {
  const header = [
    'metric',
    ...(summary[0]?.figures.map((_, i) => `run ${i + 1}`) ?? []),
    'target',
    'all',
  ];
  const cells = summary.map((r) => [
    r.metric,
    ...r.figures.map((x) => (x === null ? '-' : Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(2))),
    r.target,
    r.held === null ? '' : r.held ? 'HELD' : 'MISS',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c) =>
    c.map((x, i) => (i === 0 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

/** One bench run; resolves with the path of its results JSON (from its "results: " line). */
function benchOnce(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'out', 'bench', 'bench.js'), ...args], {
      cwd: root,
      stdio: ['inherit', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (b) => {
      process.stdout.write(b);
      out += b.toString();
    });
    // Ctrl-C reaches the child too; a SIGTERM sent to us alone is passed on by PID.
    const onTerm = () => child.kill('SIGTERM');
    process.once('SIGTERM', onTerm);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      process.off('SIGTERM', onTerm);
      const m = /^results: (.+)$/m.exec(out);
      if (!m) reject(new Error(`bench exited (${code ?? signal}) without a results file`));
      else resolve({ file: m[1].trim(), code: code ?? 1 });
    });
  });
}

async function main(argv) {
  if (argv.includes('--runs')) {
    console.error(`bench:targets: --runs is ${RUNS_PER_BENCH}, as issue 20 counts targets`);
    return 2;
  }
  const built = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs'), 'bench'], {
    cwd: root,
    stdio: 'inherit',
    timeout: 300_000,
  });
  if (built.status !== 0) {
    console.error('bench:targets: building out/bench/bench.js failed');
    return 1;
  }
  const tables = [];
  const files = [];
  let failed = false;
  for (let i = 0; i < BENCH_REPEATS; i++) {
    console.error(`bench:targets: run ${i + 1} of ${BENCH_REPEATS}`);
    const { file, code } = await benchOnce(['--runs', String(RUNS_PER_BENCH), ...argv]);
    if (code !== 0) failed = true;
    files.push(file);
    tables.push(JSON.parse(fs.readFileSync(file, 'utf8')).table);
  }
  const summary = summariseTargets(tables);
  process.stdout.write(
    `\nIssue 20's targets: median of ${RUNS_PER_BENCH} in each of ${BENCH_REPEATS} bench runs\n\n` +
      formatTargets(summary) +
      '\n\n',
  );
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const out = path.join(root, 'bench', 'results', `targets-${stamp}.json`);
  fs.writeFileSync(out, JSON.stringify({ runs: files, summary }, null, 2) + '\n');
  process.stdout.write(`targets: ${out}\n`);
  return failed ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      console.error(`bench:targets: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
    },
  );
}
