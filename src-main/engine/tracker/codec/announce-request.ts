/**
 * The announce a peer makes, as one type shared by the HTTP (BEP 3) and UDP (BEP 15) codecs.
 * Invariant: a decoded `AnnounceRequest` is already valid: 20-byte info-hash and peer id,
 * a port in 1..65535, non-negative safe-integer byte counts, a known event.
 */
export type AnnounceEvent = 'none' | 'started' | 'completed' | 'stopped';

export interface AnnounceRequest {
  infoHash: Uint8Array;
  peerId: Uint8Array;
  port: number;
  uploaded: number;
  downloaded: number;
  left: number;
  event: AnnounceEvent;
  /** null: the client did not say (the tracker uses its default). */
  numwant: number | null;
  /** BEP 23: null when the client did not say. */
  compact: boolean | null;
  noPeerId: boolean;
  key: string | null;
  trackerId: string | null;
  /** The `ip` the client claims; trackers ignore it unless the operator allows it. */
  ip: string | null;
}

/** BEP 3: info-hashes and peer ids are 20 bytes. */
export const INFO_HASH_BYTES = 20;
export const PEER_ID_BYTES = 20;
