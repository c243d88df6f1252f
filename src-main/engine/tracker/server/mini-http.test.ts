import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, systemClock } from '../../time/clock';
import { MiniHttpServer } from './mini-http';
import type { BadRequestReason } from './mini-http';
import { rawHttp } from './testing/loopback';

const servers: MiniHttpServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function start(clock = new ManualClock()) {
  const bad: BadRequestReason[] = [];
  const server = new MiniHttpServer({
    clock,
    handler: (req) => ({
      status: 200,
      contentType: 'text/plain',
      body: `${req.method} ${req.target}`,
    }),
    onBadRequest: (reason) => bad.push(reason),
    onError: (err) => {
      throw err;
    },
    maxHeadBytes: 1024,
    headTimeoutMs: 10_000,
    idleTimeoutMs: 5_000,
    maxConnections: 10,
    maxPendingWriteBytes: 64 * 1024,
  });
  servers.push(server);
  const port = await server.listen('127.0.0.1', 0);
  return { port, bad, clock };
}

describe('MiniHttpServer', () => {
  it('answers pipelined requests in order and keeps HTTP/1.1 alive', async () => {
    const { port } = await start();
    const out = await rawHttp(
      port,
      'GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b?x=1 HTTP/1.1\r\n\r\n',
      500,
    );
    expect(out.match(/HTTP\/1\.1 200 OK/g)).toHaveLength(2);
    expect(out).toMatch(/GET \/a[\s\S]*GET \/b\?x=1$/);
    expect(out).not.toMatch(/Connection: close/);
  });

  it('closes after an HTTP/1.0 request or Connection: close, and sends no body for HEAD', async () => {
    const { port } = await start();
    expect(await rawHttp(port, 'GET /a HTTP/1.0\r\n\r\n')).toMatch(
      /Connection: close\r\n\r\nGET \/a$/,
    );
    const head = await rawHttp(port, 'HEAD /a HTTP/1.1\r\nConnection: close\r\n\r\n');
    expect(head).toMatch(/Content-Length: 7\r\nConnection: close\r\n\r\n$/);
  });

  it('refuses bodies, bad request lines, bad versions and oversized heads, and reports each', async () => {
    const { port, bad } = await start();
    expect(await rawHttp(port, 'GET /a HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello')).toMatch(
      /^HTTP\/1\.1 400/,
    );
    expect(
      await rawHttp(port, 'GET /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'),
    ).toMatch(/^HTTP\/1\.1 400/);
    expect(await rawHttp(port, 'GET  /a HTTP/1.1\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
    expect(await rawHttp(port, 'get /a HTTP/1.1\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
    expect(await rawHttp(port, 'GET a HTTP/1.1\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
    expect(await rawHttp(port, 'GET /a HTTP/2.0\r\n\r\n')).toMatch(/^HTTP\/1\.1 505/);
    expect(await rawHttp(port, 'GET /a HTTP/1.1\r\nNoColon\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
    expect(await rawHttp(port, `GET /${'a'.repeat(2000)} HTTP/1.1\r\n\r\n`)).toMatch(
      /^HTTP\/1\.1 431/,
    );
    expect(await rawHttp(port, `GET /a HTTP/1.1\r\n${'X: 1\r\n'.repeat(150)}\r\n`)).toMatch(
      /^HTTP\/1\.1 431/,
    );
    expect(await rawHttp(port, 'GET /a HTTP/1.1\r\nHost')).toMatch(/^HTTP\/1\.1 400/);
    expect(bad).toEqual([
      'http-body',
      'http-body',
      'http-malformed',
      'http-malformed',
      'http-malformed',
      'http-malformed',
      'http-malformed',
      'http-head-too-large',
      'http-head-too-large',
      'http-malformed',
    ]);
  });

  it('gives a slow request head 408 once its deadline has passed', async () => {
    const { port, bad, clock } = await start();
    const socket = connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    socket.on('data', (c: Buffer) => received.push(c));
    const closed = new Promise<void>((r) => socket.on('close', () => r()));
    socket.write('GET /a HTTP/1.1\r\n');
    await new Promise<void>((r) => systemClock.setTimeout(r, 50));
    clock.advance(10_001);
    socket.write('Host: x\r\n');
    await closed;
    expect(Buffer.concat(received).toString()).toMatch(/^HTTP\/1\.1 408/);
    expect(bad).toEqual(['http-timeout']);
  });
});
