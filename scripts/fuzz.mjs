// Runs the property tests (`*.property.test.ts`, issue 16) for much longer than `npm test` does.
// Each property gets FUZZ_RUNS generated inputs (default 20,000); a failing input is shrunk by
// fast-check and saved under src-main/testing/fuzz-fixtures/<target>/, where every later run
// (and `npm test`) replays it. Print the seed of a failure and replay it with --seed.
//
// Usage: npm run fuzz [-- --runs N] [-- --seed S] [-- <vitest filter>]   (exit 1 on any failure)
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const defaultRuns = 20_000;

/** @param {string[]} argv */
function parseArgs(argv) {
  /** @type {{ runs: number, seed: string | null, filters: string[] }} */
  const out = { runs: defaultRuns, seed: null, filters: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--runs') out.runs = Number(argv[++i]);
    else if (a === '--seed') out.seed = String(argv[++i]);
    else out.filters.push(a);
  }
  if (!Number.isSafeInteger(out.runs) || out.runs < 1) {
    throw new Error(`--runs must be a positive integer`);
  }
  return out;
}

const args = parseArgs(process.argv.slice(2));
const vitest = path.join(root, 'node_modules', 'vitest', 'vitest.mjs');
const filters = args.filters.length > 0 ? args.filters : ['.property.test.ts'];
const child = spawn(process.execPath, [vitest, 'run', '--project', 'unit', ...filters], {
  cwd: root,
  stdio: 'inherit',
  env: {
    ...process.env,
    FUZZ_RUNS: String(args.runs),
    FUZZ_SAVE: '1',
    ...(args.seed !== null ? { FUZZ_SEED: args.seed } : {}),
    // A long run meets slow moments on a busy machine; a hang still fails.
    FUZZ_INPUT_BUDGET_MS: process.env.FUZZ_INPUT_BUDGET_MS ?? '5000',
  },
});
child.on('exit', (code, signal) => {
  process.exitCode = code ?? (signal ? 1 : 0);
});
