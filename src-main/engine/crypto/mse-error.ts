/**
 * The one error type of the MSE/PE handshake. Every way a remote party can fail the handshake ends
 * in an `MseError` with the `CloseReason` its peer is closed with; anything else escaping the
 * handshake is a bug.
 */
import type { CloseReason } from '../peer/close-reason';

export type MseErrorCode =
  /** The handshake did not finish within its time. */
  | 'timeout'
  /** The stream ended (or failed) before the handshake finished. */
  | 'closed'
  /** A Diffie-Hellman public key outside 2..P-2. */
  | 'bad-public-key'
  /** Responder: HASH('req1', S) not found after Ya within PadA's window. */
  | 'no-req1-sync'
  /** Initiator: ENCRYPT(VC) not found after Yb within PadB's window. */
  | 'no-vc-sync'
  /** Responder: the req2 hash names none of our torrents. */
  | 'unknown-info-hash'
  /** Responder: the decrypted verification constant is not 8 zero bytes. */
  | 'bad-vc'
  /** A pad length above 512. */
  | 'bad-pad-length'
  /** Responder: crypto_provide offers no method our policy accepts. */
  | 'no-common-method'
  /** Initiator: crypto_select is not exactly one of the methods we provided. */
  | 'bad-crypto-select'
  /** Responder with policy `disable`: the stream is encrypted. */
  | 'encryption-disabled'
  /** Responder with policy `require`: the stream is a plaintext BitTorrent handshake. */
  | 'plaintext-refused'
  /** The remote party sent more than the handshake can hold before reading on. */
  | 'too-much-data';

const CLOSE_REASONS: Record<MseErrorCode, CloseReason> = {
  timeout: 'timeout',
  closed: 'remote-closed',
  'bad-public-key': 'protocol-error',
  'no-req1-sync': 'protocol-error',
  'no-vc-sync': 'protocol-error',
  'unknown-info-hash': 'info-hash-mismatch',
  'bad-vc': 'protocol-error',
  'bad-pad-length': 'protocol-error',
  'no-common-method': 'not-wanted',
  'bad-crypto-select': 'protocol-error',
  'encryption-disabled': 'not-wanted',
  'plaintext-refused': 'not-wanted',
  'too-much-data': 'protocol-error',
};

export class MseError extends Error {
  readonly code: MseErrorCode;
  /** What the handshake was doing, e.g. 'read-yb'. */
  readonly operation: string;
  /** How the peer is closed for this failure. */
  readonly closeReason: CloseReason;

  constructor(code: MseErrorCode, operation: string, message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'MseError';
    this.code = code;
    this.operation = operation;
    this.closeReason = CLOSE_REASONS[code];
  }
}
