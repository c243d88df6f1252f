import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../time/clock';
import { httpAnnounce } from './http-transport';

describe('httpAnnounce', () => {
  // Issue 20: a stop whose deadline passed while it waited for an announce slot starts its
  // request with the signal already aborted; that destroyed the request before its 'error'
  // listener was on, and the "socket hang up" it emitted ended the process.
  it('rejects as cancelled, and emits nothing unhandled, when the signal is already aborted', async () => {
    let hits = 0;
    const server = createServer((_req, res) => {
      hits++;
      res.end('d8:intervali60e5:peers0:e');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const unhandled: unknown[] = [];
    const onError = (err: unknown): void => void unhandled.push(err);
    process.on('uncaughtException', onError);
    try {
      const request = {
        infoHash: new Uint8Array(20).fill(1),
        peerId: new Uint8Array(20).fill(2),
        port: 6881,
        uploaded: 0,
        downloaded: 0,
        left: 0,
        event: 'stopped' as const,
        numwant: 0,
        compact: true,
        noPeerId: false,
        key: '1',
        trackerId: null,
        ip: null,
      };
      const opts = { clock: systemClock, timeoutMs: 2_000, maxBytes: 4096, userAgent: 't' };
      await expect(
        httpAnnounce(`http://127.0.0.1:${port}/announce`, request, opts, AbortSignal.abort()),
      ).rejects.toMatchObject({ code: 'cancelled' });
      // Long enough for the destroyed request's error to be emitted.
      await new Promise((r) => setTimeout(r, 50));
      expect(unhandled).toEqual([]);
      expect(hits).toBe(0);
    } finally {
      process.off('uncaughtException', onError);
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
