/**
 * UDP tracker load generator (BEP 15) for the tracker bench, run as its own process:
 *
 *   node udp-load.mjs --port P --duration-sec S --hashes FILE [--sockets 2] [--window 128]
 *
 * Each socket connects once (and again every 50 s, inside the one-minute connection-id life),
 * then keeps `window` announces in flight: every answer is timed and immediately replaced by a
 * new announce with a random info-hash from the pool, a random peer id and port, event=started.
 * An announce unanswered for LOST_AFTER_MS counts as lost and is replaced.
 * Prints one JSON line: announces answered, errors, lost, per-second rate, p50 and p99 in ms.
 */
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { randomBytes, randomInt } from 'node:crypto';
import { performance } from 'node:perf_hooks';

const LOST_AFTER_MS = 1000;
const RECONNECT_EVERY_MS = 50_000;
const PROTOCOL_ID = 0x41727101980n;
const SOCKET_BUFFER_BYTES = 8 * 1024 * 1024;

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    'duration-sec': { type: 'string', default: '10' },
    hashes: { type: 'string' },
    sockets: { type: 'string', default: '2' },
    window: { type: 'string', default: '128' },
  },
  strict: true,
});
const port = Number(values.port);
const durationMs = Number(values['duration-sec']) * 1000;
const pool = readFileSync(String(values.hashes), 'utf8')
  .split('\n')
  .filter((l) => /^[0-9a-f]{40}$/i.test(l))
  .map((l) => Buffer.from(l, 'hex'));
if (!port || pool.length === 0)
  throw new Error('udp-load: --port and a non-empty --hashes file are required');

/** Latencies in 10 µs buckets up to 100 ms (then one overflow bucket): enough for p50/p99. */
const buckets = new Uint32Array(10_001);
let answered = 0;
let errors = 0;
let lost = 0;
let measuring = false;

function record(ms: number): void {
  const i = Math.min(10_000, Math.floor(ms * 100));
  buckets[i] = (buckets[i] ?? 0) + 1;
}

function percentile(p: number): number {
  const total = buckets.reduce((a, b) => a + b, 0);
  let seen = 0;
  for (let i = 0; i < buckets.length; i++) {
    seen += buckets[i] as number;
    if (seen >= total * p) return i / 100;
  }
  return NaN;
}

class Driver {
  private connectionId: Buffer | null = null;
  private connectedAt = 0;
  private connectTid = -1;
  private readonly inFlight = new Map<number, number>();
  private nextTid = randomInt(1, 2 ** 30);

  constructor(
    private readonly socket: Socket,
    private readonly window: number,
  ) {
    socket.on('message', (msg: Buffer) => this.onMessage(msg));
    // A connected UDP socket reports ICMP errors (ECONNREFUSED while the tracker restarts):
    // count them with the errors; the lost-announce sweep resends.
    socket.on('error', () => {
      if (measuring) errors++;
    });
  }

  connect(): void {
    this.connectTid = this.nextTid++ >>> 0;
    const b = Buffer.alloc(16);
    b.writeBigUInt64BE(PROTOCOL_ID, 0);
    b.writeUInt32BE(0, 8);
    b.writeUInt32BE(this.connectTid, 12);
    this.socket.send(b);
  }

  private announce(): void {
    if (!this.connectionId) return;
    const tid = this.nextTid++ >>> 0;
    const b = Buffer.alloc(98);
    this.connectionId.copy(b, 0);
    b.writeUInt32BE(1, 8);
    b.writeUInt32BE(tid, 12);
    (pool[randomInt(pool.length)] as Buffer).copy(b, 16);
    randomBytes(20).copy(b, 36);
    b.writeBigUInt64BE(0n, 56);
    b.writeBigUInt64BE(1000n, 64);
    b.writeBigUInt64BE(0n, 72);
    b.writeUInt32BE(2, 80); // started
    b.writeUInt32BE(randomInt(2 ** 32), 88);
    b.writeInt32BE(50, 92);
    b.writeUInt16BE(randomInt(1024, 65536), 96);
    this.inFlight.set(tid, performance.now());
    this.socket.send(b);
  }

  private onMessage(msg: Buffer): void {
    if (msg.length < 8) return;
    const action = msg.readUInt32BE(0);
    const tid = msg.readUInt32BE(4);
    if (tid === this.connectTid && action === 0 && msg.length >= 16) {
      const first = this.connectionId === null;
      this.connectionId = Buffer.from(msg.subarray(8, 16));
      this.connectedAt = performance.now();
      this.connectTid = -1;
      if (first) for (let i = 0; i < this.window; i++) this.announce();
      return;
    }
    const sentAt = this.inFlight.get(tid);
    if (sentAt === undefined) return;
    this.inFlight.delete(tid);
    if (measuring) {
      if (action === 1) {
        answered++;
        record(performance.now() - sentAt);
      } else {
        errors++;
      }
    }
    this.announce();
  }

  tick(now: number): void {
    if (!this.connectionId) {
      this.connect();
      return;
    }
    if (now - this.connectedAt > RECONNECT_EVERY_MS && this.connectTid < 0) this.connect();
    for (const [tid, at] of this.inFlight) {
      if (now - at > LOST_AFTER_MS) {
        this.inFlight.delete(tid);
        if (measuring) lost++;
        this.announce();
      }
    }
  }
}

async function main(): Promise<void> {
  const socketCount = Number(values.sockets);
  const window = Number(values.window);
  const sockets: Socket[] = [];
  const drivers: Driver[] = [];
  for (let i = 0; i < socketCount; i++) {
    // Large buffers: a burst of answers to a deep window must not be dropped by our own socket.
    const s = createSocket({
      type: 'udp4',
      recvBufferSize: SOCKET_BUFFER_BYTES,
      sendBufferSize: SOCKET_BUFFER_BYTES,
    });
    await new Promise<void>((resolve) => s.connect(port, '127.0.0.1', resolve));
    sockets.push(s);
    drivers.push(new Driver(s, window));
  }
  const ticker = setInterval(() => {
    const now = performance.now();
    for (const d of drivers) d.tick(now);
  }, 100);
  for (const d of drivers) d.connect();
  // Warm up for a second (connect, JIT), then measure.
  await new Promise((r) => setTimeout(r, 1000));
  measuring = true;
  const started = performance.now();
  await new Promise((r) => setTimeout(r, durationMs));
  measuring = false;
  const elapsedSec = (performance.now() - started) / 1000;
  clearInterval(ticker);
  for (const s of sockets) s.close();
  process.stdout.write(
    JSON.stringify({
      answered,
      errors,
      lost,
      durationSec: elapsedSec,
      perSec: answered / elapsedSec,
      p50Ms: percentile(0.5),
      p99Ms: percentile(0.99),
    }) + '\n',
  );
}

await main();
