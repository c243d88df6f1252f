import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startWebApp, type WebApp } from './web-app';

let dir = '';
let app: WebApp | null = null;

afterEach(async () => {
  await app?.close();
  app = null;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  dir = '';
});

/** This machine's first non-loopback IPv4 address: /stats needs a token only from off loopback. */
function outsideAddress(): string | undefined {
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return undefined;
}

function status(
  address: string,
  port: number,
  pathname: string,
  headers: Record<string, string> = {},
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: address,
        port,
        path: pathname,
        // Connect from the same address, so the server sees a peer off loopback.
        localAddress: address,
        headers: { host: `${address}:${port}`, ...headers },
        timeout: 5000,
      },
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
    const outside = outsideAddress();
    expect(outside, 'this test needs a non-loopback IPv4 interface').toBeDefined();
    const a = await start();
    expect(a.statsToken).not.toBe(a.host.token);
    const tracker = await a.session.startTracker({
      enabled: true,
      host: '0.0.0.0',
      httpPort: 0,
      udp: false,
    });
    expect(tracker.running, String(tracker.error)).toBe(true);
    const stats = (token: string) =>
      status(outside!, tracker.httpPort!, `/stats?token=${encodeURIComponent(token)}`);
    expect(await stats(a.host.token)).toBe(403);
    expect(await stats(a.statsToken)).toBe(200);

    const ui = (token: string) =>
      status('127.0.0.1', a.host.port, '/', { 'x-swarmscope-token': token });
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
