import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { decodeFrame, encodeFrame } from '../../../src-shared/wire-frame';
import { FakeEngine, fakeSummary, hexId } from '../test-support/fake-engine';
import { startWebHost, type WebHost } from './server';

let dir: string;
let engine: FakeEngine;
let host: WebHost;
const sockets: WebSocket[] = [];

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarmscope-web-'));
  fs.mkdirSync(path.join(dir, 'static', 'assets'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'static', 'index.html'), '<!doctype html><title>x</title>');
  fs.writeFileSync(path.join(dir, 'static', 'assets', 'app.js'), 'console.log(1)');
  fs.writeFileSync(path.join(dir, 'secret.txt'), 'do not serve');
  engine = new FakeEngine();
  host = await startWebHost({
    engine,
    port: 0,
    staticDir: path.join(dir, 'static'),
    uploadDir: path.join(dir, 'uploads'),
  });
});

afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  await host.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A raw request, so that Host and Origin can be anything. */
function get(pathname: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: host.port,
        path: pathname,
        headers: { host: `127.0.0.1:${host.port}`, ...headers },
        timeout: 5000,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

const auth = (): Record<string, string> => ({ 'x-swarmscope-token': host.token });

function open(headers: Record<string, string>, query = ''): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws${query}`, { headers });
    sockets.push(ws);
    const timer = setTimeout(() => reject(new Error('ws open timeout')), 5000);
    ws.on('open', () => {
      clearTimeout(timer);
      resolve(ws);
    });
    ws.on('unexpected-response', (_req, res) => {
      clearTimeout(timer);
      reject(new Error(`refused ${res.statusCode}`));
    });
    ws.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

const origin = (): string => `http://127.0.0.1:${host.port}`;
const goodWs = (): Promise<WebSocket> =>
  open({ origin: origin() }, `?token=${encodeURIComponent(host.token)}`);

/** Collects decoded messages; `next(pred)` waits (bounded) for a matching one. */
function inbox(ws: WebSocket) {
  const got: Record<string, unknown>[] = [];
  const waiters: (() => void)[] = [];
  ws.on('message', (data: Buffer) => {
    got.push(decodeFrame(new Uint8Array(data)) as Record<string, unknown>);
    for (const w of waiters.splice(0)) w();
  });
  return {
    got,
    async next(pred: (m: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
      for (let i = 0; i < 100; i++) {
        const hit = got.find(pred);
        if (hit) return hit;
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, 50);
          waiters.push(() => {
            clearTimeout(t);
            resolve();
          });
        });
      }
      throw new Error('no matching message within 5 s');
    },
  };
}

describe('web host HTTP', () => {
  it('requires the token on every request', async () => {
    expect((await get('/')).status).toBe(401);
    expect((await get('/assets/app.js')).status).toBe(401);
    expect((await get('/?token=wrong')).status).toBe(403);
    expect((await get('/', { 'x-swarmscope-token': 'x' + host.token })).status).toBe(403);
    const ok = await get('/', auth());
    expect(ok.status).toBe(200);
    expect(ok.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(ok.headers['content-security-policy']).toContain("default-src 'self'");
    expect(ok.headers['x-content-type-options']).toBe('nosniff');
  });

  it('trades the token in the URL for a cookie and a clean URL', async () => {
    const first = await get(new URL(host.url).pathname + new URL(host.url).search);
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/');
    const cookie = first.headers['set-cookie']?.[0] ?? '';
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    const page = await get('/assets/app.js', { cookie: cookie.split(';')[0]! });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/javascript; charset=utf-8');
  });

  it('refuses foreign Host and Origin headers (DNS rebinding)', async () => {
    expect((await get('/', { ...auth(), host: `evil.example:${host.port}` })).status).toBe(403);
    expect((await get('/', { ...auth(), host: '127.0.0.1:1' })).status).toBe(403);
    expect((await get('/', { ...auth(), host: `localhost:${host.port}` })).status).toBe(200);
    expect((await get('/', { ...auth(), origin: 'http://evil.example' })).status).toBe(403);
    expect((await get('/', { ...auth(), origin: origin() })).status).toBe(200);
  });

  it('never serves files outside the renderer folder', async () => {
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt']) {
      const r = await get(p, auth());
      expect([400, 404]).toContain(r.status);
      expect(r.body).not.toContain('do not serve');
    }
    expect((await get('/%E0%A4%A', auth())).status).toBe(400);
    expect((await get('/nope.js', auth())).status).toBe(404);
    expect((await get('/assets', auth())).status).toBe(404);
  });
});

