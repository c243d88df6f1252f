/**
 * uTP congestion control (BEP 29): LEDBAT, which aims at a fixed queuing delay instead of at
 * filling queues, plus the round-trip and timeout estimates. Pure state: every input carries the
 * time it happened, nothing here reads a clock or sets a timer (the connection does, with the
 * injected Clock).
 *
 * How the window moves (bytes):
 * - Each ack brings the remote's measure of our packets' one-way delay (timestamp_difference).
 *   The lowest sample of the last BASE_DELAY_BUCKETS minutes is the base delay, the path with
 *   empty queues; a sample minus the base is our queuing delay.
 * - Off target = (target - queuing delay) / target, in [-1, 1]. The window moves by
 *   MAX_CWND_INCREASE_BYTES_PER_RTT x off target x (bytes acked / window): up to 3000 bytes per
 *   round trip below the target, down as much above it. It grows only while the window is in use
 *   (an idle sender has proven nothing), but shrinks regardless.
 * - Slow start (as libtorrent does) doubles the window per round trip until the first loss or
 *   until the queuing delay reaches half the target.
 * - A loss halves the window, at most once per window of packets (the caller says which losses
 *   are new). A timeout drops it to the minimum and doubles the timeout.
 * - The timeout follows BEP 29: rtt_var += (|rtt - sample| - rtt_var) / 4, rtt += (sample - rtt)
 *   / 8, timeout = max(rtt + 4 rtt_var, MIN_TIMEOUT_MS); INITIAL_TIMEOUT_MS until the first sample.
 */

/** BEP 29 / LEDBAT: the queuing delay we aim for. */
export const TARGET_DELAY_US = 100_000;
/** BEP 29: the most the window grows in one round trip, delay far below the target. */
export const MAX_CWND_INCREASE_BYTES_PER_RTT = 3_000;
/**
 * Payload bytes per packet. Fits a 1500-byte MTU (IPv4 20 + UDP 8 + uTP 20 + a selective ack)
 * with room for a tunnel's overhead; path MTU discovery may come later (issue 18).
 */
export const PACKET_PAYLOAD_BYTES = 1_400;
/** The window never goes below one full packet, or nothing could be sent. */
export const MIN_WINDOW_BYTES = PACKET_PAYLOAD_BYTES;
/** Slow start begins at this many packets (libtorrent begins small too). */
export const INITIAL_WINDOW_BYTES = 2 * PACKET_PAYLOAD_BYTES;
/** Our own ceiling on the window: enough for 30 MB/s at 100 ms of round trip. */
export const MAX_WINDOW_BYTES = 3 * 1024 * 1024;
/** BEP 29: the timeout before any round trip was measured. */
export const INITIAL_TIMEOUT_MS = 1_000;
/** BEP 29: the timeout never goes below this. */
export const MIN_TIMEOUT_MS = 500;
/** Repeated timeouts double it up to here. */
export const MAX_TIMEOUT_MS = 30_000;
/** The base delay is the lowest sample over this many buckets of BASE_DELAY_BUCKET_MS. */
export const BASE_DELAY_BUCKETS = 2;
export const BASE_DELAY_BUCKET_MS = 60_000;

export interface AckInput {
  nowMs: number;
  /** Bytes newly acknowledged by this ack (cumulative and selective). */
  ackedBytes: number;
  /** The remote's timestamp_difference, in microseconds; 0 means it has no sample yet. */
  delaySampleUs: number;
  /** Whether our sends were held back by the window before this ack (it was in use). */
  windowFull: boolean;
}

export class Ledbat {
  /** The congestion window, in bytes. */
  cwnd = INITIAL_WINDOW_BYTES;
  slowStart = true;
  /** Smoothed round trip and its variation, in ms; null until the first sample. */
  rttMs: number | null = null;
  rttVarMs = 0;
  timeoutMs = INITIAL_TIMEOUT_MS;
  /** Our last queuing delay estimate, in microseconds (for logs and tests). */
  queuingDelayUs = 0;
  /** Lowest delay sample per bucket, newest last; at most BASE_DELAY_BUCKETS of them. */
  private readonly baseHistory: number[] = [];
  private bucketStartMs: number | null = null;

