/**
 * BEP 15 connection ids without server state: an id is a keyed hash of the client's address,
 * port and a time window, so it cannot be forged for another address (the point of the
 * connect round trip: no announces with spoofed sources) and it expires by itself.
 *
 * Layout: byte 0 = the window number mod 256, bytes 1..7 = SHA-256(windowKey | addr | port),
 * where windowKey = HMAC-SHA256(secret, window) is computed once per window. The window byte
 * lets `verify` hash once instead of once per candidate window; the per-window key keeps the
 * per-packet cost to one short one-shot hash (an HMAC object per packet cost 6% of an answer).
 * Invariant: an id is accepted for at least `validMs` after it was issued and at most
 * `validMs + windowMs`; never a constant.
 */
import { createHmac, hash, timingSafeEqual } from 'node:crypto';

export class ConnectionIds {
  private readonly windowsValid: number;
  private readonly windowKeys = new Map<number, string>();

  constructor(
    private readonly secret: Uint8Array,
    private readonly windowMs: number,
    validMs: number,
  ) {
    this.windowsValid = Math.ceil(validMs / windowMs);
  }

  private windowKey(window: number): string {
    let key = this.windowKeys.get(window);
    if (key === undefined) {
      key = createHmac('sha256', this.secret).update(`window ${window}`).digest('hex');
      this.windowKeys.set(window, key);
      // Only the few windows still valid are asked for again: drop the oldest beyond them.
      if (this.windowKeys.size > this.windowsValid + 2) {
        this.windowKeys.delete(Math.min(...this.windowKeys.keys()));
      }
    }
    return key;
  }

  private mac(window: number, address: string, port: number): Buffer {
    return hash('sha256', `${this.windowKey(window)}|${address}|${port}`, 'buffer');
  }

  issue(address: string, port: number, nowMs: number): Uint8Array {
    const window = Math.floor(nowMs / this.windowMs);
    const out = new Uint8Array(8);
    out[0] = window & 0xff;
    out.set(this.mac(window, address, port).subarray(0, 7), 1);
    return out;
  }

  verify(id: Uint8Array, address: string, port: number, nowMs: number): boolean {
    if (id.length !== 8) return false;
    const current = Math.floor(nowMs / this.windowMs);
    const age = (current - (id[0] as number)) & 0xff;
    if (age > this.windowsValid) return false;
    const expected = this.mac(current - age, address, port).subarray(0, 7);
    return timingSafeEqual(expected, id.subarray(1, 8));
  }
}
