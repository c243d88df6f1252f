import { afterEach, describe, expect, it } from 'vitest';
import net from 'node:net';
import { ManualClock } from '../time/clock';
import { MemoryLogger } from '../log/logger';
import { encodeHandshake } from '../wire/handshake';
import type { Handshake } from '../wire/handshake';
import { waitFor } from '../../testing/fixtures';
import { HANDSHAKE_TIMEOUT_MS, MAX_PENDING_HANDSHAKES_PER_IP } from '../limits';
import { Listener } from './listener';
import type { ListenerOptions } from './listener';

const clients: net.Socket[] = [];
const taken: net.Socket[] = [];
let listener: Listener | null = null;

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  for (const s of taken.splice(0)) s.destroy();
  await listener?.close();
  listener = null;
});

async function start(opts: Partial<ListenerOptions> = {}): Promise<Listener> {
  listener = new Listener({
    clock: new ManualClock(),
    logger: new MemoryLogger('error'),
    host: '127.0.0.1',
    accept: (socket) => {
      taken.push(socket);
      return true;
    },
    ...opts,
  });
  await listener.listen(0);
  return listener;
}

/** Connect and send nothing (a half-open handshake); `closed` flips when the server hangs up. */
function halfOpen(port: number, localAddress = '127.0.0.1'): { closed: () => boolean } {
  const socket = net.connect({ port, host: '127.0.0.1', localAddress });
  socket.on('error', () => {});
  clients.push(socket);
  let closed = false;
  socket.on('close', () => (closed = true));
  return { closed: () => closed };
}

function closedCount(conns: { closed: () => boolean }[]): number {
  return conns.filter((c) => c.closed()).length;
}

describe('Listener', () => {
  it('closes half-open connections from one IP beyond the per-IP cap at once', async () => {
    const l = await start();
    const conns = Array.from({ length: 40 }, () => halfOpen(l.port as number));
    await waitFor(
      () => closedCount(conns) === 40 - MAX_PENDING_HANDSHAKES_PER_IP,
      'the excess to be closed',
      5_000,
    );
    expect(l.pendingCount).toBe(MAX_PENDING_HANDSHAKES_PER_IP);
    expect(l.refused).toBe(40 - MAX_PENDING_HANDSHAKES_PER_IP);
  });

  it.runIf(process.platform === 'linux')(
    'holds the global cap across addresses (127.0.0.2 is loopback on Linux)',
    async () => {
      const l = await start({ maxPending: 10, maxPendingPerIp: 8 });
      const conns = [
        ...Array.from({ length: 8 }, () => halfOpen(l.port as number, '127.0.0.1')),
        ...Array.from({ length: 8 }, () => halfOpen(l.port as number, '127.0.0.2')),
      ];
      await waitFor(() => closedCount(conns) === 6, 'six to be refused', 5_000);
      expect(l.pendingCount).toBe(10);
    },
  );

  it('closes a pending connection when its handshake deadline passes, freeing its slot', async () => {
    const clock = new ManualClock();
    const l = await start({ clock, maxPendingPerIp: 2 });
    const first = [halfOpen(l.port as number), halfOpen(l.port as number)];
    await waitFor(() => l.pendingCount === 2, 'two pending', 5_000);
    clock.advance(HANDSHAKE_TIMEOUT_MS - 1);
    expect(closedCount(first)).toBe(0);
    clock.advance(1);
    await waitFor(() => closedCount(first) === 2, 'the deadline to close them', 5_000);
    expect(l.pendingCount).toBe(0);
    const next = halfOpen(l.port as number);
    await waitFor(() => l.pendingCount === 1, 'a new connection to be taken', 5_000);
    expect(next.closed()).toBe(false);
  });

  it('hands a completed handshake over with the bytes after it, and frees its slot', async () => {
    const got: { handshake: Handshake; rest: Uint8Array }[] = [];
    const l = await start({
      maxPendingPerIp: 1,
      accept: (socket, handshake, rest) => {
        taken.push(socket);
        got.push({ handshake, rest });
        return true;
      },
    });
    const socket = net.connect({ port: l.port as number, host: '127.0.0.1' });
    clients.push(socket);
    const handshake: Handshake = {
      infoHash: new Uint8Array(20).fill(7),
      peerId: new Uint8Array(20).fill(9),
      reserved: new Uint8Array(8),
    };
    socket.write(Buffer.concat([encodeHandshake(handshake), Buffer.from([0, 0, 0, 0])]));
    await waitFor(() => got.length === 1, 'the handshake', 5_000);
    expect(got[0]?.handshake.infoHash).toEqual(handshake.infoHash);
    expect(got[0]?.rest).toEqual(new Uint8Array([0, 0, 0, 0]));
    expect(l.pendingCount).toBe(0);
    // Its slot is free: another connection from the same IP is taken.
    const other = halfOpen(l.port as number);
    await waitFor(() => l.pendingCount === 1, 'the next connection', 5_000);
    expect(other.closed()).toBe(false);
  });

  it('closes connections whose handshake nobody wants, and every pending one on close', async () => {
    const l = await start({ accept: () => false });
    const socket = net.connect({ port: l.port as number, host: '127.0.0.1' });
    clients.push(socket);
    let closed = false;
    socket.on('close', () => (closed = true));
    socket.write(
      encodeHandshake({
        infoHash: new Uint8Array(20),
        peerId: new Uint8Array(20),
        reserved: new Uint8Array(8),
      }),
    );
    await waitFor(() => closed, 'the unwanted one to be closed', 5_000);
    const pending = halfOpen(l.port as number);
    await waitFor(() => l.pendingCount === 1, 'one pending', 5_000);
    await l.close();
    listener = null;
    await waitFor(() => pending.closed(), 'close() to close it', 5_000);
  });

  // --- IPv6 (issue 18) ---
  it('listens on both stacks, one port, for the wildcard address', async () => {
    const got: string[] = [];
    const l = await start({
      host: '0.0.0.0',
      accept: (socket) => {
        got.push(socket.remoteAddress ?? '?');
        taken.push(socket);
        return true;
      },
    });
    for (const host of ['127.0.0.1', '::1']) {
      const c = net.connect({ port: l.port as number, host });
      c.on('error', () => {});
      clients.push(c);
      c.write(
        encodeHandshake({
          infoHash: new Uint8Array(20).fill(7),
          peerId: new Uint8Array(20).fill(9),
          reserved: new Uint8Array(8),
        }),
      );
    }
    await waitFor(() => got.length === 2, 'both handshakes', 5_000);
    expect(got.sort()).toEqual(['127.0.0.1', '::1']);
    expect(l.listensV6).toBe(true);
  });

  it('listens on IPv6 only for a v6 address, and caps pending handshakes from it', async () => {
    const l = await start({ host: '::1' });
    const conns = Array.from({ length: 12 }, () => {
      const socket = net.connect({ port: l.port as number, host: '::1' });
      socket.on('error', () => {});
      clients.push(socket);
      let closed = false;
      socket.on('close', () => (closed = true));
      return { closed: () => closed };
    });
    await waitFor(
      () => closedCount(conns) === 12 - MAX_PENDING_HANDSHAKES_PER_IP,
      'the excess to be closed',
      5_000,
    );
    expect(l.pendingCount).toBe(MAX_PENDING_HANDSHAKES_PER_IP);
  });
});
