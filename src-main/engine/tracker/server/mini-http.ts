/**
 * A deliberately small HTTP/1.x server for the tracker's GET-only endpoints, on node:net.
 *
 * Why not node:http: on the bench machine node:http tops out near 17k requests/s before any
 * tracker work, a third of opentracker; tracker requests are one short GET line, so a strict
 * subset parser is both faster and easier to bound.
 *
 * What it accepts: `METHOD SP target SP HTTP/1.0|HTTP/1.1 CRLF headers CRLF CRLF`, pipelined or
 * kept alive. Requests with a body (Content-Length > 0 or Transfer-Encoding) are refused with
 * 400 and the connection closes: no body parsing, so no request smuggling.
 *
 * Invariants:
 * - A request head is at most `maxHeadBytes` (431 beyond), must be complete within
 *   `headTimeoutMs` of its first byte (408), and an idle connection closes after `idleTimeoutMs`.
 * - Unread responses are bounded: a client that pipelines without reading is cut off.
 * - Every malformed request is reported through `onBadRequest` and answered or dropped; nothing
 *   a client sends throws out of this module.
 */
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import type { Clock } from '../../time/clock';
import { listenPlan } from '../../net/ip-address';

export interface MiniHttpRequest {
  method: string;
  /** The raw request target, e.g. `/announce?info_hash=...`. */
  target: string;
  remoteAddress: string;
  /** The Host header's value; null when absent, '' when it was sent more than once. */
  host: string | null;
}

export interface MiniHttpResponse {
  status: number;
  contentType: string;
  /** Bytes, or a latin1 string of bytes (sent without an intermediate Buffer). */
  body: Uint8Array | string;
  /** Extra header lines, each ending in CRLF. */
  extraHeaders?: string;
}

export type BadRequestReason =
  'http-malformed' | 'http-head-too-large' | 'http-timeout' | 'http-body';

export interface MiniHttpOptions {
  clock: Clock;
  handler: (req: MiniHttpRequest) => MiniHttpResponse;
  onBadRequest: (reason: BadRequestReason, detail: string) => void;
  onError: (err: Error) => void;
  maxHeadBytes: number;
  headTimeoutMs: number;
  idleTimeoutMs: number;
  maxConnections: number;
  /** A client with more unread response bytes than this is cut off. */
  maxPendingWriteBytes: number;
}

const REASONS: Record<number, string> = {
  200: 'OK',
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
  505: 'HTTP Version Not Supported',
};

const HEAD_END = Buffer.from('\r\n\r\n');
const MAX_HEADER_LINES = 100;

interface Conn {
  socket: Socket;
  pending: Buffer | null;
  /** When the first byte of the request being received arrived (for the head deadline). */
  headStartedAt: number;
  /** A final response was written: whatever else arrives is ignored. */
  done: boolean;
}

