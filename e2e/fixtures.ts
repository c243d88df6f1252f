/**
 * Playwright fixtures: `webHost` starts the BUILT web host (out/web/server.js) on a free port
 * with a fresh data folder, reads the URL line it prints, and stops it by PID afterwards.
 */
import { test as base } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const serverJs = path.join(repoRoot, 'out', 'web', 'server.js');
const startTimeoutMs = 20_000;
const stopTimeoutMs = 5_000;

export interface WebHostFixture {
  /** The printed URL, with the token. */
  url: string;
  origin: string;
  token: string;
  dataDir: string;
  downloadDir: string;
  /** What the host wrote on stderr so far, for failure messages. */
  stderr(): string;
}

function waitForUrl(child: ChildProcess, stderr: () => string): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(
      () => reject(new Error(`web host printed no URL in ${startTimeoutMs} ms: ${stderr()}`)),
      startTimeoutMs,
    );
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      out += chunk;
      const m = /^Swarmscope web UI: (\S+)$/m.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`web host exited with ${code}: ${stderr()}`));
    });
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(child.pid, 'SIGTERM');
  const timer = new Promise<'timeout'>((resolve) =>
    setTimeout(() => resolve('timeout'), stopTimeoutMs),
  );
  if ((await Promise.race([exited, timer])) === 'timeout') {
    process.kill(child.pid, 'SIGKILL');
    await exited;
  }
}

export const test = base.extend<{ webHost: WebHostFixture }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright requires the destructuring form.
  webHost: async ({}, use) => {
    if (!existsSync(serverJs))
      throw new Error(`${serverJs} is missing: run node scripts/build.mjs`);
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'swarmscope-e2e-'));
    const dataDir = path.join(tmp, 'data');
    const downloadDir = path.join(tmp, 'downloads');
    // Tests never dial the public DHT routers: the host starts with no bootstrap node (issue 17).
    // Nor ask the machine's router to forward a port (issue 18): port mapping starts off.
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(
      path.join(dataDir, 'settings.json'),
      JSON.stringify({ dhtBootstrap: [], portMapping: false }),
    );
    let err = '';
    const child = spawn(
      process.execPath,
      [
        serverJs,
        '--port',
        '0',
        '--data-dir',
        dataDir,
        '--download-dir',
        downloadDir,
        '--listen-port',
        '0',
      ],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => (err += chunk));
    try {
      const url = await waitForUrl(child, () => err);
      const parsed = new URL(url);
      await use({
        url,
        origin: parsed.origin,
        token: parsed.searchParams.get('token') ?? '',
        dataDir,
        downloadDir,
        stderr: () => err,
      });
    } finally {
      await stop(child);
      rmSync(tmp, { recursive: true, force: true });
    }
  },
});

export { expect } from '@playwright/test';
