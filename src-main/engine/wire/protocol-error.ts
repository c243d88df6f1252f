/**
 * The one error type of the wire codecs. Every malformed byte sequence a peer can send ends in a
 * `ProtocolError`; anything else escaping a codec is a bug. The peer connection turns it into a
 * 'protocol-error' close of that one peer.
 */
export type ProtocolErrorCode =
  | 'bad-handshake'
  | 'frame-too-large'
  | 'unknown-message'
  | 'bad-message-length'
  | 'bad-bitfield'
  | 'bad-extended-handshake'
  | 'unexpected-message'
  /** A BEP 11 ut_pex message that is malformed or over its limits (issue 17). */
  | 'bad-pex';

export class ProtocolError extends Error {
  readonly code: ProtocolErrorCode;
  /** What was being decoded, e.g. 'decode-frame'. */
  readonly operation: string;

  constructor(code: ProtocolErrorCode, operation: string, message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'ProtocolError';
    this.code = code;
    this.operation = operation;
  }
}
