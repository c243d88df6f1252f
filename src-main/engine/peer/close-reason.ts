/**
 * Why a peer connection ended. Every close carries one of these codes; a peer's fault closes
 * only that peer (docs/ARCHITECTURE.md section 3).
 */
export type CloseReason =
  /** The peer broke the wire protocol (bad frame, message out of place, unrequested data). */
  | 'protocol-error'
  /** The handshake did not complete in time. */
  | 'timeout'
  /** Nothing received for too long (BEP 3 keep-alives are two minutes apart). */
  | 'keepalive-timeout'
  /** A frame begun did not complete in time: the peer trickles bytes (FRAME_RECEIVE_TIMEOUT_MS). */
  | 'frame-timeout'
  | 'remote-closed'
  | 'socket-error'
  | 'banned'
  /** A second connection to the same peer. */
  | 'duplicate'
  /** We do not want this peer now: torrent paused or removed, or both sides are seeds. */
  | 'not-wanted'
  | 'too-many-peers'
  /** The peer sent data that failed its hash check. */
  | 'bad-data'
  | 'info-hash-mismatch'
  /** We dialled ourselves: the remote peer id is ours. */
  | 'self-connection'
  | 'shutdown';

/** A failure of a peer connection before or outside the wire codecs (timeouts, socket ends). */
export class PeerError extends Error {
  readonly code: CloseReason;
  readonly operation: string;

  constructor(code: CloseReason, operation: string, message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'PeerError';
    this.code = code;
    this.operation = operation;
  }
}
