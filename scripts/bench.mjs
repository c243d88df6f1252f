// `npm run bench`: builds the bench bundle (`npm run build` leaves it out), then runs it with the
// flags given, e.g. `npm run bench -- --size-mib 256 --only download,seed`. Exits with its code.
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const built = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs'), 'bench'], {
  cwd: root,
  stdio: 'inherit',
  timeout: 300_000,
});
if (built.status !== 0) {
  console.error('bench: building out/bench/bench.js failed');
  process.exit(1);
}
const entry = path.join(root, 'out', 'bench', 'bench.js');
const child = spawn(process.execPath, [entry, ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
// The terminal's Ctrl-C reaches the child too; a SIGTERM sent to us alone is passed on by PID.
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => {
  process.exitCode = code ?? (signal ? 1 : 0);
});
