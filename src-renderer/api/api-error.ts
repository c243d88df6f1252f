/**
 * The error every failed command rejects with in the renderer, whatever the transport:
 * `{ code, message }` from the host (docs/ARCHITECTURE.md section 2), or a local transport failure.
 */
import { isErrorCode, type ErrorCode } from '../../src-shared/model';

export class ApiError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
  }
}

/** Normalises whatever a transport rejected with (a payload, an Error, anything) to ApiError. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (typeof err === 'object' && err !== null) {
    const { code, message } = err as { code?: unknown; message?: unknown };
    const text = typeof message === 'string' ? message : String(err);
    return new ApiError(isErrorCode(code) ? code : 'internal', text);
  }
  return new ApiError('internal', String(err));
}
