import { EngineError } from '../errors';

/** The pool was closed, or a worker failed, while a task was pending. */
export class HashWritePoolError extends EngineError {
  readonly operation: string;

  constructor(operation: string, message: string, cause?: unknown) {
    super('internal', `${operation}: ${message}`, cause);
    this.name = 'HashWritePoolError';
    this.operation = operation;
  }
}

/** Raised when an AbortSignal stops hashing, shaped like the AbortError of Node's own APIs. */
export class AbortError extends Error {
  readonly code = 'ABORT_ERR';

  constructor(message = 'hashing was aborted', cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'AbortError';
  }
}

/** A worker's positional write failed; `code` is the system error code when there is one. */
export class DiskWriteError extends Error {
  readonly code: string | null;

  constructor(message: string, code: string | null) {
    super(message);
    this.name = 'DiskWriteError';
    this.code = code;
  }
}
