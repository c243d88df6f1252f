import { describe, expect, it } from 'vitest';
import { ApiError, toApiError } from './api-error';

describe('toApiError', () => {
  it('keeps a contract code and turns any other code into internal', () => {
    expect(toApiError({ code: 'not-found', message: 'gone' })).toMatchObject({
      code: 'not-found',
      message: 'gone',
    });
    expect(toApiError({ code: 'ENOENT', message: 'x' }).code).toBe('internal');
    expect(toApiError('boom')).toMatchObject({ code: 'internal', message: 'boom' });
    const same = new ApiError('io', 'disk');
    expect(toApiError(same)).toBe(same);
  });
});
