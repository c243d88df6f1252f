/**
 * Why one request to one tracker failed. The client turns it into that tracker's `lastError`
 * and moves on (next tracker in the tier, or a backoff); it never escapes the client.
 */
export type TrackerRequestErrorCode =
  | 'failure-reason' // the tracker answered with BEP 3 `failure reason` (or a BEP 15 error)
  | 'timeout'
  | 'http-status'
  | 'too-large'
  | 'network'
  | 'protocol' // the answer did not decode
  | 'unsupported' // a URL scheme we do not speak
  | 'cancelled';

export class TrackerRequestError extends Error {
  readonly code: TrackerRequestErrorCode;
  readonly operation: string;

  constructor(code: TrackerRequestErrorCode, operation: string, message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'TrackerRequestError';
    this.code = code;
    this.operation = operation;
  }
}
