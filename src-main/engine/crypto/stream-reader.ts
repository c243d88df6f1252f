/**
 * Awaitable reads over a ByteStream for the handshake: exact lengths, and a search for a pattern
 * within a bounded window (MSE's resynchronisation on req1 and on the VC).
 *
 * Invariants:
 * - One read is pending at a time; the handshake is sequential.
 * - Bytes are consumed only by a completed read; `detach` hands back the unread rest.
 * - Buffered bytes never exceed `maxBufferedBytes`; a remote party sending more fails the read.
 * - After `fail` (timeout, end), the pending read and every later one that needs more bytes than
 *   are buffered reject with that error; bytes that arrived before it can still be read.
 */
import type { ByteStream } from './byte-stream';
import { MseError } from './mse-error';

export class StreamReader {
  private buf: Uint8Array = new Uint8Array(1024);
  private start = 0;
  private end = 0;
  private error: MseError | null = null;
  private waiter: { check: () => boolean; reject: (e: MseError) => void } | null = null;

  constructor(
    stream: ByteStream,
    private readonly maxBufferedBytes: number,
  ) {
    stream.onData((chunk) => this.push(chunk));
    stream.onEnd((error) =>
      this.fail(new MseError('closed', 'read', 'the stream ended during the handshake', error)),
    );
  }

  get buffered(): number {
    return this.end - this.start;
  }

  /** Rejects the pending read and every later one with `error` (the first failure wins). */
  fail(error: MseError): void {
    if (this.error) return;
    this.error = error;
    const w = this.waiter;
    this.waiter = null;
    w?.reject(error);
  }

  /** The next `n` bytes, copied. */
  readExact(n: number): Promise<Uint8Array> {
    return this.wait(
      () => this.buffered >= n,
      () => {
        const out = this.buf.slice(this.start, this.start + n);
        this.start += n;
        return out;
      },
    );
  }

  /** Waits for `n` bytes without consuming them; returns a view valid until the next read. */
  peek(n: number): Promise<Uint8Array> {
    return this.wait(
      () => this.buffered >= n,
      () => this.buf.subarray(this.start, this.start + n),
    );
  }

  /**
   * Consumes bytes up to and including the first occurrence of `pattern`, which must end within
   * `windowBytes` bytes; otherwise rejects with `notFound` as soon as that is certain.
   */
  skipPast(pattern: Uint8Array, windowBytes: number, notFound: () => MseError): Promise<void> {
    let from = 0;
    let found = -1;
    const check = (): boolean => {
      const limit = Math.min(this.buffered, windowBytes) - pattern.length;
      for (; from <= limit; from++) {
        if (this.matchesAt(this.start + from, pattern)) {
          found = from;
          return true;
        }
      }
      if (this.buffered >= windowBytes) throw notFound();
      return false;
    };
    return this.wait(check, () => {
      this.start += found + pattern.length;
    });
  }

  /** Stops reading and returns the bytes received but not consumed. */
  detach(): Uint8Array {
    const rest = this.buf.slice(this.start, this.end);
    this.start = this.end;
    this.error ??= new MseError('closed', 'read', 'the reader was detached');
    return rest;
  }

  private matchesAt(at: number, pattern: Uint8Array): boolean {
    for (let k = 0; k < pattern.length; k++) if (this.buf[at + k] !== pattern[k]) return false;
    return true;
  }

  private wait<T>(check: () => boolean, take: () => T): Promise<T> {
    if (this.waiter) throw new Error('StreamReader: one read at a time');
    return new Promise<T>((resolve, reject) => {
      const attempt = (): boolean => {
        if (!check()) return false;
        resolve(take());
        return true;
      };
      try {
        if (attempt()) return;
      } catch (e) {
        reject(e);
        return;
      }
      if (this.error) {
        reject(this.error);
        return;
      }
      this.waiter = { check: attempt, reject };
    });
  }

  private push(chunk: Uint8Array): void {
    if (this.error) return;
    if (this.buffered + chunk.length > this.maxBufferedBytes) {
      this.fail(
        new MseError(
          'too-much-data',
          'read',
          `more than ${this.maxBufferedBytes} bytes arrived during the handshake`,
        ),
      );
      return;
    }
    this.append(chunk);
    const w = this.waiter;
    if (!w) return;
    try {
      if (w.check()) this.waiter = null;
    } catch (e) {
      this.waiter = null;
      w.reject(e as MseError);
    }
  }

  private append(chunk: Uint8Array): void {
    if (this.end + chunk.length > this.buf.length) {
      const live = this.buffered;
      const size = Math.max(this.buf.length, (live + chunk.length) * 2);
      if (size === this.buf.length) this.buf.copyWithin(0, this.start, this.end);
      else {
        const next = new Uint8Array(size);
        next.set(this.buf.subarray(this.start, this.end));
        this.buf = next;
      }
      this.start = 0;
      this.end = live;
    }
    this.buf.set(chunk, this.end);
    this.end += chunk.length;
  }
}
