/**
 * The one error type of the tracker codecs. Every malformed input, whatever its bytes, ends as
 * a `TrackerProtocolError` with a stable `code`; nothing else is thrown by a decoder.
 */
export type TrackerProtocolErrorCode =
  | 'truncated'
  | 'bad-length'
  | 'bad-action'
  | 'bad-bencode'
  | 'bad-field'
  | 'bad-percent-encoding'
  | 'too-large';

export class TrackerProtocolError extends Error {
  readonly code: TrackerProtocolErrorCode;
  readonly operation: string;
  /** The request or response field at fault, when one is (e.g. `info_hash`, `port`). */
  readonly field: string | null;

  constructor(
    code: TrackerProtocolErrorCode,
    operation: string,
    message: string,
    options?: { cause?: unknown; field?: string },
  ) {
    super(
      `${operation}: ${message}`,
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'TrackerProtocolError';
    this.code = code;
    this.operation = operation;
    this.field = options?.field ?? null;
  }
}
