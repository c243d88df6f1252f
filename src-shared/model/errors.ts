/**
 * Errors cross the boundary as `{ code, message }` (docs/ARCHITECTURE.md section 2). This list is the
 * only one: the host maps thrown errors onto it and the renderer checks received codes with it.
 */
export const errorCodes = [
  'bad-request',
  'unknown-command',
  'not-found',
  'invalid-torrent',
  'already-exists',
  'io',
  'bind',
  'cancelled',
  'forbidden',
  'internal',
  // --- disk faults (issue 15) ---
  /** Files that held a torrent's verified data are gone (deleted, or their drive unplugged). */
  'files-missing',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

const errorCodeSet: ReadonlySet<string> = new Set(errorCodes);

/** True when `code` is one of the contract's error codes (for codes read from a peer or host). */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && errorCodeSet.has(code);
}

export interface ErrorPayload {
  code: ErrorCode;
  message: string;
}

export class ContractError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'ContractError';
    this.code = code;
  }
  toPayload(): ErrorPayload {
    return { code: this.code, message: this.message };
  }
}
