/**
 * BEP 15 connection ids without server state: an id is a keyed MAC of the client's address,
 * port and a time window, so it cannot be forged for another address (the point of the
 * connect round trip: no announces with spoofed sources) and it expires by itself.
 *
 * Layout: byte 0 = the window number mod 256, bytes 1..7 = HMAC-SHA256(secret, window|addr|port).
 * The window byte lets `verify` compute one MAC instead of one per candidate window.
 * Invariant: an id is accepted for at least `validMs` after it was issued and at most
 * `validMs + windowMs`; never a constant.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export class ConnectionIds {
  private readonly windowsValid: number;

  constructor(
    private readonly secret: Uint8Array,
    private readonly windowMs: number,
    validMs: number,
  ) {
    this.windowsValid = Math.ceil(validMs / windowMs);
  }

  private mac(window: number, address: string, port: number): Buffer {
    return createHmac('sha256', this.secret).update(`${window}|${address}|${port}`).digest();
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
