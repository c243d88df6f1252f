/**
 * What a PeerConnection is given and what it reports: its options, its events, and its timeouts
 * with their defaults. The state machine itself is in peer-connection.ts.
 */
import type { Duplex } from 'node:stream';
import { FRAME_RECEIVE_TIMEOUT_MS, HANDSHAKE_TIMEOUT_MS } from '../limits';
import type { VolatileReads } from '../net/shared-read-buffer';
import type { Clock } from '../time/clock';
import type { Bitfield } from '../wire/bitfield';
import type { ExtendedHandshake } from '../wire/extension-handshake';
import type { Handshake } from '../wire/handshake';
import type { BlockRef } from '../wire/message';
import type { PeerLogEntry } from './block-log';
import type { CloseReason } from './close-reason';
import type { PeerTransport } from './transport';

/** BEP 3: keep-alives are sent about every two minutes; we send after 90 s of silence. */
export const KEEPALIVE_INTERVAL_MS = 90_000;
/** A peer that sent nothing, not even a keep-alive, for this long is gone. */
export const IDLE_TIMEOUT_MS = 150_000;
/** A request unanswered this long (while the peer also sends nothing else) is given up. */
export const REQUEST_TIMEOUT_MS = 60_000;
/** No block for this long while requests are pending: the peer is snubbing us. */
export const SNUB_TIMEOUT_MS = 60_000;
/** Bytes we let the send buffer hold before asking the uploader to wait for 'drain'. */
export const SEND_BUFFER_BYTES = 1024 * 1024;

export interface BlockReceived {
  index: number;
  begin: number;
  /** A view of the received bytes; copy it if kept beyond the listener. */
  data: Uint8Array;
  /** We had cancelled it, or it expired, or a choke dropped it: it may be a duplicate. */
  late: boolean;
}

export interface PeerConnectionEvents {
  /** The remote handshake was accepted. Send the bitfield (or have-all / have-none) now. */
  handshake: Handshake;
  'extended-handshake': ExtendedHandshake;
  /** The peer choked us; the payload lists our requests it dropped (none with BEP 6). */
  choke: BlockRef[];
  unchoke: undefined;
  interested: undefined;
  'not-interested': undefined;
  have: number;
  /** `peerBitfield` now holds the peer's pieces. */
  bitfield: Bitfield;
  'have-all': undefined;
  'have-none': undefined;
  /** The peer asks us for a block; answer with sendPiece or reject. */
  request: BlockRef;
  /** The peer cancelled a request (already rejected when BEP 6 is on). */
  cancel: BlockRef;
  block: BlockReceived;
  /** BEP 6: the peer will not serve our request. */
  reject: BlockRef;
  'allowed-fast': number;
  suggest: number;
  extended: { extId: number; payload: Uint8Array };
  /** BEP 5: the peer's DHT port. */
  port: number;
  snubbed: undefined;
  /** The send buffer drained below its limit: the uploader may write again. */
  drain: undefined;
  closed: { reason: CloseReason; error?: Error };
}

export interface PeerTimeouts {
  handshakeMs: number;
  keepAliveIntervalMs: number;
  idleMs: number;
  requestMs: number;
  snubMs: number;
  /** A frame must complete this long after its first byte. */
  frameMs: number;
}

export interface PeerConnectionOptions {
  /** The bytes under the connection. Give this, or `socket` (wrapped in a TcpTransport). */
  transport?: PeerTransport;
  /** A net.Socket (or any Duplex, in tests), wrapped in a TcpTransport with `reads`. */
  socket?: Duplex;
  /**
   * The socket's reads come through here instead of 'data' events, as views of a reused buffer
   * (net/shared-read-buffer): then a 'block' event's `data` is valid only during the event.
   */
  reads?: VolatileReads;
  clock: Clock;
  infoHash: Uint8Array;
  /** Ours. */
  peerId: Uint8Array;
  pieceCount: number;
  /** The peer dialled us. */
  incoming: boolean;
  /** What we offer; each is on only if the peer offers it too. */
  extensions: { fast: boolean; extended: boolean };
  /** BEP 10 `v`, e.g. "Swarmscope 0.1.0". */
  clientVersion: string;
  /** BEP 10 `reqq`: requests we accept queued from this peer (clamped to our upload limit). */
  reqq: number;
  maxFrameBytes?: number;
  /**
   * Our handshake already went out ahead of the connection (as MSE's initial payload, see
   * ourHandshake): the connection does not send it again.
   */
  handshakeSent?: boolean;
  /** Incoming: the handshake the listener already read (see readHandshake). */
  handshakeReceived?: Handshake;
  /** Incoming: bytes that followed that handshake. */
  initialBytes?: Uint8Array;
  /** Extra BEP 10 handshake fields: extension ids (`m`), `p`, `metadata_size`. */
  extendedHandshake?: Partial<Omit<ExtendedHandshake, 'v' | 'reqq'>>;
  /**
   * Bytes in piece `index`: when given, a request past the piece's end closes the peer. (Without
   * it the torrent refuses such a request itself.)
   */
  pieceBytes?: (index: number) => number;
  /**
   * BEP 9: a magnet's connection before the metadata is known (pieceCount 0): the peer's piece
   * availability (bitfield, haves, allowed-fast, suggest) means nothing yet and is ignored.
   */
  metadataOnly?: boolean;
  /** Request queue ceiling for this peer, below MAX_REQUEST_QUEUE_DEPTH. */
  maxQueueDepth?: number;
  timeouts?: Partial<PeerTimeouts>;
  onLog?: (e: PeerLogEntry) => void;
}

/** The timeouts given, the defaults for the rest. */
export function resolveTimeouts(given: Partial<PeerTimeouts> = {}): PeerTimeouts {
  return {
    handshakeMs: HANDSHAKE_TIMEOUT_MS,
    keepAliveIntervalMs: KEEPALIVE_INTERVAL_MS,
    idleMs: IDLE_TIMEOUT_MS,
    requestMs: REQUEST_TIMEOUT_MS,
    snubMs: SNUB_TIMEOUT_MS,
    frameMs: FRAME_RECEIVE_TIMEOUT_MS,
    ...given,
  };
}
