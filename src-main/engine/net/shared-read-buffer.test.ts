import net from 'node:net';
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { seededRandom } from '../time/clock';
import { SHARED_READ_BUFFER_BYTES, dialShared } from './shared-read-buffer';

const servers: net.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise<void>((r) => s.close(() => r()));
});

/** A loopback server that writes `payload` to each connection and ends it. */
async function sender(payload: Uint8Array): Promise<number> {
  const server = net.createServer((s) => s.end(payload));
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return (server.address() as net.AddressInfo).port;
}

function sha(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

/** Dials and collects what the reader sees, copying each volatile chunk. */
function largest(parts: Buffer[]): number {
  return parts.reduce((m, p) => Math.max(m, p.length), 0);
}

function collect(
  port: number,
  attachAfterMs: number,
): Promise<{ bytes: Buffer; reads: number; largest: number }> {
  const { socket, reads } = dialShared('127.0.0.1', port);
  const parts: Buffer[] = [];
  const attach = (): void => reads.attach((chunk) => parts.push(Buffer.from(chunk)));
  if (attachAfterMs === 0) attach();
  else setTimeout(attach, attachAfterMs);
  return new Promise((resolve, reject) => {
    socket.on('error', reject);
    socket.on('end', () => {
      // 'end' can come before a late attach: wait for it, then read the whole stream.
      const finish = (): void => {
        socket.destroy();
        resolve({ bytes: Buffer.concat(parts), reads: parts.length, largest: largest(parts) });
      };
      if (attachAfterMs === 0) finish();
      else setTimeout(finish, attachAfterMs + 20);
    });
  });
}

describe('dialShared', () => {
  it('delivers every byte in order to two sockets reading into the one buffer at once', async () => {
    const a = seededRandom(1).bytes(24 * 1024 * 1024);
    const b = seededRandom(2).bytes(5 * 1024 * 1024 + 17);
    const [pa, pb] = await Promise.all([sender(a), sender(b)]);
    const [ra, rb] = await Promise.all([collect(pa, 0), collect(pb, 0)]);
    expect(sha(ra.bytes)).toBe(sha(a));
    expect(sha(rb.bytes)).toBe(sha(b));
    // Reads of at most the shared buffer's size.
    expect(ra.largest).toBeLessThanOrEqual(SHARED_READ_BUFFER_BYTES);
    expect(rb.largest).toBeLessThanOrEqual(SHARED_READ_BUFFER_BYTES);
    expect(ra.reads).toBeGreaterThanOrEqual(Math.ceil(a.length / SHARED_READ_BUFFER_BYTES));
  });

  it('holds bytes that arrive before a reader is attached and hands them over first', async () => {
    const payload = seededRandom(3).bytes(300_000);
    const port = await sender(payload);
    const r = await collect(port, 50);
    expect(sha(r.bytes)).toBe(sha(payload));
  });

  it('keeps undelivered held bytes, in order, for the next reader when one detaches mid-way', async () => {
    const payload = seededRandom(4).bytes(300_000);
    const port = await sender(payload);
    const { socket, reads } = dialShared('127.0.0.1', port);
    await new Promise<void>((resolve) => socket.once('end', () => resolve()));
    const parts: Buffer[] = [];
    // The first reader takes one held chunk and detaches; the second gets the rest.
    reads.attach((chunk) => {
      parts.push(Buffer.from(chunk));
      reads.attach(null);
    });
    expect(parts).toHaveLength(1);
    reads.attach((chunk) => parts.push(Buffer.from(chunk)));
    socket.destroy();
    expect(sha(Buffer.concat(parts))).toBe(sha(payload));
  });
});
