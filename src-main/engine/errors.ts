import type { ErrorCode } from '../../src-shared/model';

/** An engine error with a code the hosts pass on as `{ code, message }`. */
export class EngineError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'EngineError';
    this.code = code;
  }
}
