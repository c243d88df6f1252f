/**
 * UDP tracker load generator (BEP 15) for the tracker bench, run as its own process:
 *
 *   node udp-load.mjs --port P --duration-sec S --hashes FILE [--sockets 2] [--window 128]
 *
 * Each socket connects once (and again every 50 s, inside the one-minute connection-id life),
 * then keeps `window` announces in flight: every answer is timed and immediately replaced by a
 * new announce with a random info-hash from the pool, a random peer id and port, event=started,
 * numwant 50. An announce unanswered for LOST_AFTER_MS counts as lost and is replaced.
 * Every server under test gets exactly this generator, packet mix and concurrency.
 *
 * The generator shares the machine's cores with the server under test, so its own cost per
 * announce is kept small (the syscalls aside): packets come from the buffer pool and are
 * written field by field, ids and ports come from a xorshift generator rather than crypto, and
 * in-flight announces live in typed arrays indexed by transaction id, not a Map. It reports its
 * CPU time over the measured window (`cpuPct`, 100 = one core): near 100 means the generator,
 * not the server, set the rate.
 *
 * Prints one JSON line: announces answered, errors, lost, per-second rate, p50 and p99 in ms;
 * before it, `measuring` when the measured window starts.
 */
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { randomInt } from 'node:crypto';
import { performance } from 'node:perf_hooks';

const LOST_AFTER_MS = 1000;
const RECONNECT_EVERY_MS = 50_000;
/** BEP 15 protocol id 0x41727101980, as two 32-bit halves. */
const PROTOCOL_ID_HI = 0x417;
const PROTOCOL_ID_LO = 0x27101980;
const SOCKET_BUFFER_BYTES = 8 * 1024 * 1024;
/** Transaction ids index in-flight slots by their low bits: the window must fit. */
const SLOT_BITS = 12;
const SLOTS = 1 << SLOT_BITS;

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

/** xorshift32: random enough for peer ids and ports, and free of syscalls. */
let rngState = randomInt(1, 2 ** 31);
function rand32(): number {
  let x = rngState;
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  rngState = x;
  return x >>> 0;
}

class Driver {
  private connectionHi = 0;
  private connectionLo = 0;
  private connected = false;
  private connectedAt = 0;
  private connectTid = -1;
  /** Slot i: the transaction id in flight there (-1: free) and when it was sent. */
  private readonly slotTid = new Float64Array(SLOTS).fill(-1);
  private readonly slotSentAt = new Float64Array(SLOTS);
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

  /** The next transaction id whose slot is free (at most `window` of SLOTS are ever taken). */
  private takeTid(): number {
    let tid = this.nextTid++ >>> 0;
    // Bounded: at most `window` < SLOTS slots are taken, so a free one is within SLOTS tries.
    for (let i = 0; i < SLOTS && this.slotTid[tid & (SLOTS - 1)] !== -1; i++)
      tid = this.nextTid++ >>> 0;
    return tid;
  }

  connect(): void {
    this.connectTid = this.nextTid++ >>> 0;
    const b = Buffer.allocUnsafe(16);
    b.writeUInt32BE(PROTOCOL_ID_HI, 0);
    b.writeUInt32BE(PROTOCOL_ID_LO, 4);
    b.writeUInt32BE(0, 8);
    b.writeUInt32BE(this.connectTid, 12);
    this.socket.send(b);
  }

  private announce(): void {
    if (!this.connected) return;
    const tid = this.takeTid();
    const b = Buffer.allocUnsafe(98);
    b.writeUInt32BE(this.connectionHi, 0);
    b.writeUInt32BE(this.connectionLo, 4);
    b.writeUInt32BE(1, 8);
    b.writeUInt32BE(tid, 12);
    (pool[rand32() % pool.length] as Buffer).copy(b, 16);
    for (let o = 36; o < 56; o += 4) b.writeUInt32BE(rand32(), o); // peer id
    b.writeUInt32BE(0, 56); // downloaded
    b.writeUInt32BE(0, 60);
    b.writeUInt32BE(0, 64); // left = 1000
    b.writeUInt32BE(1000, 68);
    b.writeUInt32BE(0, 72); // uploaded
    b.writeUInt32BE(0, 76);
    b.writeUInt32BE(2, 80); // started
    b.writeUInt32BE(0, 84); // ip: the sender's
    b.writeUInt32BE(rand32(), 88); // key
    b.writeInt32BE(50, 92); // numwant
    b.writeUInt16BE(1024 + (rand32() % (65536 - 1024)), 96);
    const slot = tid & (SLOTS - 1);
    this.slotTid[slot] = tid;
    this.slotSentAt[slot] = performance.now();
    this.socket.send(b);
  }

  private onMessage(msg: Buffer): void {
    if (msg.length < 8) return;
    const action = msg.readUInt32BE(0);
    const tid = msg.readUInt32BE(4);
    if (tid === this.connectTid && action === 0 && msg.length >= 16) {
      const first = !this.connected;
      this.connectionHi = msg.readUInt32BE(8);
      this.connectionLo = msg.readUInt32BE(12);
      this.connected = true;
      this.connectedAt = performance.now();
      this.connectTid = -1;
      if (first) for (let i = 0; i < this.window; i++) this.announce();
      return;
    }
    const slot = tid & (SLOTS - 1);
    if (this.slotTid[slot] !== tid) return;
    this.slotTid[slot] = -1;
    if (measuring) {
      if (action === 1) {
        answered++;
        record(performance.now() - (this.slotSentAt[slot] as number));
      } else {
        errors++;
      }
    }
    this.announce();
  }

  tick(now: number): void {
    if (!this.connected) {
      this.connect();
      return;
    }
    if (now - this.connectedAt > RECONNECT_EVERY_MS && this.connectTid < 0) this.connect();
    for (let slot = 0; slot < SLOTS; slot++) {
      if (this.slotTid[slot] !== -1 && now - (this.slotSentAt[slot] as number) > LOST_AFTER_MS) {
        this.slotTid[slot] = -1;
        if (measuring) lost++;
        this.announce();
      }
    }
  }
}

async function main(): Promise<void> {
  const socketCount = Number(values.sockets);
  const window = Number(values.window);
  if (!(window >= 1 && window <= SLOTS / 2)) throw new Error(`udp-load: --window 1..${SLOTS / 2}`);
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
  // Issue 20: the bench samples the server's CPU time between this line and the JSON line.
  process.stdout.write('measuring\n');
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  await new Promise((r) => setTimeout(r, durationMs));
  measuring = false;
  const cpu = process.cpuUsage(cpuBefore);
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
      cpuPct: Math.round((cpu.user + cpu.system) / 1e4 / elapsedSec),
    }) + '\n',
  );
}

await main();
