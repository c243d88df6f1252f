// Packages a stand-in project with the real electron-builder.yml and the electron-builder CLI,
// offline: `electronDist` points at a folder with a fake `electron` executable made here, so
// nothing is downloaded. The fake carries the fuse sentinel of a real Electron binary, so the
// test also reads back the fuses electron-builder flipped. The stand-in `out/` holds the files
// a build makes plus decoys (sources, tests, maps, node_modules, other bundles) that must not ship.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import {
  chmod,
  cp,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { listPackage } from '@electron/asar';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';

const root = path.resolve(import.meta.dirname, '..');
const builderCli = path.join(root, 'node_modules', 'electron-builder', 'cli.js');
const sevenZip = '/usr/bin/7za';
const buildTimeoutMs = 90_000;

// @electron/fuses: the wire follows this sentinel as (version, length, states...).
const fuseSentinel = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const fuseOn = 49; // '1'
const fuseOff = 48; // '0'
// Electron's own defaults, in FuseV1Options order, so the test sees each flip happen.
const defaultWire = [fuseOn, fuseOff, fuseOn, fuseOn, fuseOff, fuseOff, fuseOff, fuseOn];

let tmp = '';
let project = '';
let electronDist = '';

async function write(rel: string, text: string): Promise<void> {
  const abs = path.join(project, rel);
  await mkdir(path.dirname(abs), { recursive: true });
  await writeFile(abs, text);
}

interface RunResult {
  code: number | null;
  output: string;
}

