/**
 * Restart, end to end: add torrents (by drop) and change settings (in the Settings dialog), stop
 * the web host by its PID, start it again on the same data folder: the torrents (with their save
 * folder and paused state) and the settings are back, and the page reconnects by itself.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, repoRoot, test, type WebHostFixture } from './fixtures';
import { addByDrop, invokeHost, watchConsole } from './helpers';
import { fixtureContent, makeTorrent } from './torrent-fixture';

const serverJs = path.join(repoRoot, 'out', 'web', 'server.js');
const startTimeoutMs = 20_000;
const stopTimeoutMs = 5_000;

interface Host {
  child: ChildProcess;
  fixture: WebHostFixture;
}

/** Starts the built web host; `port` and `token` fixed so the open page can reconnect. */
async function startHost(
  dataDir: string,
  downloadDir: string,
  port: number,
  token: string,
): Promise<Host> {
  // Tests never dial the public DHT routers: no bootstrap node (issue 17); a restart keeps it.
  mkdirSync(dataDir, { recursive: true });
  const settingsFile = path.join(dataDir, 'settings.json');
  if (!existsSync(settingsFile)) writeFileSync(settingsFile, JSON.stringify({ dhtBootstrap: [] }));
  const child = spawn(
    process.execPath,
    [
      serverJs,
      '--port',
      String(port),
      '--data-dir',
      dataDir,
      '--download-dir',
      downloadDir,
      '--listen-port',
      '0',
      '--token',
      token,
    ],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let err = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (c: string) => (err += c));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(
        () => reject(new Error(`no URL in ${startTimeoutMs} ms: ${err}`)),
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
        reject(new Error(`web host exited with ${code}: ${err}`));
      });
    });
    const u = new URL(url);
    return {
      child,
      fixture: {
        url,
        origin: u.origin,
        token: u.searchParams.get('token') ?? '',
        dataDir,
        downloadDir,
        stderr: () => err,
      },
    };
  } catch (e) {
    await stopHost(child);
    throw e;
  }
}

async function stopHost(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(child.pid, 'SIGTERM');
  const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), stopTimeoutMs));
  if ((await Promise.race([exited, timeout])) === 'timeout') {
    process.kill(child.pid, 'SIGKILL');
    await exited;
  }
}

test('torrents and settings come back after the host restarts', async ({ page }) => {
  test.setTimeout(90_000);
  const errors = watchConsole(page);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'swarmscope-e2e-restart-'));
  const dataDir = path.join(tmp, 'data');
  const downloadDir = path.join(tmp, 'downloads');
  const token = 'restart-test-token-0123456789';
  let host: Host | null = null;
  try {
    host = await startHost(dataDir, downloadDir, 0, token);
    const port = Number(new URL(host.fixture.url).port);
    const first = makeTorrent({ name: 'Restart me.iso', content: fixtureContent(300 * 1024, 21) });
    const second = makeTorrent({
      name: 'Paused across restarts.bin',
      content: fixtureContent(200 * 1024, 22),
    });

    await page.goto(host.fixture.url);
    await addByDrop(page, 'restart-me.torrent', first.bytes, first.infoHash);
    await addByDrop(page, 'paused.torrent', second.bytes, second.infoHash);
    const secondRow = page.locator(`tr.torrent-row[data-id="${second.infoHash}"]`);
    await secondRow.click();
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await expect(secondRow).toHaveAttribute('data-state', 'paused');
    // Settings, through the Settings dialog.
    await page.getByRole('button', { name: 'Settings' }).click();
    let settings = page.getByTestId('settings');
    // The Transfers section's: the alternative speed section has an Upload limit too.
    const transfers = settings.getByRole('region', { name: 'Transfers' });
    await transfers.getByLabel('Upload limit').fill('123');
    await settings.getByLabel('Per torrent').fill('17');
    await settings.getByRole('button', { name: 'Save' }).click();
    await expect(settings).toHaveCount(0);
    const changed = await invokeHost(host.fixture, 'settings.get', {});
    expect(changed.uploadLimitBps).toBe(123 * 1024);

    await stopHost(host.child);
    await expect(page.getByTestId('connection')).toHaveText('Reconnecting…');

    // Same data folder, same port and token: the open page reconnects and resyncs by itself.
    host = await startHost(dataDir, downloadDir, port, token);
    await expect(page.getByTestId('connection')).toHaveText('Connected', { timeout: 15_000 });
    const rows = page.locator('tr.torrent-row');
    await expect(rows).toHaveCount(2);
    await expect(page.locator(`tr.torrent-row[data-id="${first.infoHash}"]`)).toContainText(
      'Restart me.iso',
    );
    await expect(secondRow).toHaveAttribute('data-state', 'paused');
    const saved = await invokeHost(host.fixture, 'settings.get', {});
    expect(saved.uploadLimitBps).toBe(123 * 1024);
    expect(saved.maxConnectionsPerTorrent).toBe(17);
    await page.getByRole('button', { name: 'Settings' }).click();
    settings = page.getByTestId('settings');
    await expect(
      settings.getByRole('region', { name: 'Transfers' }).getByLabel('Upload limit'),
    ).toHaveValue('123');
    await expect(settings.getByLabel('Per torrent')).toHaveValue('17');
    await settings.getByRole('button', { name: 'Cancel' }).click();
    const snapshot = await invokeHost(host.fixture, 'sync.snapshot', {});
    expect(snapshot.torrents.map((t) => t.savePath)).toEqual([downloadDir, downloadDir]);

    // A fresh page load sees the same.
    await page.reload();
    await expect(rows).toHaveCount(2);
    // The socket drop while the host was down is the only console noise allowed.
    expect(errors.filter((e) => !/WebSocket|ERR_CONNECTION_REFUSED/.test(e))).toEqual([]);
  } finally {
    if (host) await stopHost(host.child);
    rmSync(tmp, { recursive: true, force: true });
  }
});
