/**
 * The HTTP front of the embedded tracker: `GET /announce` (BEP 3, BEP 23, BEP 7), `GET /scrape`
 * (BEP 48) and `GET /stats` (JSON). It parses, calls the core and serialises; nothing else.
 *
 * Invariants:
 * - A malformed announce or scrape gets a bencoded `failure reason` with status 200 (what
 *   clients read), broken HTTP gets a 4xx from MiniHttpServer; each is counted by reason.
 * - Request heads, timeouts, connections and unread output are bounded (see mini-http.ts).
 * - The peer's address comes from the socket; `ip=` only counts when the operator allows it.
 * - `/stats` answers loopback clients, and others only with the configured token; and only
 *   when the Host header names us by an IP literal, `localhost` or the configured host, so a
 *   page on a rebound DNS name (DNS rebinding) cannot read it through a browser.
 */
import { timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import {
  TRACKER_HTTP_HEADERS_TIMEOUT_MS,
  TRACKER_HTTP_KEEP_ALIVE_MS,
  TRACKER_HTTP_MAX_CONNECTIONS,
  TRACKER_HTTP_MAX_HEADER_BYTES,
  TRACKER_HTTP_MAX_PENDING_WRITE_BYTES,
  TRACKER_MAX_SCRAPE_HASHES,
} from '../../limits';
import { TrackerProtocolError } from '../codec/errors';
import { parseAnnounceQuery, parseScrapeQuery } from '../codec/http-query';
import {
  compactAnnounceResponse,
  encodeAnnounceResponse,
  encodeFailure,
  encodeScrapeResponse,
} from '../codec/http-response';
import { MiniHttpServer } from './mini-http';
import type { MiniHttpRequest, MiniHttpResponse } from './mini-http';
import type { TrackerCore } from './tracker-core';

export interface HttpFrontOptions {
  core: TrackerCore;
  /** `/stats` JSON (computed on demand). */
  statsJson: () => unknown;
  /** Required as `?token=` for `/stats` from a non-loopback address; none means loopback only. */
  statsToken?: string;
  /** The host the tracker was configured with (bind address or name); also a valid Host. */
  configuredHost: string;
}

const TEXT = 'text/plain';

export function isLoopback(address: string): boolean {
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

/**
 * Whether a Host header names this tracker as `/stats` allows: an IP literal (a rebinding
 * page's requests carry its own DNS name, never a literal), `localhost`, or the configured
 * host. The port is not checked: the socket already decided it.
 */
export function isAllowedStatsHost(host: string | null, configuredHost: string): boolean {
  if (host === null || host.length === 0) return false;
  let name: string;
  if (host.startsWith('[')) {
    const close = host.indexOf(']');
    if (close < 0) return false;
    name = host.slice(1, close);
    const rest = host.slice(close + 1);
    if (rest !== '' && !/^:[0-9]{1,5}$/.test(rest)) return false;
    return isIP(name) === 6;
  }
  const colon = host.indexOf(':');
  name = (colon >= 0 ? host.slice(0, colon) : host).toLowerCase();
  if (colon >= 0 && !/^[0-9]{1,5}$/.test(host.slice(colon + 1))) return false;
  return (
    isIP(name) === 4 ||
    name === 'localhost' ||
    (configuredHost.length > 0 && name === configuredHost.toLowerCase())
  );
}

function tokenMatches(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch (err) {
    if (err instanceof URIError) return '';
    throw err;
  }
}

export class HttpFront {
  private readonly server: MiniHttpServer;

  constructor(private readonly opts: HttpFrontOptions) {
    this.server = new MiniHttpServer({
      clock: opts.core.clock,
      handler: (req) => this.handle(req),
      onBadRequest: (reason, detail) => opts.core.reject(reason, detail),
      onError: (err) => opts.core.log('error', `http front: ${err.message}`),
      maxHeadBytes: TRACKER_HTTP_MAX_HEADER_BYTES,
      headTimeoutMs: TRACKER_HTTP_HEADERS_TIMEOUT_MS,
      idleTimeoutMs: TRACKER_HTTP_KEEP_ALIVE_MS,
      maxConnections: TRACKER_HTTP_MAX_CONNECTIONS,
      maxPendingWriteBytes: TRACKER_HTTP_MAX_PENDING_WRITE_BYTES,
    });
  }

  /** Binds; resolves with the bound port, rejects with the bind error (e.g. EADDRINUSE). */
  listen(host: string, port: number): Promise<number> {
    return this.server.listen(host, port);
  }

  close(): Promise<void> {
    return this.server.close();
  }

  /** --- IPv6 (issue 18): why the wildcard's IPv6 socket could not listen, or null. */
  get v6Error(): string | null {
    return this.server.v6Error;
  }

  private handle(req: MiniHttpRequest): MiniHttpResponse {
    const q = req.target.indexOf('?');
    const path = q >= 0 ? req.target.slice(0, q) : req.target;
    const query = q >= 0 ? req.target.slice(q + 1) : '';
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      this.opts.core.reject('http-method', req.method);
      return { status: 405, contentType: TEXT, body: '' };
    }
    switch (path) {
      case '/announce':
        return this.announce(req, query);
      case '/scrape':
        return this.scrape(query);
      case '/stats':
        return this.stats(req, query);
      default:
        this.opts.core.reject('http-not-found', path.slice(0, 64));
        return { status: 404, contentType: TEXT, body: '' };
    }
  }

  private failure(reason: string): MiniHttpResponse {
    return { status: 200, contentType: TEXT, body: encodeFailure(reason) };
  }

  private announce(req: MiniHttpRequest, query: string): MiniHttpResponse {
    const core = this.opts.core;
    let parsed;
    try {
      parsed = parseAnnounceQuery(query);
    } catch (err) {
      if (!(err instanceof TrackerProtocolError)) throw err;
      core.reject(err.field ? `bad-${err.field}` : 'bad-announce', err.message);
      return this.failure(err.message.replace(/^parse announce: /, ''));
    }
    const result = core.announce(parsed, req.remoteAddress, 'http', parsed.compact === false);
    if (!result.ok) return this.failure(result.message);
    // BEP 23: compact unless the client explicitly asked otherwise.
    if (result.peers === null) {
      const body = compactAnnounceResponse(result);
      return { status: 200, contentType: TEXT, body };
    }
    const body = encodeAnnounceResponse(
      {
        intervalSec: result.intervalSec,
        minIntervalSec: result.minIntervalSec,
        complete: result.complete,
        incomplete: result.incomplete,
        downloaded: result.downloaded,
        peers: result.peers,
      },
      { compact: false, noPeerId: parsed.noPeerId },
    );
    return { status: 200, contentType: TEXT, body };
  }

  private scrape(query: string): MiniHttpResponse {
    let hashes;
    try {
      hashes = parseScrapeQuery(query, TRACKER_MAX_SCRAPE_HASHES);
    } catch (err) {
      if (!(err instanceof TrackerProtocolError)) throw err;
      this.opts.core.reject(
        err.code === 'too-large' ? 'scrape-too-large' : 'bad-scrape',
        err.message,
      );
      return this.failure(err.message.replace(/^parse scrape: /, ''));
    }
    return {
      status: 200,
      contentType: TEXT,
      body: encodeScrapeResponse(this.opts.core.scrape(hashes)),
    };
  }

  private stats(req: MiniHttpRequest, query: string): MiniHttpResponse {
    if (!isAllowedStatsHost(req.host, this.opts.configuredHost)) {
      this.opts.core.reject('stats-bad-host', (req.host ?? '(none)').slice(0, 64));
      return { status: 403, contentType: TEXT, body: '' };
    }
    if (!isLoopback(req.remoteAddress)) {
      const token = /(?:^|&)token=([^&]*)/.exec(query)?.[1];
      const expected = this.opts.statsToken;
      if (
        !expected ||
        token === undefined ||
        !tokenMatches(decodeURIComponentSafe(token), expected)
      ) {
        this.opts.core.reject('stats-forbidden', req.remoteAddress);
        return { status: 403, contentType: TEXT, body: '' };
      }
    }
    return {
      status: 200,
      contentType: 'application/json',
      extraHeaders: 'Cache-Control: no-store\r\n',
      body: Buffer.from(JSON.stringify(this.opts.statsJson()), 'utf8'),
    };
  }
}