describe('web host WebSocket', () => {
  it('refuses sockets without the token or from another origin', async () => {
    await expect(open({ origin: origin() })).rejects.toThrow(/401/);
    await expect(open({ origin: origin() }, '?token=nope')).rejects.toThrow(/403/);
    await expect(
      open({ origin: 'http://evil.example' }, `?token=${encodeURIComponent(host.token)}`),
    ).rejects.toThrow(/403/);
    await expect(open({}, `?token=${encodeURIComponent(host.token)}`)).rejects.toThrow(/403/);
    await expect(
      open({ origin: origin(), host: `rebind.example:${host.port}` }, `?token=${host.token}`),
    ).rejects.toThrow(/403/);
  });

  it('accepts the cookie as the token', async () => {
    const cookie = `swarmscope_token_${host.port}=${host.token}`;
    const ws = await open({ origin: origin(), cookie });
    expect(ws.readyState).toBe(WebSocket.OPEN);
  });

  it('answers requests, and errors with codes', async () => {
    const ws = await goodWs();
    const box = inbox(ws);
    const id = hexId(1);
    engine.torrents.set(id, fakeSummary(id, { name: 'débian.iso' }));
    ws.send(encodeFrame({ id: 1, name: 'sync.snapshot', payload: {} }));
    const snap = await box.next((m) => m.id === 1);
    expect(snap).toMatchObject({
      ok: true,
      result: { seq: 0, torrents: [{ name: 'débian.iso' }] },
    });
    ws.send(encodeFrame({ id: 'b', name: 'torrent.export', payload: { id: hexId(5) } }));
    expect(await box.next((m) => m.id === 'b')).toEqual({
      id: 'b',
      ok: false,
      error: { code: 'not-found', message: `no torrent ${hexId(5)}` },
    });
    ws.send(encodeFrame({ id: 3, name: 'rm -rf', payload: {} }));
    expect(await box.next((m) => m.id === 3)).toMatchObject({
      ok: false,
      error: { code: 'unknown-command' },
    });
  });

  it('answers garbage frames with errors and keeps serving', async () => {
    const ws = await goodWs();
    const box = inbox(ws);
    ws.send('{"id":1,"name":"sync.snapshot","payload":{}}');
    ws.send(Buffer.from([1, 2, 3]));
    ws.send(Buffer.from([5, 0, 0, 0, 123, 125, 125, 125, 125]));
    ws.send(encodeFrame([1, 2, 3]));
    ws.send(encodeFrame({ id: { x: 1 }, name: 'sync.snapshot' }));
    ws.send(encodeFrame({ id: 9, name: 42 }));
    ws.send(encodeFrame({ id: 10, name: 'torrent.add', payload: { torrentFile: 'AAAA' } }));
    await box.next((m) => m.id === 10);
    const errors = box.got.filter((m) => m.ok === false);
    expect(errors).toHaveLength(7);
    expect(errors.slice(0, 5).every((m) => m.id === null)).toBe(true);
    expect(errors[5]).toMatchObject({ id: 9, error: { code: 'bad-request' } });
    expect(errors[6]).toMatchObject({
      id: 10,
      error: { code: 'bad-request', message: 'torrent.add: torrentFile must be bytes' },
    });
    // Still serving, on this socket and on new ones.
    ws.send(encodeFrame({ id: 11, name: 'settings.get', payload: {} }));
    expect(await box.next((m) => m.id === 11)).toMatchObject({ ok: true });
    const again = await goodWs();
    const box2 = inbox(again);
    again.send(encodeFrame({ id: 1, name: 'tracker.status', payload: {} }));
    expect(await box2.next((m) => m.id === 1)).toMatchObject({ ok: true });
  });

  it('carries typed arrays both ways', async () => {
    const ws = await goodWs();
    const box = inbox(ws);
    const torrentFile = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 7) & 255);
    ws.send(encodeFrame({ id: 1, name: 'torrent.add', payload: { torrentFile } }));
    const added = await box.next((m) => m.id === 1);
    expect(added).toMatchObject({ ok: true });
    const input = engine.calls.find((c) => c.method === 'addTorrent')!.args[0] as {
      torrentFile: Uint8Array;
    };
    expect(input.torrentFile).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(input.torrentFile).equals(Buffer.from(torrentFile))).toBe(true);

    const id = (added.result as { id: string }).id;
    const states = Uint8Array.from({ length: 5000 }, (_, i) => i % 6);
    const availability = Uint16Array.from({ length: 5000 }, (_, i) => i * 13);
    engine.pieces.set(id, { states, availability });
    ws.send(encodeFrame({ id: 2, name: 'view.watch', payload: { id, topics: ['pieces'] } }));
    const update = await box.next((m) => m.event === 'view.update');
    const full = (
      update.payload as { pieces: { full: { states: unknown; availability: unknown } } }
    ).pieces.full;
    expect(full.states).toEqual(states);
    expect(full.availability).toBeInstanceOf(Uint16Array);
    expect(full.availability).toEqual(availability);

    ws.send(encodeFrame({ id: 3, name: 'torrent.export', payload: { id } }));
    const exported = await box.next((m) => m.id === 3);
    expect((exported.result as { torrentFile: unknown }).torrentFile).toBeInstanceOf(Uint8Array);
  });

  it('pushes coalesced sync deltas', async () => {
    const ws = await goodWs();
    const box = inbox(ws);
    ws.send(encodeFrame({ id: 1, name: 'torrent.add', payload: { path: '/x.torrent' } }));
    const delta = await box.next((m) => m.event === 'sync.delta');
    expect(delta.payload).toMatchObject({ seq: 1, upserts: [{ name: '/x.torrent' }], removed: [] });
  });

  it('stores uploads in the upload folder without overwriting', async () => {
    const ws = await goodWs();
    const box = inbox(ws);
    const bytes = new Uint8Array([1, 2, 3]);
    const chunk = { name: 'a.bin', size: 3, offset: 0, bytes };
    ws.send(encodeFrame({ id: 1, name: 'file.upload', payload: chunk }));
    ws.send(encodeFrame({ id: 2, name: 'file.upload', payload: chunk }));
    const one = (await box.next((m) => m.id === 1)).result as { path: string };
    const two = (await box.next((m) => m.id === 2)).result as { path: string };
    expect(new Set([path.basename(one.path), path.basename(two.path)])).toEqual(
      new Set(['a.bin', 'a (1).bin']),
    );
    expect(fs.readFileSync(one.path)).toEqual(Buffer.from(bytes));
    ws.send(encodeFrame({ id: 3, name: 'fs.list', payload: { path: path.join(dir, 'uploads') } }));
    const listing = (await box.next((m) => m.id === 3)).result as { entries: { name: string }[] };
    expect(listing.entries.map((e) => e.name)).toEqual(['a (1).bin', 'a.bin']);
  });

  it('stores an upload sent in chunks, and gives up one sent out of order (issue 16 item 8)', async () => {
    const ws = await goodWs();
    const box = inbox(ws);
    const whole = new Uint8Array(10_000).map((_, i) => i % 251);
    const part = (offset: number, end: number, uploadId?: string) => ({
      name: 'big.bin',
      size: whole.length,
      offset,
      bytes: whole.subarray(offset, end),
      ...(uploadId ? { uploadId } : {}),
    });
    ws.send(encodeFrame({ id: 1, name: 'file.upload', payload: part(0, 4000) }));
    const first = (await box.next((m) => m.id === 1)).result as { uploadId: string; path: null };
    expect(first.path).toBeNull();
    ws.send(encodeFrame({ id: 2, name: 'file.upload', payload: part(4000, 8000, first.uploadId) }));
    ws.send(
      encodeFrame({ id: 3, name: 'file.upload', payload: part(8000, 10_000, first.uploadId) }),
    );
    expect(((await box.next((m) => m.id === 2)).result as { path: unknown }).path).toBeNull();
    const last = (await box.next((m) => m.id === 3)).result as { path: string };
    expect(fs.readFileSync(last.path)).toEqual(Buffer.from(whole));

    ws.send(encodeFrame({ id: 4, name: 'file.upload', payload: part(0, 4000) }));
    const again = (await box.next((m) => m.id === 4)).result as { uploadId: string };
    ws.send(encodeFrame({ id: 5, name: 'file.upload', payload: part(6000, 8000, again.uploadId) }));
    expect(await box.next((m) => m.id === 5)).toMatchObject({
      ok: false,
      error: { code: 'bad-request' },
    });
    expect(fs.readdirSync(path.join(dir, 'uploads'))).not.toContain('big (1).bin');
  });

  it('closes a socket that sends an oversized frame and keeps serving others', async () => {
    const small = await startWebHost({
      engine,
      port: 0,
      staticDir: path.join(dir, 'static'),
      maxMessageBytes: 1024,
    });
    try {
      const url = `ws://127.0.0.1:${small.port}/ws?token=${encodeURIComponent(small.token)}`;
      const connect = (): Promise<WebSocket> =>
        new Promise((resolve, reject) => {
          const ws = new WebSocket(url, { headers: { origin: `http://127.0.0.1:${small.port}` } });
          sockets.push(ws);
          ws.once('open', () => resolve(ws));
          ws.once('error', reject);
        });
      const big = await connect();
      const closed = new Promise<number>((resolve) => big.once('close', (code) => resolve(code)));
      big.send(
        encodeFrame({
          id: 1,
          name: 'torrent.inspect',
          payload: { torrentFile: new Uint8Array(4096) },
        }),
      );
      expect(await closed).toBe(1009);
      const next = await connect();
      const box = inbox(next);
      next.send(encodeFrame({ id: 1, name: 'settings.get', payload: {} }));
      expect(await box.next((m) => m.id === 1)).toMatchObject({ ok: true });
    } finally {
      await small.close();
    }
  });

  it('caps every message at maxMessageBytes, uploads included (issue 16 item 8)', async () => {
    // Issue 16 item 8: one message could reach 257 MiB; uploads now come in small chunks.
    const capped = await startWebHost({
      engine,
      port: 0,
      staticDir: path.join(dir, 'static'),
      uploadDir: path.join(dir, 'uploads'),
      maxMessageBytes: 1024,
    });
    try {
      const url = `ws://127.0.0.1:${capped.port}/ws?token=${encodeURIComponent(capped.token)}`;
      const connect = (): Promise<WebSocket> =>
        new Promise((resolve, reject) => {
          const ws = new WebSocket(url, { headers: { origin: `http://127.0.0.1:${capped.port}` } });
          sockets.push(ws);
          ws.once('open', () => resolve(ws));
          ws.once('error', reject);
        });
      const closeCode = (ws: WebSocket): Promise<number> =>
        new Promise((resolve) => ws.once('close', (code) => resolve(code)));
      const bytes = new Uint8Array(4096).fill(7);

      for (const [name, payload] of [
        ['file.upload', { name: 'b.bin', size: bytes.length, offset: 0, bytes }],
        ['torrent.inspect', { torrentFile: bytes }],
      ] as const) {
        const ws = await connect();
        const closed = closeCode(ws);
        ws.send(encodeFrame({ id: 1, name, payload }));
        expect(await closed).toBe(1009);
      }

      // Small messages of any command still pass.
      const small = await connect();
      const box = inbox(small);
      small.send(encodeFrame({ id: 2, name: 'settings.get', payload: {} }));
      expect(await box.next((m) => m.id === 2)).toMatchObject({ ok: true });
    } finally {
      await capped.close();
    }
  });

  it('closes the socket bridge with the socket', async () => {
    const ws = await goodWs();
    const before = engine.listenerCount();
    expect(before).toBeGreaterThan(0);
    ws.close();
    for (let i = 0; i < 100 && engine.listenerCount() > 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(engine.listenerCount()).toBe(0);
  });
});
