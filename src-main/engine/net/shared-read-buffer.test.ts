import net from 'node:net';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { seededRandom } from '../time/clock';
import { READ_TURN_BUDGET_BYTES, SHARED_READ_BUFFER_BYTES, dialShared } from './shared-read-buffer';

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

  it('hands readers plain Uint8Array views, whose subarrays are cheap (issue 20)', async () => {
    const port = await sender(seededRandom(5).bytes(100_000));
    const { socket, reads } = dialShared('127.0.0.1', port);
    const kinds: boolean[] = [];
    reads.attach((chunk) => kinds.push(Buffer.isBuffer(chunk)));
    await new Promise<void>((resolve) => socket.once('end', () => resolve()));
    socket.destroy();
    expect(kinds.length).toBeGreaterThan(0);
    expect(kinds.every((isBuffer) => !isBuffer)).toBe(true);
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

// --- issue 20: a turn of the event loop takes a bounded number of bytes ---

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.pid) process.kill(c.pid);
});

/**
 * A sender in its own process (so it refills our socket while we are busy, as a real seeder
 * does): serves `mib` MiB of a counting pattern to one connection, then exits. Resolves its port.
 */
async function senderProcess(mib: number): Promise<number> {
  const script = `
    const net = require('node:net');
    const chunk = Buffer.alloc(1 << 20);
    for (let i = 0; i < chunk.length; i++) chunk[i] = i & 255;
    const server = net.createServer((s) => {
      server.close();
      let left = ${mib};
      const go = () => { while (left > 0) { left--; if (!s.write(chunk)) return s.once('drain', go); } s.end(); };
      go();
    });
    server.listen(0, '127.0.0.1', () => console.log(server.address().port));
    setTimeout(() => process.exit(1), 20000).unref();`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.stdout?.once('data', (d: Buffer) => resolve(Number(String(d).trim())));
  });
}

/** Busy for `ms` (a slow decoder); bounded by the clock. */
function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // spin
  }
}

describe('dialShared: a turn of the event loop (issue 20)', () => {
  it('takes at most the turn budget plus one read per turn, from a sender faster than us', async () => {
    const mib = 48;
    const port = await senderProcess(mib);
    // One turn per check phase: this immediate re-arms itself until the download ends.
    let turn = 0;
    let done = false;
    const tick = (): void => {
      turn++;
      if (!done) setImmediate(tick);
    };
    setImmediate(tick);
    const perTurn = new Map<number, number>();
    let total = 0;
    let bad = 0;
    const { socket, reads } = dialShared('127.0.0.1', port);
    reads.attach((chunk) => {
      for (let i = 0; i < chunk.length; i += 4093) if (chunk[i] !== (total + i) % 256) bad++;
      total += chunk.length;
      perTurn.set(turn, (perTurn.get(turn) ?? 0) + chunk.length);
      busy(3); // slower than the sender, so bytes are always waiting
    });
    await new Promise<void>((resolve, reject) => {
      socket.on('error', reject);
      socket.on('end', () => resolve());
    });
    done = true;
    socket.destroy();
    expect(total).toBe(mib * 1024 * 1024);
    expect(bad).toBe(0);
    // Before the budget, libuv's 32 reads in a row put up to 128 MiB in one turn.
    expect(Math.max(...perTurn.values())).toBeLessThanOrEqual(
      READ_TURN_BUDGET_BYTES + SHARED_READ_BUFFER_BYTES,
    );
  });

  it('leaves a socket its owner paused during the turn paused, and loses nothing', async () => {
    const mib = 16;
    const port = await senderProcess(mib);
    let total = 0;
    const { socket, reads } = dialShared('127.0.0.1', port);
    let paused = false;
    reads.attach((chunk) => {
      total += chunk.length;
      busy(3);
      if (!paused) {
        paused = true;
        socket.pause();
      }
    });
    const ended = new Promise<void>((resolve, reject) => {
      socket.on('error', reject);
      socket.on('end', () => resolve());
    });
    await new Promise((r) => setTimeout(r, 200));
    // Paused after its first read, whatever the turn's budget did: no more came.
    const whilePaused = total;
    expect(whilePaused).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 100));
    expect(total).toBe(whilePaused);
    socket.resume();
    await ended;
    socket.destroy();
    expect(total).toBe(mib * 1024 * 1024);
  });
});
