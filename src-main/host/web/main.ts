/**
 * Entry of out/web/server.js: the engine plus the web host, for a browser instead of Electron.
 *
 *   node out/web/server.js [--port 8080] [--host 127.0.0.1] [--data-dir DIR]
 *                          [--download-dir DIR] [--listen-port N] [--token T]
 *
 * Prints exactly one line on stdout, `Swarmscope web UI: <url with token>`, once it serves;
 * everything else goes to stderr and the log file. Stops cleanly on SIGINT and SIGTERM.
 */
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Session } from '../../engine/session';
import { startWebHost, type WebHost } from './server';
import { generateToken } from './security';

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

  // One token for the UI and for the embedded tracker's /stats off loopback.
  const token = values.token ?? generateToken();
  const session = await Session.open({
    dataDir,
    trackerStatsToken: token,
    downloadDir: values['download-dir'] ? path.resolve(values['download-dir']) : undefined,
    listenPort,
  });
  const log = (level: 'info' | 'warn' | 'error', message: string): void =>
    session.logger.log(level, 'web', message);

  let host: WebHost;
  const common = {
    engine: session,
    host: values.host,
    token,
    staticDir,
    uploadDir: path.join(dataDir, 'uploads'),
    log,
  };
  try {
    host = await startWebHost({ ...common, port: webPort });
  } catch (err) {
    const taken = (err as { code?: unknown }).code === 'EADDRINUSE';
    if (!taken || values.port !== undefined) {
      await session.close();
      throw err;
    }
    process.stderr.write(`port ${webPort} is taken; using a free port instead\n`);
    host = await startWebHost({ ...common, port: 0 });
  }
  process.stdout.write(`Swarmscope web UI: ${host.url}\n`);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`${signal}: stopping\n`);
    host
      .close()
      .then(() => session.close())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          process.stderr.write(
            `stop failed: ${err instanceof Error ? err.message : String(err)}\n`,
          );
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
