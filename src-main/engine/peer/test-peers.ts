/**
 * Test fixtures for peer connections: two PeerConnections joined in memory (MemoryTransport) or
 * over a real 127.0.0.1 socket (like bittorrent-protocol's `wire.pipe(wire)`), a raw scripted
 * peer, and a bounded wait for one event. Used by tests only; every resource they open is closed by
 * `cleanup()`.
 */
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { Clock } from '../time/clock';
import { systemClock } from '../time/clock';
import { encodeHandshake, reservedFlags } from '../wire/handshake';
import { encodeMessage } from '../wire/message';
import type { Message } from '../wire/message';
import { dialShared } from '../net/shared-read-buffer';
import { MemoryTransport } from './memory-transport';
import type { MemoryTransportOptions } from './memory-transport';
import { PeerConnection, readHandshake } from './peer-connection';
import type { PeerConnectionEvents, PeerConnectionOptions } from './peer-connection';
import type { PeerTransport, TransportSink } from './transport';

export const TEST_INFO_HASH = new Uint8Array(20).fill(0xab);
export const PEER_ID_A = new TextEncoder().encode('-SW0100-aaaaaaaaaaaa');
export const PEER_ID_B = new TextEncoder().encode('-LT2080-bbbbbbbbbbbb');

export type SideOptions = Partial<
  Omit<PeerConnectionOptions, 'socket' | 'transport' | 'clock' | 'incoming'>
>;

export interface Pair {
  a: PeerConnection;
  b: PeerConnection;
  cleanup(): Promise<void>;
}

function options(
  bytes: { socket: Duplex } | { transport: PeerTransport },
  clock: Clock,
  incoming: boolean,
  peerId: Uint8Array,
  side: SideOptions,
): PeerConnectionOptions {
  return {
    ...bytes,
    clock,
    incoming,
    infoHash: TEST_INFO_HASH,
    peerId,
    pieceCount: 64,
    extensions: { fast: true, extended: true },
    clientVersion: incoming ? 'Peer B 2.0' : 'Peer A 1.0',
    reqq: 500,
    ...side,
  };
}

/** Resolves with the next payload of `name`; rejects after `timeoutMs` (bounded wait). */
export function nextEvent<K extends keyof PeerConnectionEvents>(
  conn: PeerConnection,
  name: K,
  timeoutMs = 5_000,
): Promise<PeerConnectionEvents[K]> {
  return new Promise((resolve, reject) => {
    const timer = systemClock.setTimeout(() => {
      off();
      reject(new Error(`no '${String(name)}' event within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = conn.on(name, (payload) => {
      timer.cancel();
      off();
      resolve(payload);
    });
  });
}

/** Waits until `cond()` holds, polling on the event loop; bounded by `timeoutMs`. */
export async function until(cond: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = systemClock.now() + timeoutMs;
  while (!cond()) {
    if (systemClock.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise<void>((r) => systemClock.setTimeout(r, 2));
  }
}

function closeAll(conns: PeerConnection[]): void {
  for (const c of conns) c.close('shutdown');
}

/** Two connections over a MemoryTransport pair; closing one side ends the other. */
export function memoryPair(clock: Clock, sideA: SideOptions = {}, sideB: SideOptions = {}): Pair {
  const [x, y] = MemoryTransport.pair();
  const a = new PeerConnection(options({ transport: x }, clock, false, PEER_ID_A, sideA));
  const b = new PeerConnection(options({ transport: y }, clock, true, PEER_ID_B, sideB));
  return {
    a,
    b,
    cleanup: async () => {
      closeAll([a, b]);
      await Promise.resolve();
    },
  };
}

/**
 * Two connections over a real loopback socket. The listening side reads the handshake first with
 * `readHandshake` and constructs its connection with `handshakeReceived`, as the session does;
 * the dialling side reads into the shared read buffer, as the torrent's dials do.
 */
export async function tcpPair(
  clock: Clock,
  sideA: SideOptions = {},
  sideB: SideOptions = {},
): Promise<Pair> {
  const server = net.createServer();
  const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  const { socket: dial, reads } = dialShared('127.0.0.1', port);
  const a = new PeerConnection({
    ...options({ socket: dial }, clock, false, PEER_ID_A, sideA),
    reads,
  });
  let b: PeerConnection;
  try {
    const socket = await accepted;
    const { handshake, rest } = await readHandshake(socket, 5_000, systemClock);
    b = new PeerConnection({
      ...options({ socket }, clock, true, PEER_ID_B, sideB),
      handshakeReceived: handshake,
      initialBytes: rest,
    });
  } catch (err) {
    a.close('shutdown');
    server.close();
    throw err;
  }
  const bConn = b;
  return {
    a,
    b: bConn,
    cleanup: async () => {
      closeAll([a, bConn]);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface RawPeer {
  conn: PeerConnection;
  /** Bytes the connection sent, in order. */
  received(): Uint8Array;
  send(bytes: Uint8Array): void;
  sendMessage(m: Message): void;
  /** Sends the raw side's handshake (peer id B). */
  handshake(opts?: {
    fast?: boolean;
    extended?: boolean;
    infoHash?: Uint8Array;
    peerId?: Uint8Array;
  }): void;
  cleanup(): Promise<void>;
}

/**
 * One PeerConnection facing a scripted raw byte stream over a MemoryTransport pair, for
 * misbehaviour tests. `transport` options apply to the raw side: `segmentBytes: 1` trickles
 * everything it sends one byte per delivery.
 */
export function rawPeer(
  clock: Clock,
  side: SideOptions = {},
  transport: MemoryTransportOptions = {},
): RawPeer {
  const [x, y] = MemoryTransport.pair({}, transport);
  const chunks: Uint8Array[] = [];
  const sink: TransportSink = {
    onBytes: (c) => void chunks.push(c),
    onDrain: () => undefined,
    onEnd: () => y.destroy(),
    onError: () => undefined,
  };
  y.attach(sink);
  y.startReading();
  const conn = new PeerConnection(options({ transport: x }, clock, false, PEER_ID_A, side));
  return {
    conn,
    received: () => new Uint8Array(Buffer.concat(chunks)),
    send: (bytes) => y.write(bytes),
    sendMessage: (m) => y.write(encodeMessage(m)),
    handshake: (o = {}) =>
      y.write(
        encodeHandshake({
          infoHash: o.infoHash ?? TEST_INFO_HASH,
          peerId: o.peerId ?? PEER_ID_B,
          reserved: reservedFlags({ fast: o.fast ?? true, extended: o.extended ?? false }),
        }),
      ),
    cleanup: async () => {
      conn.close('shutdown');
      y.destroy();
      await Promise.resolve();
    },
  };
}
