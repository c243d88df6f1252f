import { describe, expect, it } from 'vitest';
import { DHT_TOKEN_ROTATE_MS } from '../limits';
import { ManualClock, seededRandom } from '../time/clock';
import { DHT_TOKEN_BYTES, TokenIssuer } from './tokens';

function issuer(): { clock: ManualClock; tokens: TokenIssuer } {
  const clock = new ManualClock();
  return { clock, tokens: new TokenIssuer(clock, seededRandom(5)) };
}

describe('TokenIssuer', () => {
  it('accepts a token only from the IP it was issued to', () => {
    const { tokens } = issuer();
    const t = tokens.issue('10.0.0.1');
    expect(t.length).toBe(DHT_TOKEN_BYTES);
    expect(tokens.verify(t, '10.0.0.1')).toBe(true);
    expect(tokens.verify(t, '10.0.0.2')).toBe(false);
  });

  it('rejects forged and truncated tokens', () => {
    const { tokens } = issuer();
    const t = tokens.issue('10.0.0.1');
    const forged = t.slice();
    forged[0] = forged[0]! ^ 1;
    expect(tokens.verify(forged, '10.0.0.1')).toBe(false);
    expect(tokens.verify(t.subarray(0, 4), '10.0.0.1')).toBe(false);
    expect(tokens.verify(new Uint8Array(DHT_TOKEN_BYTES), '10.0.0.1')).toBe(false);
  });

  it('still accepts a token after one rotation (the previous secret)', () => {
    const { clock, tokens } = issuer();
    const t = tokens.issue('10.0.0.1');
    clock.advance(DHT_TOKEN_ROTATE_MS + 1);
    expect(tokens.verify(t, '10.0.0.1')).toBe(true);
    // A new token is made with the new secret.
    expect(tokens.issue('10.0.0.1')).not.toEqual(t);
  });

  it('rejects a token after two rotations', () => {
    const { clock, tokens } = issuer();
    const t = tokens.issue('10.0.0.1');
    clock.advance(DHT_TOKEN_ROTATE_MS);
    expect(tokens.verify(t, '10.0.0.1')).toBe(true);
    clock.advance(DHT_TOKEN_ROTATE_MS);
    expect(tokens.verify(t, '10.0.0.1')).toBe(false);
  });

  it('rejects an old token after a long idle time with no call in between', () => {
    const { clock, tokens } = issuer();
    const t = tokens.issue('10.0.0.1');
    clock.advance(3 * DHT_TOKEN_ROTATE_MS);
    expect(tokens.verify(t, '10.0.0.1')).toBe(false);
    const fresh = tokens.issue('10.0.0.1');
    clock.advance(DHT_TOKEN_ROTATE_MS);
    expect(tokens.verify(fresh, '10.0.0.1')).toBe(true);
  });
});
