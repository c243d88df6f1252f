/**
 * The renderer's WebSocket client against the real web host (with a fake engine), over a real
 * socket on 127.0.0.1: requests, typed arrays, error codes, events and reconnection.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket as NodeWebSocket } from 'ws';
import type { WebHost } from '../../src-main/host/web/server';
import { startTestWebHost, type TestWebHost } from '../../src-main/host/test-support/test-web-host';
import { FakeEngine, fakeSummary, hexId } from '../../src-main/host/test-support/fake-engine';
import { ApiError } from './api-error';
import { socketUrl, WsClient } from './ws-client';

let testHost: TestWebHost;
let engine: FakeEngine;
let host: WebHost;
const clients: WsClient[] = [];

/** Node 20 has no global WebSocket; give the client the ws package's, with our Origin. */
class OriginWebSocket extends NodeWebSocket {
  constructor(url: string) {
    super(url, { headers: { origin: `http://127.0.0.1:${new URL(url).port}` } });
  }
}

beforeEach(async () => {
  (globalThis as { WebSocket?: unknown }).WebSocket = OriginWebSocket;
  engine = new FakeEngine();
  testHost = await startTestWebHost(engine);
  host = testHost.host;
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await testHost.close();
  delete (globalThis as { WebSocket?: unknown }).WebSocket;
});

function client(requestTimeoutMs = 5000): WsClient {
  const url = `ws://127.0.0.1:${host.port}/ws?token=${encodeURIComponent(host.token)}`;
  const c = new WsClient({ url, requestTimeoutMs, maxBackoffMs: 100 });
  clients.push(c);
  return c;
}

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('WsClient', () => {
  it('invokes commands, with typed arrays, queued until the socket opens', async () => {
    const c = client();
    const { id } = await c.invoke('torrent.add', { torrentFile: new Uint8Array([1, 2, 3]) });
    expect(id).toBe(hexId(1));
    const exported = await c.invoke('torrent.export', { id });
    expect(exported.torrentFile).toBeInstanceOf(Uint8Array);
    const snap = await c.invoke('sync.snapshot', {});
    expect(snap.torrents.map((t) => t.id)).toEqual([id]);
  });

  it('rejects with ApiError carrying the host code', async () => {
    const c = client();
    const err = await c.invoke('torrent.export', { id: hexId(9) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('not-found');
    const bad: unknown = await c
      .invoke('torrent.pause', { ids: ['nope'] })
      .catch((e: unknown) => e);
    expect((bad as ApiError).code).toBe('bad-request');
  });

  it('delivers events and reconnects after the socket drops', async () => {
    const c = client();
    const statuses: string[] = [];
    c.onConnection((s) => statuses.push(s));
    const seqs: number[] = [];
    c.on('sync.delta', (d) => seqs.push(d.seq));
    await c.invoke('settings.get', {});
    engine.torrents.set(hexId(1), fakeSummary(hexId(1)));
    engine.emit('torrent-changed', hexId(1));
    await until(() => seqs.length === 1, 'a delta');

    // Restart the host on the same port with the same token: the client comes back by itself.
    host = await testHost.restart(() => until(() => statuses.includes('closed'), 'the close'));
    await until(() => statuses.filter((s) => s === 'open').length === 2, 'the reconnect');
    expect((await c.invoke('tracker.status', {})).running).toBe(false);
  });

  it('times out requests the host never answers', async () => {
    const url = `ws://127.0.0.1:1/ws`;
    const c = new WsClient({ url, requestTimeoutMs: 100, maxBackoffMs: 50 });
    clients.push(c);
    const err: unknown = await c.invoke('settings.get', {}).catch((e: unknown) => e);
    expect((err as ApiError).code).toBe('io');
  });
});

describe('socketUrl', () => {
  it('takes the token from the hash or the query, else relies on the cookie', () => {
    const base = { protocol: 'http:', host: '127.0.0.1:8080', hash: '', search: '' };
    expect(socketUrl(base)).toBe('ws://127.0.0.1:8080/ws');
    expect(socketUrl({ ...base, hash: '#token=a b' })).toBe('ws://127.0.0.1:8080/ws?token=a%20b');
    expect(socketUrl({ ...base, search: '?token=xyz' })).toBe('ws://127.0.0.1:8080/ws?token=xyz');
    expect(socketUrl({ ...base, protocol: 'https:' })).toBe('wss://127.0.0.1:8080/ws');
  });
});
