/**
 * BEP 5 get_peers tokens. A token is a hash of the requester's IP and a secret; announce_peer
 * must bring back a token made for its source IP with the current or the previous secret.
 *
 * Invariants:
 * - The secret rotates every DHT_TOKEN_ROTATE_MS, so a token stays valid 5 to 10 minutes.
 * - Rotation is lazy (computed from the injected clock on each call): no timer to close.
 * - Nothing per requester is stored, so memory does not grow with the number of requesters.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { DHT_TOKEN_ROTATE_MS } from '../limits';
import type { Clock, Random } from '../time/clock';

/** Token bytes we hand out: 8 bytes of SHA-1 make guessing one hopeless. */
export const DHT_TOKEN_BYTES = 8;
const SECRET_BYTES = 16;

export class TokenIssuer {
  private current: Uint8Array;
  private previous: Uint8Array;
  private rotatedAtMs: number;

  constructor(
    private readonly clock: Clock,
    private readonly random: Random,
  ) {
    this.current = random.bytes(SECRET_BYTES);
    // Before the first rotation there is no previous secret; a fresh random one matches nothing.
    this.previous = random.bytes(SECRET_BYTES);
    this.rotatedAtMs = clock.now();
  }

  /** The token for a requester at `address` (its IP; the port does not matter, per BEP 5). */
  issue(address: string): Uint8Array {
    this.rotate();
    return tokenFor(this.current, address);
  }

  verify(token: Uint8Array, address: string): boolean {
    this.rotate();
    if (token.length !== DHT_TOKEN_BYTES) return false;
    return (
      timingSafeEqual(token, tokenFor(this.current, address)) ||
      timingSafeEqual(token, tokenFor(this.previous, address))
    );
  }

  private rotate(): void {
    const elapsed = this.clock.now() - this.rotatedAtMs;
    if (elapsed < DHT_TOKEN_ROTATE_MS) return;
    if (elapsed >= 2 * DHT_TOKEN_ROTATE_MS) {
      // Both secrets are too old: tokens from either must no longer pass.
      this.previous = this.random.bytes(SECRET_BYTES);
    } else {
      this.previous = this.current;
    }
    this.current = this.random.bytes(SECRET_BYTES);
    this.rotatedAtMs += Math.floor(elapsed / DHT_TOKEN_ROTATE_MS) * DHT_TOKEN_ROTATE_MS;
  }
}

function tokenFor(secret: Uint8Array, address: string): Uint8Array {
  const h = createHash('sha1').update(secret).update(address, 'latin1').digest();
  return new Uint8Array(h.buffer, h.byteOffset, DHT_TOKEN_BYTES);
}
