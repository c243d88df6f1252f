/**
 * One bounded HTTP/1.1 exchange with a router (a device description GET, a SOAP POST).
 *
 * Invariants: the whole exchange (connect, send, read) ends within `timeoutMs` on the injected
 * clock; an answer over UPNP_MAX_HTTP_BYTES is cut off and fails; no redirects are followed; no
 * connection is kept (agent: false). Failures reject with NatError.
 */
import http from 'node:http';
import { UPNP_MAX_HTTP_BYTES } from '../limits';
import type { Clock } from '../time/clock';
import { NatError } from './nat-error';

export interface HttpAnswer {
  status: number;
  body: string;
  /** Our address on the connection: the LAN address the router sees, for NewInternalClient. */
  localAddress: string;
}

export interface HttpExchange {
  url: URL;
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

export function httpExchange(
  req: HttpExchange,
  clock: Clock,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<HttpAnswer> {
  if (signal?.aborted) return Promise.reject(new NatError('closed'));
  return new Promise((resolve, reject) => {
    let done = false;
    const onAbort = (): void => finish(new NatError('closed'));
    const body = req.body === undefined ? undefined : Buffer.from(req.body, 'utf8');
    const finish = (err: Error | null, answer?: HttpAnswer): void => {
      if (done) return;
      done = true;
      timer.cancel();
      signal?.removeEventListener('abort', onAbort);
      if (err) {
        request.destroy();
        reject(err instanceof NatError ? err : new NatError(err.message));
      } else resolve(answer!);
    };
    const request = http.request({
      host: req.url.hostname.replace(/^\[|\]$/g, ''),
      port: req.url.port === '' ? 80 : Number(req.url.port),
      path: `${req.url.pathname}${req.url.search}`,
      method: req.method,
      agent: false,
      headers: {
        ...(req.headers ?? {}),
        ...(body ? { 'Content-Length': String(body.length) } : {}),
        Connection: 'close',
      },
    });
    const timer = clock.setTimeout(
      () =>
        finish(new NatError(`the router did not answer ${req.method} ${req.url.pathname} in time`)),
      timeoutMs,
    );
    signal?.addEventListener('abort', onAbort);
    request.on('error', (err) => finish(err));
    request.on('response', (res) => {
      const declared = Number(res.headers['content-length'] ?? 0);
      if (declared > UPNP_MAX_HTTP_BYTES) {
        finish(new NatError(`the router's answer is ${declared} bytes, over the cap`));
        return;
      }
      const localAddress = (res.socket?.localAddress ?? '').replace(/^::ffff:/, '');
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > UPNP_MAX_HTTP_BYTES) {
          finish(new NatError("the router's answer is over the size cap"));
          return;
        }
        chunks.push(chunk);
      });
      res.on('error', (err) => finish(err));
      res.on('end', () =>
        finish(null, {
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks).toString('utf8'),
          localAddress,
        }),
      );
    });
    request.end(body);
  });
}
