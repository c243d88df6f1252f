import { describe, expect, it } from 'vitest';
import { MseError } from '../crypto/mse-error';
import { ConnectFailures, closeFailureKind, dialFailureKind } from './connect-failures';

const errno = (code: string): Error => Object.assign(new Error(`connect ${code}`), { code });

describe('connect failures', () => {
  it('maps socket errors and our connect timer to kinds', () => {
    expect(dialFailureKind(errno('ECONNREFUSED'))).toBe('refused');
    expect(dialFailureKind(errno('ETIMEDOUT'))).toBe('timed-out');
    expect(dialFailureKind(new Error('connect timeout'))).toBe('timed-out');
    expect(dialFailureKind(errno('EHOSTUNREACH'))).toBe('unreachable');
    expect(dialFailureKind(new MseError('timeout', 'read-yb', 'no answer'))).toBe('encryption');
    expect(dialFailureKind(new Error('something else'))).toBe('other');
  });

  it('counts only the closes that mean "no peer here"', () => {
    expect(closeFailureKind('info-hash-mismatch')).toBe('handshake-mismatch');
    expect(closeFailureKind('banned')).toBe('banned');
    expect(closeFailureKind('timeout')).toBe('timed-out');
    expect(closeFailureKind('remote-closed')).toBeNull();
    expect(closeFailureKind('not-wanted')).toBeNull();
  });

  it('counts by kind and resets', () => {
    const f = new ConnectFailures();
    f.note('refused');
    f.note('refused');
    f.note(null);
    f.note('banned');
    expect(f.snapshot()).toEqual({ refused: 2, banned: 1 });
    f.reset();
    expect(f.snapshot()).toEqual({});
  });
});
