/** The fuzz harness can fail: an untyped error, a slow input or a saved fixture is caught. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkBytes, expectOnlyTyped, mutated } from './fuzz';

class TypedError extends Error {}

describe('fuzz harness', () => {
  it('lets typed errors through and reports any other error with the input', () => {
    const input = Uint8Array.of(1, 2);
    expect(() =>
      expectOnlyTyped(
        () => {
          throw new TypedError('fine');
        },
        [TypedError],
        input,
      ),
    ).not.toThrow();
    expect(() =>
      expectOnlyTyped(
        () => {
          throw new RangeError('Maximum call stack size exceeded');
        },
        [TypedError],
        input,
      ),
    ).toThrow('untyped error on input 0102: RangeError: Maximum call stack size exceeded');
  });

  it('fails a property with its shrunk counterexample', () => {
    expect(() =>
      checkBytes('harness-self-test', fc.uint8Array({ maxLength: 8 }), (b) => {
        if (b.length > 2) throw new TypeError('too long');
      }),
    ).toThrow(/harness-self-test: property failed .*\ninput: 000000\n/);
  });

  it('mutates valid inputs by overwriting, inserting and cutting bytes', () => {
    const seen = new Set<number>();
    fc.assert(
      fc.property(mutated(fc.constant(Uint8Array.of(1, 2, 3, 4))), (b) => {
        seen.add(b.length);
      }),
      { numRuns: 200, seed: 1 },
    );
    expect([...seen].some((n) => n < 4)).toBe(true);
    expect([...seen].some((n) => n > 4)).toBe(true);
  });
});
