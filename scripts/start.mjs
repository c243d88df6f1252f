// `npm start`: build, then launch Electron. When no Electron binary is installed (as on CI
// machines and this one), say so in one line and serve the UI as a local web app instead.
// The electron package is never required here: its index.js tries to download a binary.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** ELECTRON_PATH, else node_modules/electron/dist/<path.txt>, else null. */
function findElectron(env = process.env) {
  if (env.ELECTRON_PATH) return existsSync(env.ELECTRON_PATH) ? env.ELECTRON_PATH : null;
  const pkg = path.join(root, 'node_modules', 'electron');
  const pathTxt = path.join(pkg, 'path.txt');
  if (!existsSync(pathTxt)) return null;
  const rel = readFileSync(pathTxt, 'utf8').trim();
  const bin = path.join(pkg, 'dist', rel);
  return rel && existsSync(bin) ? bin : null;
}

/** Runs a child to completion with our stdio; resolves with its exit code. */
function run(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/** Runs a long-lived child and forwards SIGINT/SIGTERM to it by PID. */
async function serve(cmd, args, env) {
  const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', env });
  const forward = (signal) => {
    if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, signal);
  };
  process.on('SIGINT', () => forward('SIGINT'));
  process.on('SIGTERM', () => forward('SIGTERM'));
  const code = await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (c, signal) => resolve(c ?? (signal ? 0 : 1)));
  });
  process.exitCode = code;
}

async function main() {
  // What starting needs (the renderer, the Electron main and preload, the web host), plus the
  // CLI, well under a second more, so `npx swarmscope` works after `npm start` too.
  const built = await run(process.execPath, [
    path.join(root, 'scripts', 'build.mjs'),
    'renderer',
    'main',
    'web',
    'cli',
  ]);
  if (built !== 0) {
    process.exitCode = built;
    return;
  }
  const electron = findElectron();
  const passThrough = process.argv.slice(2);
  if (electron) {
    // The main bundle is ESM (out/package.json says "type": "module").
    const env = { ...process.env };
    delete env.ELECTRON_RUN_AS_NODE;
    await serve(electron, [path.join(root, 'out', 'main', 'main.js'), ...passThrough], env);
    return;
  }
  console.log(
    'Electron is not available on this machine (no binary in node_modules/electron/dist); serving the UI as a local web app instead.',
  );
  await serve(process.execPath, [path.join(root, 'out', 'web', 'server.js'), ...passThrough]);
}

main().catch((err) => {
  console.error(`start failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
