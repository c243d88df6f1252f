/**
 * The HTTP front of the embedded tracker: `GET /announce` (BEP 3, BEP 23, BEP 7), `GET /scrape`
 * (BEP 48) and `GET /stats` (JSON). It parses, calls the core and serialises; nothing else.
 *
 * Invariants:
 * - A malformed request is answered (a bencoded `failure reason` with status 200, as clients
 *   expect, or a 4xx for broken HTTP) and counted; it never throws out of a handler.
 * - The request head is bounded (431 beyond it), connections have timeouts, and the number of
 *   connections is capped, so a hostile client costs bounded memory.
 * - The peer's address comes from the socket; `ip=` only counts when the operator allows it.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import {
  TRACKER_HTTP_HEADERS_TIMEOUT_MS,
  TRACKER_HTTP_KEEP_ALIVE_MS,
  TRACKER_HTTP_MAX_CONNECTIONS,
  TRACKER_HTTP_MAX_HEADER_BYTES,
  TRACKER_MAX_SCRAPE_HASHES,
} from '../../limits';
import { TrackerProtocolError } from '../codec/errors';
import { parseAnnounceQuery, parseScrapeQuery } from '../codec/http-query';
import {
  encodeAnnounceResponse,
  encodeFailure,
  encodeScrapeResponse,
} from '../codec/http-response';
import type { TrackerCore } from './tracker-core';

export interface HttpFrontOptions {
  core: TrackerCore;
  /** `/stats` JSON (computed on demand). */
  statsJson: () => unknown;
  /** Required as `?token=` for `/stats` from a non-loopback address; none means loopback only. */
  statsToken?: string;
}

const TEXT_HEADERS = { 'Content-Type': 'text/plain' } as const;

function isLoopback(address: string | undefined): boolean {
  return (
    address === '127.0.0.1' ||
    address === '::1' ||
    (address?.startsWith('::ffff:127.') ?? false) ||
    (address?.startsWith('127.') ?? false)
  );
}

function tokenMatches(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export class HttpFront {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly opts: HttpFrontOptions) {}

  /** Binds; resolves with the bound port, rejects with the bind error (e.g. EADDRINUSE). */
  listen(host: string, port: number): Promise<number> {
    const server = createServer(
      {
        maxHeaderSize: TRACKER_HTTP_MAX_HEADER_BYTES,
        headersTimeout: TRACKER_HTTP_HEADERS_TIMEOUT_MS,
        requestTimeout: TRACKER_HTTP_HEADERS_TIMEOUT_MS,
        keepAliveTimeout: TRACKER_HTTP_KEEP_ALIVE_MS,
      },
      (req, res) => this.handle(req, res),
    );
    server.maxConnections = TRACKER_HTTP_MAX_CONNECTIONS;
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
      const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
      // A reset or timeout of an idle keep-alive connection is not a bad request.
      if (err.code !== 'ECONNRESET' && err.code !== 'ERR_HTTP_REQUEST_TIMEOUT') {
        this.opts.core.reject(tooLarge ? 'http-head-too-large' : 'http-malformed', err.code);
      }
      if (socket.writable) {
        socket.end(
          tooLarge
            ? 'HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\nContent-Length: 0\r\n\r\n'
            : 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n',
        );
      }
      socket.destroy();
    });
    this.server = server;
    return new Promise<number>((resolve, reject) => {
      const onError = (err: Error): void => {
        server.off('listening', onListening);
        reject(err);
      };
      const onListening = (): void => {
        server.off('error', onError);
        server.on('error', (err) => this.opts.core.log('error', `http front: ${err.message}`));
        const addr = server.address();
        resolve(typeof addr === 'object' && addr ? addr.port : port);
      };
      server.once('error', onError);
      server.once('listening', onListening);
      server.listen(port, host);
    });
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await closed;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q >= 0 ? url.slice(0, q) : url;
    const query = q >= 0 ? url.slice(q + 1) : '';
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      this.opts.core.reject('http-method', req.method);
      this.send(res, 405, TEXT_HEADERS, '');
      return;
    }
    switch (path) {
      case '/announce':
        this.announce(req, res, query);
        return;
      case '/scrape':
        this.scrape(res, query);
        return;
      case '/stats':
        this.stats(req, res, query);
        return;
      default:
        this.opts.core.reject('http-not-found', path.slice(0, 64));
        this.send(res, 404, TEXT_HEADERS, '');
    }
  }

  private send(
    res: ServerResponse,
    status: number,
    headers: Record<string, string>,
    body: Uint8Array | string,
  ): void {
    const len = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
    res.writeHead(status, { ...headers, 'Content-Length': String(len) });
    res.end(body);
  }

  private failure(res: ServerResponse, reason: string): void {
    this.send(res, 200, TEXT_HEADERS, encodeFailure(reason));
  }

  private announce(req: IncomingMessage, res: ServerResponse, query: string): void {
    const core = this.opts.core;
    let parsed;
    try {
      parsed = parseAnnounceQuery(query);
    } catch (err) {
      if (!(err instanceof TrackerProtocolError)) throw err;
      core.reject(err.field ? `bad-${err.field}` : 'bad-announce', err.message);
      this.failure(res, err.message.replace(/^parse announce: /, ''));
      return;
    }
    const result = core.announce(parsed, req.socket.remoteAddress ?? '', 'http');
    if (!result.ok) {
      this.failure(res, result.message);
      return;
    }
    // BEP 23: compact unless the client explicitly asked otherwise.
    const compact = parsed.compact !== false;
    const body = encodeAnnounceResponse(
      {
        intervalSec: result.intervalSec,
        minIntervalSec: result.minIntervalSec,
        complete: result.complete,
        incomplete: result.incomplete,
        downloaded: result.downloaded,
        peers: result.peers,
      },
      { compact, noPeerId: parsed.noPeerId },
    );
    this.send(res, 200, TEXT_HEADERS, body);
  }

  private scrape(res: ServerResponse, query: string): void {
    let hashes;
    try {
      hashes = parseScrapeQuery(query, TRACKER_MAX_SCRAPE_HASHES);
    } catch (err) {
      if (!(err instanceof TrackerProtocolError)) throw err;
      this.opts.core.reject(
        err.code === 'too-large' ? 'scrape-too-large' : 'bad-scrape',
        err.message,
      );
      this.failure(res, err.message.replace(/^parse scrape: /, ''));
      return;
    }
    this.send(res, 200, TEXT_HEADERS, encodeScrapeResponse(this.opts.core.scrape(hashes)));
  }

  private stats(req: IncomingMessage, res: ServerResponse, query: string): void {
    if (!isLoopback(req.socket.remoteAddress)) {
      const token = /(?:^|&)token=([^&]*)/.exec(query)?.[1];
      const expected = this.opts.statsToken;
      if (
        !expected ||
        token === undefined ||
        !tokenMatches(decodeURIComponentSafe(token), expected)
      ) {
        this.opts.core.reject('stats-forbidden', req.socket.remoteAddress);
        this.send(res, 403, TEXT_HEADERS, '');
        return;
      }
    }
    this.send(
      res,
      200,
      { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' },
      JSON.stringify(this.opts.statsJson()),
    );
  }
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch (err) {
    if (err instanceof URIError) return '';
    throw err;
  }
}
