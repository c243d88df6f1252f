// `npm run soak` (issue 15): bundles bench/soak.ts into out/soak/ and runs it with --expose-gc
// (its samples take a full GC first), passing the flags on, e.g. `npm run soak -- --minutes 1`.
// Not part of `npm test`: it runs for five minutes by default. Exits with the soak's code.
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'out', 'soak', 'soak.mjs');
const built = spawnSync(
  path.join(root, 'node_modules', '.bin', 'esbuild'),
  [
    path.join(root, 'bench', 'soak.ts'),
    '--bundle',
    '--platform=node',
    '--format=esm',
    '--target=node20',
    `--outfile=${out}`,
    '--log-level=warning',
  ],
  { cwd: root, stdio: 'inherit', timeout: 120_000 },
);
if (built.status !== 0) {
  console.error('soak: building out/soak/soak.mjs failed');
  process.exit(1);
}
const child = spawn(process.execPath, ['--expose-gc', out, ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
// The terminal's Ctrl-C reaches the child too; a SIGTERM sent to us alone is passed on by PID.
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => {
  process.exitCode = code ?? (signal ? 1 : 0);
});
