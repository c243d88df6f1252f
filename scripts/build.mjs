// Builds everything into out/: the renderer with Vite, and main, preload, web host and CLI with
// esbuild. All runtime packages are bundled, so the packaged app carries only out/.
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';
import { rm, mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'out');
const only = process.argv.slice(2);
// The bench bundle is built only when asked for (`npm run bench`).
const want = (name) => (only.length === 0 ? name !== 'bench' : only.includes(name));

// ESM bundles that use CommonJS packages (ws) need a real `require`.
const esmBanner = {
  js: "import { createRequire as __ssCreateRequire } from 'node:module'; const require = __ssCreateRequire(import.meta.url);",
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  absWorkingDir: root,
};

async function main() {
  const started = Date.now();
  if (only.length === 0) await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  const jobs = [];
  if (want('renderer')) {
    jobs.push(viteBuild({ configFile: path.join(root, 'vite.config.ts'), logLevel: 'warn' }));
  }
  if (want('main')) {
    jobs.push(
      esbuild({
        ...common,
        entryPoints: { main: 'src-main/host/electron/main.ts' },
        outdir: 'out/main',
        format: 'esm',
        outExtension: { '.js': '.js' },
        external: ['electron'],
        banner: esmBanner,
      }),
      // The sandboxed preload must be CommonJS.
      esbuild({
        ...common,
        entryPoints: { preload: 'src-main/host/electron/preload.ts' },
        outdir: 'out/preload',
        format: 'cjs',
        outExtension: { '.js': '.cjs' },
        platform: 'node',
        external: ['electron'],
      }),
    );
  }
  if (want('web')) {
    jobs.push(
      esbuild({
        ...common,
        entryPoints: { server: 'src-main/host/web/main.ts' },
        outdir: 'out/web',
        format: 'esm',
        banner: esmBanner,
      }),
    );
  }
  if (want('cli')) {
    jobs.push(
      esbuild({
        ...common,
        entryPoints: { cli: 'src-main/cli/main.ts' },
        outdir: 'out/cli',
        format: 'esm',
        banner: esmBanner,
      }),
      // `swarmscope create` alone, so a one-shot create loads little (create-main.ts), and as
      // CommonJS, which bin/swarmscope.js loads without Node's ES module loader (issue 20).
      esbuild({
        ...common,
        entryPoints: { create: 'src-main/cli/create-main.ts' },
        outdir: 'out/cli',
        format: 'cjs',
        outExtension: { '.js': '.cjs' },
      }),
    );
  }
  // --- swarm lab (issue 19): each lab peer's child process, forked by src-main/lab ---
  if (want('cli') || want('web') || want('main') || want('lab')) {
    jobs.push(
      esbuild({
        ...common,
        entryPoints: { 'lab-peer': 'src-main/lab/lab-peer.ts' },
        outdir: 'out/lab',
        format: 'esm',
        banner: esmBanner,
      }),
    );
  }
  if (want('bench')) {
    jobs.push(
      esbuild({
        ...common,
        entryPoints: { bench: 'bench/run.ts' },
        outdir: 'out/bench',
        format: 'esm',
        banner: esmBanner,
      }),
    );
  }
  await Promise.all(jobs);
  await writeFile(path.join(out, 'package.json'), JSON.stringify({ type: 'module' }) + '\n');
  console.log(`build: done in ${Date.now() - started} ms`);
}

main().catch((err) => {
  console.error(`build failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