export class MiniHttpServer {
  private server: Server | null = null;
  /** --- IPv6 (issue 18): the v6 socket beside the v4 one for the wildcard host. */
  private server6: Server | null = null;
  /** Why the wildcard's IPv6 socket could not listen; null when it did (or was not asked). */
  v6Error: string | null = null;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly opts: MiniHttpOptions) {}

  /**
   * Listens on `host:port`. IPv6 (issue 18): the wildcard listens on both stacks, with an
   * IPv6-only socket on the port the v4 one got (see net/ip-address.ts `listenPlan`); when
   * IPv6 cannot be had the v4 socket serves alone and `v6Error` says why.
   */
  async listen(host: string, port: number): Promise<number> {
    const plan = listenPlan(host);
    this.v6Error = null;
    const bound = await this.bindOne((plan.v4 ?? plan.v6) as string, port, false, (server) => {
      this.server = server;
    });
    if (plan.v4 && plan.v6) {
      await this.bindOne(plan.v6, bound, true, (server) => {
        this.server6 = server;
      }).catch((err: unknown) => {
        this.v6Error = err instanceof Error ? err.message : String(err);
      });
    }
    return bound;
  }

  private bindOne(
    host: string,
    port: number,
    ipv6Only: boolean,
    keep: (server: Server) => void,
  ): Promise<number> {
    const server = createServer({ noDelay: true }, (socket) => this.accept(socket));
    server.maxConnections = this.opts.maxConnections;
    return new Promise<number>((resolve, reject) => {
      const onError = (err: Error): void => {
        server.off('listening', onListening);
        reject(err);
      };
      const onListening = (): void => {
        server.off('error', onError);
        server.on('error', (err) => this.opts.onError(err));
        keep(server);
        const addr = server.address();
        resolve(typeof addr === 'object' && addr ? addr.port : port);
      };
      server.once('error', onError);
      server.once('listening', onListening);
      server.listen({ port, host, ipv6Only });
    });
  }

  async close(): Promise<void> {
    const servers = [this.server, this.server6].filter((x): x is Server => x !== null);
    this.server = null;
    this.server6 = null;
    if (servers.length === 0) return;
    const closed = Promise.all(
      servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
    );
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await closed;
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    const conn: Conn = { socket, pending: null, headStartedAt: 0, done: false };
    socket.setTimeout(this.opts.idleTimeoutMs);
    socket.on('timeout', () => {
      if (conn.pending) this.opts.onBadRequest('http-timeout', 'idle mid-request');
      socket.destroy();
    });
    socket.on('data', (chunk: Buffer) => this.onData(conn, chunk));
    socket.on('end', () => {
      if (conn.done) return;
      if (conn.pending && conn.pending.length > 0) {
        this.opts.onBadRequest('http-malformed', 'connection ended mid-request');
        this.fail(conn, 400);
      } else {
        socket.end();
      }
    });
    // Resets and aborted writes are the client's business; the socket is closed either way.
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.sockets.delete(socket));
  }

  private fail(conn: Conn, status: number): void {
    conn.pending = null;
    conn.done = true;
    const s = conn.socket;
    if (s.writable)
      s.end(
        `HTTP/1.1 ${status} ${REASONS[status] ?? ''}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
      );
    s.destroySoon();
  }

  private onData(conn: Conn, chunk: Buffer): void {
    if (conn.done || conn.socket.destroyed) return;
    let buf: Buffer;
    if (conn.pending) {
      buf = Buffer.concat([conn.pending, chunk]);
    } else {
      buf = chunk;
      conn.headStartedAt = this.opts.clock.now();
    }
    let offset = 0;
    for (;;) {
      const end = buf.indexOf(HEAD_END, offset);
      if (end < 0) break;
      if (end - offset > this.opts.maxHeadBytes) break; // reported below as too large
      const keepOpen = this.request(conn, buf.toString('latin1', offset, end));
      offset = end + 4;
      if (!keepOpen) return;
      conn.headStartedAt = this.opts.clock.now();
    }
    const rest = buf.length - offset;
    if (rest === 0) {
      conn.pending = null;
      return;
    }
    if (rest > this.opts.maxHeadBytes) {
      this.opts.onBadRequest('http-head-too-large', `${rest} bytes without end of head`);
      this.fail(conn, 431);
      return;
    }
    if (this.opts.clock.now() - conn.headStartedAt > this.opts.headTimeoutMs) {
      this.opts.onBadRequest('http-timeout', 'request head too slow');
      this.fail(conn, 408);
      return;
    }
    conn.pending = offset === 0 ? buf : buf.subarray(offset);
  }

  /** Handles one request head; false when the connection is done. */
  private request(conn: Conn, head: string): boolean {
    const lineEnd = head.indexOf('\r\n');
    const line = lineEnd < 0 ? head : head.slice(0, lineEnd);
    const sp1 = line.indexOf(' ');
    const sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
    if (sp1 <= 0 || sp2 < 0 || line.indexOf(' ', sp2 + 1) >= 0) {
      this.opts.onBadRequest('http-malformed', 'bad request line');
      this.fail(conn, 400);
      return false;
    }
    const method = line.slice(0, sp1);
    const target = line.slice(sp1 + 1, sp2);
    const version = line.slice(sp2 + 1);
    if (!/^[A-Z]{1,16}$/.test(method) || target.length === 0 || target.charCodeAt(0) !== 0x2f) {
      this.opts.onBadRequest('http-malformed', 'bad method or target');
      this.fail(conn, 400);
      return false;
    }
    if (version !== 'HTTP/1.1' && version !== 'HTTP/1.0') {
      this.opts.onBadRequest('http-malformed', 'bad version');
      this.fail(conn, version.startsWith('HTTP/') ? 505 : 400);
      return false;
    }
    let keepAlive = version === 'HTTP/1.1';
    let host: string | null = null;
    if (lineEnd >= 0) {
      let pos = lineEnd + 2;
      for (let n = 0; pos < head.length; n++) {
        if (n >= MAX_HEADER_LINES) {
          this.opts.onBadRequest('http-head-too-large', 'too many header lines');
          this.fail(conn, 431);
          return false;
        }
        let next = head.indexOf('\r\n', pos);
        if (next < 0) next = head.length;
        const colon = head.indexOf(':', pos);
        if (colon <= pos || colon > next) {
          this.opts.onBadRequest('http-malformed', 'bad header line');
          this.fail(conn, 400);
          return false;
        }
        const name = head.slice(pos, colon).toLowerCase();
        // RFC 9112: more than one Host is an error; '' matches no allowed name.
        if (name === 'host') host = host === null ? head.slice(colon + 1, next).trim() : '';
        else if (
          name === 'connection' ||
          name === 'content-length' ||
          name === 'transfer-encoding'
        ) {
          const value = head
            .slice(colon + 1, next)
            .trim()
            .toLowerCase();
          if (name === 'connection') {
            if (value === 'close') keepAlive = false;
            else if (value === 'keep-alive') keepAlive = true;
          } else if (name === 'transfer-encoding' || value !== '0') {
            this.opts.onBadRequest('http-body', `${name}: ${value.slice(0, 32)}`);
            this.fail(conn, 400);
            return false;
          }
        }
        pos = next + 2;
      }
    }
    const res = this.opts.handler({
      method,
      target,
      remoteAddress: conn.socket.remoteAddress ?? '',
      host,
    });
    const headText =
      `HTTP/1.1 ${res.status} ${REASONS[res.status] ?? ''}\r\nContent-Type: ${res.contentType}\r\n` +
      `Content-Length: ${res.body.length}\r\n${res.extraHeaders ?? ''}${keepAlive ? '' : 'Connection: close\r\n'}\r\n`;
    let out: Buffer | string;
    if (method === 'HEAD') out = headText;
    else if (typeof res.body === 'string') out = headText + res.body;
    else {
      out = Buffer.allocUnsafe(headText.length + res.body.length);
      out.write(headText, 0, 'latin1');
      out.set(res.body, headText.length);
    }
    const s = conn.socket;
    if (!keepAlive) {
      conn.done = true;
      if (typeof out === 'string') s.end(out, 'latin1');
      else s.end(out);
      return false;
    }
    if (typeof out === 'string') s.write(out, 'latin1');
    else s.write(out);
    if (s.writableLength > this.opts.maxPendingWriteBytes) {
      conn.done = true;
      s.destroy();
      return false;
    }
    return true;
  }
}
