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

  constructor(
    code: TrackerProtocolErrorCode,
    operation: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${operation}: ${message}`, options);
    this.name = 'TrackerProtocolError';
    this.code = code;
    this.operation = operation;
  }
}
