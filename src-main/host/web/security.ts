/**
 * The web host's request checks (docs/ARCHITECTURE.md section 2: validate at the boundary):
 * a random access token on every request, compared in constant time, and Host and Origin
 * checks against DNS rebinding.
 *
 * Invariants: a request passes only when its Host names this server (a loopback name, the bound
 * address, or an IP literal when bound to all interfaces) with our port, its Origin (when sent;
 * always required for WebSockets) is that same origin, and it carries the token.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const tokenQueryParam = 'token';
export const tokenHeader = 'x-swarmscope-token';

/** Cookies ignore ports, so the name carries ours: two hosts on one machine keep apart. */
export function tokenCookieName(port: number): string {
  return `swarmscope_token_${port}`;
}

/** 24 random bytes: 192 bits, URL-safe. */
export function generateToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Compares in constant time, also across lengths (both sides are hashed first). */
export function tokensEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    out.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return out;
}

/** The token a request carries: header, then query parameter, then cookie. */
export function tokenOf(req: IncomingMessage, url: URL, port: number): string | null {
  const header = req.headers[tokenHeader];
  if (typeof header === 'string' && header.length > 0) return header;
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && auth.startsWith('Bearer ')) return auth.slice(7);
  const query = url.searchParams.get(tokenQueryParam);
  if (query) return query;
  return parseCookies(req.headers.cookie).get(tokenCookieName(port)) ?? null;
}

const wildcardHosts = new Set(['0.0.0.0', '::', '']);
const loopbackNames = new Set(['localhost', '127.0.0.1', '[::1]']);

function isIpLiteral(hostname: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(hostname) || /^\[[0-9a-f:.]+\]$/i.test(hostname);
}

/** Host header check against DNS rebinding: a name resolving to us must not be trusted. */
export function hostAllowed(hostHeader: string | undefined, boundHost: string, port: number) {
  if (!hostHeader) return false;
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(hostHeader.toLowerCase());
  if (!m) return false;
  const hostname = m[1] ?? '';
  if (m[2] === undefined || Number(m[2]) !== port) return false;
  if (loopbackNames.has(hostname)) return true;
  const bound = boundHost.includes(':') ? `[${boundHost.toLowerCase()}]` : boundHost.toLowerCase();
  if (hostname === bound) return true;
  return wildcardHosts.has(boundHost) && isIpLiteral(hostname);
}

/** Same-origin check: the Origin, when present, must be http://<the Host we accepted>. */
export function originAllowed(origin: string | undefined, hostHeader: string | undefined) {
  if (origin === undefined) return true;
  return hostHeader !== undefined && origin.toLowerCase() === `http://${hostHeader.toLowerCase()}`;
}

export type Verdict =
  | { ok: true; tokenFrom: 'cookie' | 'other' }
  | { ok: false; status: 400 | 401 | 403; reason: string };

export interface CheckOptions {
  boundHost: string;
  port: number;
  token: string;
  /** WebSockets must send an Origin; browsers always do. */
  requireOrigin: boolean;
}

export function checkRequest(req: IncomingMessage, url: URL, opts: CheckOptions): Verdict {
  const host = req.headers.host;
  if (!hostAllowed(host, opts.boundHost, opts.port)) {
    return { ok: false, status: 403, reason: 'unexpected Host header' };
  }
  const origin = req.headers.origin;
  if (opts.requireOrigin && origin === undefined) {
    return { ok: false, status: 403, reason: 'missing Origin header' };
  }
  if (!originAllowed(origin, host)) return { ok: false, status: 403, reason: 'cross-origin' };
  const given = tokenOf(req, url, opts.port);
  if (given === null) return { ok: false, status: 401, reason: 'access token required' };
  if (!tokensEqual(given, opts.token)) {
    return { ok: false, status: 403, reason: 'wrong access token' };
  }
  const fromCookie =
    req.headers[tokenHeader] === undefined &&
    req.headers.authorization === undefined &&
    !url.searchParams.has(tokenQueryParam);
  return { ok: true, tokenFrom: fromCookie ? 'cookie' : 'other' };
}
