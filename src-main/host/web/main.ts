/**
 * Entry of out/web/server.js: the engine plus the web host, for a browser instead of Electron.
 *
 *   node out/web/server.js [--port 8080] [--host 127.0.0.1] [--data-dir DIR]
 *                          [--download-dir DIR] [--listen-port N] [--token T]
 *                          [--stats-token S]
 *
 * Prints exactly one line on stdout, `Swarmscope web UI: <url with token>`, once it serves;
 * everything else goes to stderr and the log file (the embedded tracker's separate /stats token
 * goes to stderr only, never to the log). Stops cleanly on SIGINT and SIGTERM.
 */
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startWebApp } from './web-app';

/** The default web port; when taken, any free port is used instead. */
const defaultWebPort = 8080;

function defaultDataDir(): string {
  const base = process.env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share');
  return path.join(base, 'swarmscope');
}

function parsePort(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new Error(`${flag} must be a port number (0..65535), got ${value}`);
  }
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      'data-dir': { type: 'string' },
      'download-dir': { type: 'string' },
      'listen-port': { type: 'string' },
      token: { type: 'string' },
      'stats-token': { type: 'string' },
    },
    strict: true,
  });
  const webPort = parsePort(values.port, '--port', defaultWebPort);
  const listenPort =
    values['listen-port'] === undefined
      ? undefined
      : parsePort(values['listen-port'], '--listen-port', 0);
  const dataDir = path.resolve(values['data-dir'] ?? defaultDataDir());
  const here = path.dirname(fileURLToPath(import.meta.url));
  const staticDir = path.resolve(here, '..', 'renderer');

  // The UI token and the tracker's /stats token are separate secrets (issue 16 item 9).
  const app = await startWebApp({
    dataDir,
    staticDir,
    downloadDir: values['download-dir'] ? path.resolve(values['download-dir']) : undefined,
    listenPort,
    host: values.host,
    port: webPort,
    fallbackToFreePort: values.port === undefined,
    token: values.token,
    statsToken: values['stats-token'],
    portMapping: true, // --- port mapping (issue 18): as on the desktop; the setting switches it
    onPortTaken: (port) =>
      process.stderr.write(`port ${port} is taken; using a free port instead\n`),
  });
  process.stdout.write(`Swarmscope web UI: ${app.host.url}\n`);
  process.stderr.write(`embedded tracker /stats token (off loopback): ${app.statsToken}\n`);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`${signal}: stopping\n`);
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`stop failed: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(`swarmscope web: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
