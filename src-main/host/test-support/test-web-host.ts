/**
 * A web host over a fake engine, serving an empty static folder, for tests on either side of
 * the WebSocket (the renderer's client tests use it without touching Node built-ins).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EngineApi } from '../../engine';
import { startWebHost, type WebHost } from '../web/server';

export interface TestWebHost {
  host: WebHost;
  /** Stops the host, then starts it again on the same port with the same token. */
  restart(onStopped?: () => Promise<void>): Promise<WebHost>;
  close(): Promise<void>;
}

export async function startTestWebHost(engine: EngineApi): Promise<TestWebHost> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarmscope-wsc-'));
  try {
    const first = await startWebHost({ engine, port: 0, staticDir: dir });
    const t: TestWebHost = {
      host: first,
      async restart(onStopped) {
        const { port, token } = t.host;
        await t.host.close();
        await onStopped?.();
        t.host = await startWebHost({ engine, port, token, staticDir: dir });
        return t.host;
      },
      async close() {
        await t.host.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
    return t;
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
