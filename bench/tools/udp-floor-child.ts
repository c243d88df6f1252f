/**
 * Entry point bundled by the tracker bench (issue 20): the floor of any single-threaded Node UDP
 * tracker. It answers BEP 15 connects and announces with fixed packets (no connection-id check,
 * no allow-list, no registry: an announce answer is 50 fixed peers, 320 bytes, the size of ours)
 * through `node:dgram` exactly as our UDP front sends them: a fresh buffer per answer, queued
 * and sent after each receive batch. What is left is the runtime's cost per datagram (receive
 * buffer, `rinfo` object, callback, `send`) and the kernel's, so its rate against opentracker
 * bounds what our tracker can reach on one thread, and ours against it shows what the tracker's
 * own work costs.
 *
 *   node udp-floor-child.mjs --port N
 *
 * Listens on 127.0.0.1 only; prints `listening udp PORT`; stops on SIGTERM/SIGINT.
 */
import { createSocket } from 'node:dgram';
import type { RemoteInfo } from 'node:dgram';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { port: { type: 'string' } }, strict: true });
const port = Number(values.port);
if (!(port > 0)) throw new Error('udp-floor-child: --port');

const ANNOUNCE_ANSWER_BYTES = 20 + 50 * 6;
const SOCKET_BUFFER_BYTES = 8 * 1024 * 1024;

const socket = createSocket({
  type: 'udp4',
  // Our front's literal lookup: replies go to the address a datagram came from.
  lookup: (host, _opts, cb) => cb(null, host, 4),
  recvBufferSize: SOCKET_BUFFER_BYTES,
  sendBufferSize: SOCKET_BUFFER_BYTES,
});

const bufs: Uint8Array[] = [];
const ports: number[] = [];
const addresses: string[] = [];
let queued = 0;
let flush: NodeJS.Immediate | null = null;

function sendAll(): void {
  flush = null;
  const n = queued;
  queued = 0;
  for (let i = 0; i < n; i++) socket.send(bufs[i] as Uint8Array, ports[i], addresses[i]);
}

/** The fixed answers: 50 loopback peers, interval 1800 s; a fixed connection id. */
const ANNOUNCE_TEMPLATE = new Uint8Array(ANNOUNCE_ANSWER_BYTES);
ANNOUNCE_TEMPLATE[3] = 1;
ANNOUNCE_TEMPLATE[10] = 0x07;
ANNOUNCE_TEMPLATE[11] = 0x08;
for (let o = 20; o < ANNOUNCE_ANSWER_BYTES; o += 6) {
  ANNOUNCE_TEMPLATE[o] = 127;
  ANNOUNCE_TEMPLATE[o + 3] = 1;
  ANNOUNCE_TEMPLATE[o + 4] = 0x1a;
  ANNOUNCE_TEMPLATE[o + 5] = o & 0xff;
}
const CONNECT_TEMPLATE = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8);

socket.on('message', (msg: Buffer, rinfo: RemoteInfo) => {
  if (msg.length < 16) return;
  // Copied, as our front encodes a fresh answer: the socket holds it until it is sent.
  const out = new Uint8Array(
    msg[11] === 1 && msg.length >= 98 ? ANNOUNCE_TEMPLATE : CONNECT_TEMPLATE,
  );
  out[4] = msg[12] as number;
  out[5] = msg[13] as number;
  out[6] = msg[14] as number;
  out[7] = msg[15] as number;
  const i = queued++;
  bufs[i] = out;
  ports[i] = rinfo.port;
  addresses[i] = rinfo.address;
  if (flush === null) flush = setImmediate(sendAll);
});

socket.bind(port, '127.0.0.1', () => process.stdout.write(`listening udp ${port}\n`));
const stop = (): void => void socket.close(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
