/**
 * The web host: an HTTP server for the built renderer and a WebSocket at /ws carrying the same
 * contract as Electron IPC (docs/ARCHITECTURE.md section 1).
 *
 * Protocol on the socket (binary frames, see src-shared/wire-frame.ts):
 *   client -> host  { id, name, payload }
 *   host -> client  { id, ok: true, result } | { id, ok: false, error: { code, message } }
 *                   { event, payload }
 *
 * Invariants:
 * - Every HTTP request and every upgrade passes `checkRequest` (Host, Origin, token).
 * - A bad frame gets an error reply (id null when it cannot be read); it never closes the
 *   host, and it only closes the socket when the socket itself misbehaves (oversized frame).
 * - No message exceeds `maxMessageBytes` (issue 16 item 8): uploads come in chunks of
 *   `maxUploadChunkBytes`, so nothing needs more.
 * - Each socket has its own event bridge, closed with the socket.
 * - When a socket is slow, events that can be recovered (deltas, view updates) are dropped
 *   instead of queued without bound; the seq gap makes the client take a new snapshot.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { EventName, Events } from '../../../src-shared/contract';
import type { ErrorPayload } from '../../../src-shared/model';
import { maxTorrentFileBytes } from '../../../src-shared/validate';
import { decodeFrame, encodeFrame } from '../../../src-shared/wire-frame';
import type { EngineApi } from '../../engine';
import { systemClock, type Clock } from '../../engine';
import { createDispatcher, toErrorPayload, type Handlers } from '../api';
import { createEventBridge } from '../event-bridge';
import { createFileHandlers } from '../host-files';
import { checkRequest, generateToken, tokenCookieName, tokenQueryParam } from './security';
import { readStatic } from './static-files';
// --- swarm lab (issue 19) ---
import { labHandlers, type LabHost } from '../../lab';

/**
 * The largest message (issue 16 item 8): a .torrent at its cap plus JSON room for a million
 * skipped file indices; an upload chunk is far smaller. A bigger one closes the socket (1009).
 */
export const maxMessageBytes = maxTorrentFileBytes + 8 * 1024 * 1024;
/** Requests one socket may have in flight; more are refused, not queued. */
export const maxInflightPerSocket = 64;
/** Above this many unsent bytes on a socket, droppable events are dropped. */
export const maxBufferedBytes = 8 * 1024 * 1024;
/** Request ids are echoed back; a long one is refused. */
const maxRequestIdChars = 64;

export interface WebHostOptions {
  engine: EngineApi;
  /** Address to bind; 127.0.0.1 by default. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Generated when absent. */
  token?: string;
  /** The built renderer (out/renderer). */
  staticDir: string;
  /** Where `file.upload` stores files; uploads are refused when absent. */
  uploadDir?: string;
  clock?: Clock;
  /** Largest message accepted (tests lower it); `maxMessageBytes` by default. */
  maxMessageBytes?: number;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  // --- swarm lab (issue 19) ---
  /** The swarm lab this host serves (lab.* commands, lab.state events); none when absent. */
  lab?: LabHost;
}

export interface WebHost {
  /** The URL to open, with the token, e.g. http://127.0.0.1:8080/?token=... */
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

function contentSecurityPolicy(port: number): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join('; ');
}

const droppableEvents = new Set<EventName>(['sync.delta', 'view.update', 'tracker.stats']);

