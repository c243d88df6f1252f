import { describe, expect, it } from 'vitest';
import { errorCodes, isErrorCode } from './errors';

describe('error codes', () => {
  it('recognises exactly the listed codes', () => {
    for (const code of errorCodes) expect(isErrorCode(code)).toBe(true);
    for (const other of ['EACCES', 'Internal', '', 'toString', '__proto__', 7, null, undefined]) {
      expect(isErrorCode(other)).toBe(false);
    }
  });
});
