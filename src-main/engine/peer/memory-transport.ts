/**
 * Two PeerTransports joined in memory, for tests: what one end writes, the other receives, in
 * order, on a later microtask. Like a socket pair it has a write backlog with a high-water mark
 * (so backpressure is exercised) and closing one end ends the other. `segmentBytes` cuts every
 * write into segments of at most that many bytes, as a peer trickling tiny TCP segments would.
 */
import type { PeerTransport, TransportName, TransportSink } from './transport';

export interface MemoryTransportOptions {
  /** Backlog above which `awaitingDrain` is set (a socket's default is 16 KiB). */
  highWaterMarkBytes?: number;
  /** Each end delivers at most this many bytes per `onBytes`. */
  segmentBytes?: number;
  /** The address each end reports for its peer. */
  remoteAddress?: string;
}

const DEFAULT_HIGH_WATER_MARK_BYTES = 16 * 1024;

export class MemoryTransport implements PeerTransport {
  readonly name: TransportName = 'memory';
  readonly encrypted = false;
  readonly remoteAddress: string | undefined;
  awaitingDrain = false;
  /** Bytes this end wrote that the other end has not delivered yet. */
  bufferedBytes = 0;
  private other: MemoryTransport | null = null;
  private sink: TransportSink | null = null;
  private reading = false;
  private closed = false;
  /** Chunks written to us, not delivered yet; `null` marks the other end closing. */
  private readonly inbox: (Uint8Array | null)[] = [];
  private flushScheduled = false;
  private readonly highWaterMarkBytes: number;
  private readonly segmentBytes: number;

  constructor(opts: MemoryTransportOptions = {}) {
    this.highWaterMarkBytes = opts.highWaterMarkBytes ?? DEFAULT_HIGH_WATER_MARK_BYTES;
    this.segmentBytes = Math.max(1, opts.segmentBytes ?? Number.MAX_SAFE_INTEGER);
    this.remoteAddress = opts.remoteAddress;
  }

  /** Joins two ends. */
  static pair(
    a: MemoryTransportOptions = {},
    b: MemoryTransportOptions = {},
  ): [MemoryTransport, MemoryTransport] {
    const x = new MemoryTransport(a);
    const y = new MemoryTransport(b);
    x.other = y;
    y.other = x;
    return [x, y];
  }

  get destroyed(): boolean {
    return this.closed;
  }

  attach(sink: TransportSink): void {
    this.sink = sink;
  }

  startReading(): void {
    if (this.reading || this.closed) return;
    this.reading = true;
    this.schedule();
  }

  write(bytes: Uint8Array): void {
    const other = this.other;
    if (this.closed || other === null || other.closed) return;
    // A copy, as the network would make: the writer may reuse its array once it is sent.
    for (let at = 0; at < bytes.length; at += this.segmentBytes) {
      other.inbox.push(bytes.slice(at, Math.min(bytes.length, at + this.segmentBytes)));
    }
    this.bufferedBytes += bytes.length;
    if (this.bufferedBytes > this.highWaterMarkBytes) this.awaitingDrain = true;
    other.schedule();
  }

  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    this.sink = null;
    this.inbox.length = 0;
    const other = this.other;
    if (other && !other.closed) {
      other.inbox.push(null);
      other.schedule();
    }
  }

  private schedule(): void {
    if (this.flushScheduled || !this.reading) return;
    this.flushScheduled = true;
    queueMicrotask(this.flush);
  }

  private readonly flush = (): void => {
    this.flushScheduled = false;
    const sender = this.other;
    // Bounded by what is queued now; writes made meanwhile schedule another flush.
    for (let n = this.inbox.length; n > 0 && !this.closed && this.reading; n--) {
      const chunk = this.inbox.shift();
      if (chunk === undefined) return;
      if (chunk === null) {
        this.sink?.onEnd();
        return;
      }
      if (sender) {
        sender.bufferedBytes -= chunk.length;
        if (sender.awaitingDrain && sender.bufferedBytes <= sender.highWaterMarkBytes / 2) {
          sender.awaitingDrain = false;
          sender.sink?.onDrain();
        }
      }
      this.sink?.onBytes(chunk, false);
    }
    if (this.inbox.length > 0) this.schedule();
  };
}
