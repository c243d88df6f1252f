/**
 * HTTP(S) tracker requests (BEP 3 announce, BEP 48 scrape) over node:http/https.
 * Invariants: every request ends within `timeoutMs` (a timer aborts it, redirects included),
 * the body read is bounded by `maxBytes`, at most TRACKER_HTTP_MAX_REDIRECTS redirects are
 * followed and only to http(s) URLs, a response yields at most
 * TRACKER_CLIENT_MAX_PEERS_PER_RESPONSE peers, and the only rejection is a TrackerRequestError.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { TRACKER_CLIENT_MAX_PEERS_PER_RESPONSE, TRACKER_HTTP_MAX_REDIRECTS } from '../../limits';
import type { Clock } from '../../time/clock';
import { TrackerProtocolError } from '../codec/errors';
import { buildAnnounceUrl, buildScrapeUrl, scrapeUrlFor } from '../codec/http-query';
import type { AnnounceRequest } from '../codec/announce-request';
import { decodeAnnounceResponse, decodeScrapeResponse } from '../codec/http-response';
import type { AnnounceSuccess, ScrapeEntry } from '../codec/http-response';
import { TrackerRequestError } from './errors';

export interface HttpTransportOptions {
  clock: Clock;
  timeoutMs: number;
  maxBytes: number;
  userAgent: string;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** GET `url`, following redirects; resolves with the body of the final 200 answer. */
export async function httpGet(
  url: string,
  opts: HttpTransportOptions,
  signal: AbortSignal,
  operation: string,
): Promise<Uint8Array> {
  const deadline = opts.clock.now() + opts.timeoutMs;
  let current = url;
  for (let redirects = 0; ; redirects++) {
    const timeoutMs = Math.max(0, deadline - opts.clock.now());
    const r = await getOnce(current, { ...opts, timeoutMs }, signal, operation);
    if (r.location === undefined) return r.body;
    if (redirects >= TRACKER_HTTP_MAX_REDIRECTS) {
      throw new TrackerRequestError(
        'http-status',
        operation,
        `more than ${TRACKER_HTTP_MAX_REDIRECTS} redirects (last to ${r.location.slice(0, 200)})`,
      );
    }
    let next: URL;
    try {
      next = new URL(r.location, current);
    } catch (err) {
      throw new TrackerRequestError('protocol', operation, 'redirect to a bad URL', err);
    }
    if (next.protocol !== 'http:' && next.protocol !== 'https:')
      throw new TrackerRequestError('unsupported', operation, `redirect to ${next.protocol} URL`);
    current = next.href;
  }
}

type Answer = { body: Uint8Array; location?: undefined } | { location: string };

function getOnce(
  url: string,
  opts: HttpTransportOptions,
  signal: AbortSignal,
  operation: string,
): Promise<Answer> {
  return new Promise<Answer>((resolve, reject) => {
    let settled = false;
    let u: URL;
    try {
      u = new URL(url);
    } catch (err) {
      reject(new TrackerRequestError('unsupported', operation, `bad URL ${url}`, err));
      return;
    }
    const request =
      u.protocol === 'https:' ? httpsRequest : u.protocol === 'http:' ? httpRequest : null;
    if (!request) {
      reject(new TrackerRequestError('unsupported', operation, `not an http(s) URL: ${url}`));
      return;
    }
    const req = request(u, {
      method: 'GET',
      agent: false,
      headers: { 'User-Agent': opts.userAgent, 'Accept-Encoding': 'identity', Connection: 'close' },
    });
    const finish = (err: TrackerRequestError | null, answer?: Answer): void => {
      if (settled) return;
      settled = true;
      timer.cancel();
      signal.removeEventListener('abort', onAbort);
      if (err) {
        req.destroy();
        reject(err);
      } else {
        resolve(answer as Answer);
      }
    };
    const timer = opts.clock.setTimeout(
      () =>
        finish(
          new TrackerRequestError('timeout', operation, `no answer within ${opts.timeoutMs} ms`),
        ),
      opts.timeoutMs,
    );
    const onAbort = (): void =>
      finish(new TrackerRequestError('cancelled', operation, 'cancelled'));
    // Before any destroy: a request destroyed with no 'error' listener takes the process down
    // (a signal already aborted, e.g. a stop's deadline passed while it waited for a slot).
    req.on('error', (err) =>
      finish(new TrackerRequestError('network', operation, err.message, err)),
    );
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    req.on('response', (res: IncomingMessage) => {
      const location = res.headers.location;
      if (REDIRECT_STATUSES.has(res.statusCode ?? 0) && location !== undefined) {
        res.resume();
        req.destroy();
        finish(null, { location });
        return;
      }
      if (res.statusCode !== 200) {
        res.resume();
        finish(new TrackerRequestError('http-status', operation, `HTTP ${res.statusCode ?? '?'}`));
        return;
      }
      const declared = Number(res.headers['content-length'] ?? 0);
      if (declared > opts.maxBytes) {
        finish(new TrackerRequestError('too-large', operation, `response of ${declared} bytes`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > opts.maxBytes) {
          finish(
            new TrackerRequestError('too-large', operation, `response over ${opts.maxBytes} bytes`),
          );
          return;
        }
        chunks.push(chunk);
      });
      res.on('error', (err) =>
        finish(new TrackerRequestError('network', operation, err.message, err)),
      );
      res.on('end', () => finish(null, { body: Buffer.concat(chunks) }));
    });
    req.end();
  });
}

function decodeOrFail<T>(fn: () => T, operation: string): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof TrackerProtocolError)
      throw new TrackerRequestError('protocol', operation, err.message, err);
    throw err;
  }
}

export async function httpAnnounce(
  url: string,
  params: AnnounceRequest,
  opts: HttpTransportOptions,
  signal: AbortSignal,
): Promise<AnnounceSuccess> {
  const op = 'http announce';
  const body = await httpGet(buildAnnounceUrl(url, params), opts, signal, op);
  const r = decodeOrFail(
    () => decodeAnnounceResponse(body, TRACKER_CLIENT_MAX_PEERS_PER_RESPONSE),
    op,
  );
  if (r.kind === 'failure') throw new TrackerRequestError('failure-reason', op, r.reason);
  return r;
}

/** BEP 48 scrape of one torrent; the scrape URL is derived from the announce URL. */
export async function httpScrape(
  announceUrl: string,
  infoHash: Uint8Array,
  opts: HttpTransportOptions,
  signal: AbortSignal,
): Promise<ScrapeEntry> {
  const op = 'http scrape';
  const base = scrapeUrlFor(announceUrl);
  if (!base) throw new TrackerRequestError('unsupported', op, 'tracker has no scrape URL');
  const body = await httpGet(buildScrapeUrl(base, [infoHash]), opts, signal, op);
  const r = decodeOrFail(() => decodeScrapeResponse(body), op);
  if (r.kind === 'failure') throw new TrackerRequestError('failure-reason', op, r.reason);
  const entry = r.files.find((f) => Buffer.from(f.infoHash).equals(Buffer.from(infoHash)));
  return entry ?? { infoHash, complete: 0, incomplete: 0, downloaded: 0 };
}
