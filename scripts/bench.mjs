// `npm run bench` (after the build): runs the bundled benchmarks with the flags given, e.g.
// `npm run bench -- --size-mib 256 --only download,seed`. The exit code is the bench's own.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const entry = path.join(root, 'out', 'bench', 'bench.js');
if (!existsSync(entry)) {
  console.error(`bench: ${entry} is missing; run \`node scripts/build.mjs bench\` first`);
  process.exit(1);
}
const child = spawn(process.execPath, [entry, ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
// The terminal's Ctrl-C reaches the child too; a SIGTERM sent to us alone is passed on by PID.
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => {
  process.exitCode = code ?? (signal ? 1 : 0);
});
