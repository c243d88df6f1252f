/**
 * The announce a peer makes: the one shape for both directions and both protocols. The client
 * builds it and hands it to the HTTP (BEP 3) or UDP (BEP 15) encoder; the server's fronts
 * decode into it and pass it to the core. Only the registry sees less (`RegistryAnnounce`):
 * the address the core decided on instead of the claimed `ip`.
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
  /** BEP 23: null when the client did not say (an encoder then asks for compact). */
  compact: boolean | null;
  noPeerId: boolean;
  /** Hex over UDP, where it is a uint32; free text (bounded) over HTTP. */
  key: string | null;
  trackerId: string | null;
  /** The `ip` the client claims; trackers ignore it unless the operator allows it. */
  ip: string | null;
}

/** BEP 3: info-hashes and peer ids are 20 bytes. */
export const INFO_HASH_BYTES = 20;
export const PEER_ID_BYTES = 20;
