/**
 * BEP 15 connection ids without server state: an id is a keyed hash of the client's address,
 * port and a time window, so it cannot be forged for another address (the point of the
 * connect round trip: no announces with spoofed sources) and it expires by itself.
 *
 * Layout: byte 0 = the window number mod 256, bytes 1..7 = the first 7 bytes of
 * SipHash-2-4(secret, window | port | address). The window byte lets `verify` hash once
 * instead of once per candidate window. SipHash is a PRF made for short inputs and runs in
 * plain JS without allocating: a verify costs about a tenth of the HMAC-based one it replaced
 * (which cost 1.7 µs, about 7% of an answered announce).
 * Invariant: an id is accepted for at least `validMs` after it was issued and at most
 * `validMs + windowMs`; never a constant.
 */
import { SipHash24 } from './siphash';

/** window (4) + port (2) + address length (1) + address characters. */
const HEADER_BYTES = 7;
/** Longer than any IP literal a socket reports (IPv6 with a zone id included). */
const MAX_ADDRESS_CHARS = 64;

export class ConnectionIds {
  private readonly windowsValid: number;
  private readonly mac: SipHash24;
  private readonly input = new Uint8Array(HEADER_BYTES + MAX_ADDRESS_CHARS);

  constructor(
    secret: Uint8Array,
    private readonly windowMs: number,
    validMs: number,
  ) {
    this.windowsValid = Math.ceil(validMs / windowMs);
    this.mac = new SipHash24(secret);
  }

  /** Leaves the MAC of (window, address, port) in `this.mac.hi/lo`. */
  private hash(window: number, address: string, port: number): void {
    const m = this.input;
    m[0] = window & 0xff;
    m[1] = (window >>> 8) & 0xff;
    m[2] = (window >>> 16) & 0xff;
    m[3] = (window >>> 24) & 0xff;
    m[4] = port & 0xff;
    m[5] = (port >>> 8) & 0xff;
    const n = Math.min(address.length, MAX_ADDRESS_CHARS);
    m[6] = n;
    // Socket addresses are ASCII literals; the length byte keeps distinct inputs distinct.
    for (let i = 0; i < n; i++) m[HEADER_BYTES + i] = address.charCodeAt(i) & 0xff;
    this.mac.hash(m, HEADER_BYTES + n);
  }

  issue(address: string, port: number, nowMs: number): Uint8Array {
    const window = Math.floor(nowMs / this.windowMs);
    this.hash(window, address, port);
    const { hi, lo } = this.mac;
    return Uint8Array.of(
      window & 0xff,
      hi >>> 24,
      (hi >>> 16) & 0xff,
      (hi >>> 8) & 0xff,
      hi & 0xff,
      lo >>> 24,
      (lo >>> 16) & 0xff,
      (lo >>> 8) & 0xff,
    );
  }

  verify(id: Uint8Array, address: string, port: number, nowMs: number): boolean {
    return id.length === 8 && this.verifyAt(id, 0, address, port, nowMs);
  }

  /**
   * `verify` for the 8 bytes at `at` in `buf` (the id inside a request packet, read in place:
   * no view per packet). The caller checked that they are there.
   */
  verifyAt(buf: Uint8Array, at: number, address: string, port: number, nowMs: number): boolean {
    const current = Math.floor(nowMs / this.windowMs);
    const age = (current - (buf[at] as number)) & 0xff;
    if (age > this.windowsValid) return false;
    this.hash(current - age, address, port);
    const { hi, lo } = this.mac;
    const gotHi =
      (((buf[at + 1] as number) << 24) |
        ((buf[at + 2] as number) << 16) |
        ((buf[at + 3] as number) << 8) |
        (buf[at + 4] as number)) >>>
      0;
    const gotLo =
      (((buf[at + 5] as number) << 24) |
        ((buf[at + 6] as number) << 16) |
        ((buf[at + 7] as number) << 8)) >>>
      0;
    // Compared without an early exit: no timing hint about how much of a guess was right.
    return ((gotHi ^ hi) | (gotLo ^ (lo & 0xffffff00))) === 0;
  }
}