/** Runs the electron-builder CLI; the child is killed by its PID if it outlives the test. */
async function runBuilder(args: string[], outputDir: string): Promise<RunResult> {
  const child = spawn(
    process.execPath,
    [
      builderCli,
      '--projectDir',
      project,
      '--config',
      path.join(root, 'electron-builder.yml'),
      `-c.electronDist=${electronDist}`,
      '-c.electronVersion=45.4.1',
      `-c.directories.output=${outputDir}`,
      '--publish',
      'never',
      ...args,
    ],
    {
      cwd: project,
      env: {
        // Without VITEST in its environment electron-builder logs normally, for failure messages.
        ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST'))),
        ELECTRON_BUILDER_7ZIP_PATH: sevenZip,
        // Nothing may come from the network: a download attempt fails fast instead of hanging.
        ELECTRON_BUILDER_OFFLINE: 'true',
        HTTPS_PROXY: 'http://127.0.0.1:9',
        HTTP_PROXY: 'http://127.0.0.1:9',
        CI: 'true',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (b: Buffer) => (output += b.toString()));
  child.stderr.on('data', (b: Buffer) => (output += b.toString()));
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`electron-builder timed out:\n${output}`)),
        buildTimeoutMs,
      );
      child.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      child.on('close', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    return { code, output };
  } finally {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      process.kill(child.pid, 'SIGKILL');
    }
  }
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'swarmscope-packaging-'));
  project = path.join(tmp, 'project');
  electronDist = path.join(tmp, 'electron-dist');

  const pkg = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  await write(
    'package.json',
    JSON.stringify(
      {
        name: pkg.name,
        productName: pkg.productName,
        version: pkg.version,
        description: pkg.description,
        license: pkg.license,
        author: { name: 'Swarmscope contributors', email: 'maintainers@swarmscope.org' },
        type: 'module',
        main: 'out/main/main.js',
      },
      null,
      2,
    ),
  );
  // What `npm run build` produces.
  await write('out/package.json', '{"type":"module"}\n');
  await write('out/main/main.js', 'export const main = 1;\n');
  await write('out/preload/preload.cjs', 'module.exports = {};\n');
  await write('out/renderer/index.html', '<!doctype html><title>Swarmscope</title>\n');
  await write('out/renderer/assets/index-abc123.js', 'console.log(1);\n');
  // Decoys that must never reach the package.
  await write('out/main/main.js.map', '{}');
  await write('out/renderer/assets/index-abc123.js.map', '{}');
  await write('out/web/server.js', 'export {};\n');
  await write('out/cli/cli.js', 'export {};\n');
  await write('out/main/leftover.test.js', 'export {};\n');
  await write('src-main/host/electron/main.ts', 'export {};\n');
  await write('src-main/host/electron/main.test.ts', 'export {};\n');
  await write('scripts/build.mjs', 'export {};\n');
  await write('node_modules/left-pad/index.js', 'module.exports = 1;\n');
  await write('node_modules/left-pad/package.json', '{"name":"left-pad","version":"1.0.0"}\n');
  await cp(path.join(root, 'assets'), path.join(project, 'assets'), { recursive: true });

  await mkdir(path.join(electronDist, 'resources'), { recursive: true });
  const fake = Buffer.concat([
    Buffer.from('#!/bin/sh\n# Swarmscope packaging test stand-in for Electron\nexit 0\n# '),
    Buffer.from(fuseSentinel, 'latin1'),
    Buffer.from([1, defaultWire.length, ...defaultWire]),
    Buffer.from('\n'),
  ]);
  await writeFile(path.join(electronDist, 'electron'), fake);
  await chmod(path.join(electronDist, 'electron'), 0o755);
  await writeFile(path.join(electronDist, 'version'), '45.4.1');
  await writeFile(path.join(electronDist, 'LICENSE'), 'stand-in\n');
}, 30_000);

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('electron-builder packaging (linux, offline, stand-in Electron)', () => {
  it(
    'builds --linux dir: app.asar holds only built output, fuses are flipped',
    async () => {
      const outDir = path.join(tmp, 'dist-dir');
      const started = performance.now();
      const run = await runBuilder(['--linux', 'dir', '--x64'], outDir);
      const tookMs = performance.now() - started;
      expect(run.code, run.output).toBe(0);
      console.log(`packaging: --linux dir took ${Math.round(tookMs)} ms`);

      const appDir = path.join(outDir, 'linux-unpacked');
      const asarPath = path.join(appDir, 'resources', 'app.asar');
      const entries = listPackage(asarPath, { isPack: false }).map((e) =>
        e.split(path.sep).join('/'),
      );
      for (const wanted of [
        '/package.json',
        '/out/package.json',
        '/out/main/main.js',
        '/out/preload/preload.cjs',
        '/out/renderer/index.html',
        '/out/renderer/assets/index-abc123.js',
        '/assets/tray/trayTemplate.png',
        '/assets/tray/tray@2x.png',
        '/assets/badges/badge-9+.png',
      ]) {
        expect(entries, wanted).toContain(wanted);
      }
      const leaked = entries.filter(
        (e) =>
          e.endsWith('.map') ||
          e.endsWith('.ts') ||
          /\.test\./.test(e) ||
          e.includes('node_modules') ||
          e.startsWith('/src-') ||
          e.startsWith('/scripts') ||
          e.startsWith('/out/web') ||
          e.startsWith('/out/cli') ||
          e.startsWith('/assets/icons'),
      );
      expect(leaked).toEqual([]);

      const packagedPkg = JSON.parse(
        (await import('@electron/asar')).extractFile(asarPath, 'package.json').toString(),
      ) as { main: string; type: string };
      expect(packagedPkg.main).toBe('out/main/main.js');

      const exe = path.join(appDir, 'swarmscope');
      expect((await stat(exe)).mode & 0o111).not.toBe(0);
      const wire = await getCurrentFuseWire(exe);
      expect(wire[FuseV1Options.RunAsNode]).toBe(fuseOff);
      expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(fuseOff);
      expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(fuseOff);
      expect(wire[FuseV1Options.EnableCookieEncryption]).toBe(fuseOn);
      expect(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(fuseOn);
      expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(fuseOn);
      // Left at Electron's default on purpose (see electron-builder.yml).
      expect(wire[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(fuseOn);
    },
    buildTimeoutMs + 10_000,
  );

  it(
    'builds --linux tar.gz with Debian 7za',
    async () => {
      const outDir = path.join(tmp, 'dist-tar');
      const started = performance.now();
      const run = await runBuilder(['--linux', 'tar.gz', '--x64'], outDir);
      const tookMs = performance.now() - started;
      expect(run.code, run.output).toBe(0);
      expect(run.output).toContain('building');
      console.log(`packaging: --linux tar.gz took ${Math.round(tookMs)} ms`);
      const tarballs = (await readdir(outDir)).filter((f) => f.endsWith('.tar.gz'));
      expect(tarballs).toEqual(['swarmscope-0.1.0.tar.gz']);
      const bytes = await readFile(path.join(outDir, tarballs[0]!));
      expect(bytes.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b])); // gzip magic
      expect(bytes.length).toBeGreaterThan(1000);
    },
    buildTimeoutMs + 10_000,
  );
});