export async function startWebHost(opts: WebHostOptions): Promise<WebHost> {
  const boundHost = opts.host ?? '127.0.0.1';
  const token = opts.token ?? generateToken();
  const clock = opts.clock ?? systemClock;
  const log = opts.log ?? (() => undefined);
  const engine = opts.engine;
  let port = 0;

  const files = opts.uploadDir
    ? createFileHandlers({
        uploadDir: opts.uploadDir,
        startDir: () => engine.getSettings().downloadDir,
      })
    : null;
  const hostHandlers: Partial<Handlers> = files
    ? { 'fs.list': files['fs.list'], 'file.upload': files['file.upload'] }
    : {};
  if (opts.lab) Object.assign(hostHandlers, labHandlers(opts.lab)); // --- swarm lab (issue 19)

  const securityHeaders = (): Record<string, string> => ({
    'content-security-policy': contentSecurityPolicy(port),
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
  });

  const refuse = (res: http.ServerResponse, status: number, reason: string): void => {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...securityHeaders() });
    res.end(`${status} ${reason}\n`);
  };

  async function onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://placeholder');
    const verdict = checkRequest(req, url, { boundHost, port, token, requireOrigin: false });
    if (!verdict.ok) return refuse(res, verdict.status, verdict.reason);
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return refuse(res, 405, 'method not allowed');
    if (url.searchParams.has(tokenQueryParam)) {
      // Trade the token in the URL for a cookie, and drop it from the address bar and history.
      const cookie = `${tokenCookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`;
      url.searchParams.delete(tokenQueryParam);
      res.writeHead(303, {
        location: url.pathname + url.search,
        'set-cookie': cookie,
        'cache-control': 'no-store',
        ...securityHeaders(),
      });
      res.end();
      return;
    }
    const found = await readStatic(opts.staticDir, url.pathname);
    if (found.kind === 'bad-path') return refuse(res, 400, 'bad path');
    if (found.kind === 'not-found') return refuse(res, 404, 'not found');
    res.writeHead(200, {
      'content-type': found.type,
      'content-length': String(found.body.length),
      'cache-control': path.basename(found.file) === 'index.html' ? 'no-store' : 'max-age=3600',
      ...securityHeaders(),
    });
    res.end(req.method === 'HEAD' ? undefined : found.body);
  }

  const server = http.createServer((req, res) => {
    onRequest(req, res).catch((err: unknown) => {
      log('error', `http ${req.url ?? ''}: ${toErrorPayload(err).message}`);
      if (!res.headersSent) refuse(res, 500, 'internal error');
      else res.destroy();
    });
  });

  const wss = new WebSocketServer({
    server,
    path: '/ws',
    // ws closes a socket whose message is over this (1009) before buffering all of it.
    maxPayload: opts.maxMessageBytes ?? maxMessageBytes,
    verifyClient: (info, done) => {
      const url = new URL(info.req.url ?? '/', 'http://placeholder');
      const verdict = checkRequest(info.req, url, { boundHost, port, token, requireOrigin: true });
      if (verdict.ok) done(true);
      else done(false, verdict.status, verdict.reason);
    },
  });

  wss.on('connection', (ws) => serveSocket(ws));

  function serveSocket(ws: WebSocket): void {
    let inflight = 0;
    const send = (message: unknown): void => {
      if (ws.readyState !== ws.OPEN) return;
      ws.send(encodeFrame(message), { binary: true });
    };
    const emit = <K extends EventName>(name: K, payload: Events[K]): void => {
      if (droppableEvents.has(name) && ws.bufferedAmount > maxBufferedBytes) return;
      send({ event: name, payload });
    };
    const bridge = createEventBridge(engine, emit, clock);
    const dispatch = createDispatcher(engine, bridge, hostHandlers);
    const replyError = (id: string | number | null, error: ErrorPayload): void =>
      send({ id, ok: false, error });

    ws.on('message', (data, isBinary) => {
      if (!isBinary) {
        replyError(null, { code: 'bad-request', message: 'frames must be binary' });
        return;
      }
      const bytes = Array.isArray(data)
        ? Buffer.concat(data)
        : data instanceof ArrayBuffer
          ? new Uint8Array(data)
          : data;
      let message: unknown;
      try {
        message = decodeFrame(bytes);
      } catch (err) {
        replyError(null, toErrorPayload(err));
        return;
      }
      const { id, name, payload } = (message ?? {}) as Record<string, unknown>;
      const idOk =
        (typeof id === 'number' && Number.isSafeInteger(id)) ||
        (typeof id === 'string' && id.length > 0 && id.length <= maxRequestIdChars);
      if (!idOk || typeof message !== 'object' || Array.isArray(message)) {
        replyError(null, {
          code: 'bad-request',
          message: 'a request is { id, name, payload } with a number or short string id',
        });
        return;
      }
      const requestId = id as string | number;
      if (typeof name !== 'string') {
        replyError(requestId, { code: 'bad-request', message: 'name must be a string' });
        return;
      }
      if (inflight >= maxInflightPerSocket) {
        replyError(requestId, { code: 'bad-request', message: 'too many requests in flight' });
        return;
      }
      inflight += 1;
      dispatch(name, payload)
        .then(
          (result) => send({ id: requestId, ok: true, result: result ?? null }),
          (err: unknown) => replyError(requestId, toErrorPayload(err)),
        )
        .catch((err: unknown) => {
          // Encoding the reply failed (a result JSON cannot carry): report it as internal.
          replyError(requestId, { code: 'internal', message: toErrorPayload(err).message });
        })
        .finally(() => {
          inflight -= 1;
        });
    });
    ws.on('error', (err) => log('warn', `ws: ${err.message}`));
    // --- swarm lab (issue 19) ---
    const unsubscribeLab = opts.lab?.subscribe((lab) => emit('lab.state', { lab }));
    ws.on('close', () => {
      bridge.close();
      unsubscribeLab?.();
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: boundHost, port: opts.port ?? 0 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (err) => log('error', `http server: ${err.message}`));
  port = (server.address() as AddressInfo).port;
  const urlHost = boundHost.includes(':')
    ? `[${boundHost}]`
    : boundHost === '0.0.0.0'
      ? '127.0.0.1'
      : boundHost;
  let closing: Promise<void> | null = null;

  return {
    url: `http://${urlHost}:${port}/?${tokenQueryParam}=${token}`,
    port,
    token,
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const ws of wss.clients) ws.terminate();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }).then(() => files?.closeUploads());
      return closing;
    },
  };
}