  /** The base delay: the lowest sample in the history, or null before any sample. */
  get baseDelayUs(): number | null {
    if (this.baseHistory.length === 0) return null;
    let min = Infinity;
    for (const d of this.baseHistory) if (d < min) min = d;
    return min;
  }

  onAck(a: AckInput): void {
    if (a.ackedBytes <= 0) return;
    if (a.delaySampleUs !== 0) this.addDelaySample(a.delaySampleUs, a.nowMs);
    const base = this.baseDelayUs;
    // No sample yet: LEDBAT has nothing to steer by, so behave as if on target's safe side.
    const queuing = base === null ? 0 : delayAbove(a.delaySampleUs, base);
    this.queuingDelayUs = queuing;
    const offTarget = Math.max(-1, Math.min(1, (TARGET_DELAY_US - queuing) / TARGET_DELAY_US));
    if (this.slowStart) {
      if (queuing > TARGET_DELAY_US / 2) this.slowStart = false;
      else if (a.windowFull) this.cwnd += a.ackedBytes;
    }
    if (!this.slowStart) {
      const windowFactor = Math.min(a.ackedBytes, this.cwnd) / this.cwnd;
      const gain = MAX_CWND_INCREASE_BYTES_PER_RTT * offTarget * windowFactor;
      if (gain < 0 || a.windowFull) this.cwnd += gain;
    }
    this.clamp();
  }

  /** A packet was lost (fast retransmit or selective acks skipping it): halve the window. */
  onLoss(): void {
    this.slowStart = false;
    this.cwnd = this.cwnd / 2;
    this.clamp();
  }

  /** The retransmission timer fired: back to one packet, and wait twice as long next time. */
  onTimeout(): void {
    this.slowStart = false;
    this.cwnd = MIN_WINDOW_BYTES;
    this.timeoutMs = Math.min(MAX_TIMEOUT_MS, this.timeoutMs * 2);
  }

  /** A round trip measured on a packet sent once (Karn: never on a resent one). */
  onRttSample(sampleMs: number): void {
    const sample = Math.max(0, sampleMs);
    if (this.rttMs === null) {
      this.rttMs = sample;
      this.rttVarMs = sample / 2;
    } else {
      const delta = this.rttMs - sample;
      this.rttVarMs += (Math.abs(delta) - this.rttVarMs) / 4;
      this.rttMs += (sample - this.rttMs) / 8;
    }
    this.timeoutMs = Math.min(
      MAX_TIMEOUT_MS,
      Math.max(MIN_TIMEOUT_MS, this.rttMs + 4 * this.rttVarMs),
    );
  }

  /**
   * Bytes that may be in flight now: our window, and never more than the remote can take (when
   * it can take less than a packet, the connection probes it on its timer).
   */
  sendWindow(peerWindowBytes: number): number {
    return Math.min(Math.floor(this.cwnd), peerWindowBytes);
  }

  private addDelaySample(sampleUs: number, nowMs: number): void {
    if (this.bucketStartMs === null || nowMs - this.bucketStartMs >= BASE_DELAY_BUCKET_MS) {
      this.bucketStartMs = nowMs;
      this.baseHistory.push(sampleUs);
      if (this.baseHistory.length > BASE_DELAY_BUCKETS) this.baseHistory.shift();
      return;
    }
    const last = this.baseHistory.length - 1;
    if (sampleUs < (this.baseHistory[last] as number)) this.baseHistory[last] = sampleUs;
  }

  private clamp(): void {
    this.cwnd = Math.max(MIN_WINDOW_BYTES, Math.min(MAX_WINDOW_BYTES, this.cwnd));
  }
}

/**
 * `sample - base` for 32-bit microsecond clocks: the two hosts' clocks differ by any offset, so
 * samples are compared modulo 2^32. A sample "below" the base (drift) counts as no delay.
 */
function delayAbove(sampleUs: number, baseUs: number): number {
  const d = (sampleUs - baseUs) >>> 0;
  return d > 0x7fffffff ? 0 : d;
}
