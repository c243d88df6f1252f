import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Session } from '../../engine';
import { startWebApp, type WebApp } from './web-app';

let dir = '';
let app: WebApp | null = null;

afterEach(async () => {
  await app?.close();
  app = null;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  dir = '';
});

function status(
  port: number,
  pathname: string,
  headers: Record<string, string> = {},
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path: pathname, headers, timeout: 5000 },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

async function start(): Promise<WebApp> {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarmscope-web-app-'));
  const staticDir = path.join(dir, 'static');
  fs.mkdirSync(staticDir);
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>x</title>');
  // Tests never dial the public DHT routers (issue 17): the host starts with none.
  fs.mkdirSync(path.join(dir, 'data'));
  fs.writeFileSync(path.join(dir, 'data', 'settings.json'), JSON.stringify({ dhtBootstrap: [] }));
  app = await startWebApp({
    dataDir: path.join(dir, 'data'),
    downloadDir: path.join(dir, 'downloads'),
    staticDir,
    listenPort: 0,
    port: 0,
  });
  return app;
}

describe('web app tokens (issue 16 item 9)', () => {
  it("keeps the UI token off the tracker's /stats, and the stats token off the UI", async () => {
    // The tracker's own check of the token (and of loopback) is tested in tracker-server tests;
    // here: the session is given a stats token of its own, never the UI's. Tests stay on
    // loopback, so the wiring is observed where the web app opens its session.
    const open = vi.spyOn(Session, 'open');
    const a = await start();
    expect(a.statsToken).not.toBe(a.host.token);
    expect(open).toHaveBeenCalledTimes(1);
    expect(open.mock.calls[0]![0].trackerStatsToken).toBe(a.statsToken);
    open.mockRestore();

    const ui = (token: string) => status(a.host.port, '/', { 'x-swarmscope-token': token });
    expect(await ui(a.statsToken)).toBe(403);
    expect(await ui(a.host.token)).toBe(200);
  });

  it('refuses a stats token equal to the UI token', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarmscope-web-app-'));
    await expect(
      startWebApp({ dataDir: dir, staticDir: dir, port: 0, token: 'same', statsToken: 'same' }),
    ).rejects.toThrow(/must differ/);
  });
});
