/** Errors cross the boundary as `{ code, message }` (ARCHITECTURE.md section 2). */
export type ErrorCode =
  | 'bad-request'
  | 'unknown-command'
  | 'not-found'
  | 'invalid-torrent'
  | 'already-exists'
  | 'io'
  | 'bind'
  | 'cancelled'
  | 'forbidden'
  | 'internal';

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
