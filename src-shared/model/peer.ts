import type { ChokeReason, RemoteReason } from './explain';

/** A connected peer as the Peers tab shows it. */
export interface PeerFlags {
  /** We are choking the peer. */
  amChoking: boolean;
  amInterested: boolean;
  /** The peer is choking us. */
  peerChoking: boolean;
  peerInterested: boolean;
  /** Unchoked by the optimistic slot. */
  optimistic: boolean;
  /** No block received from it for a while although requests are pending. */
  snubbed: boolean;
  /** The peer dialled us. */
  incoming: boolean;
  encrypted: boolean;
  /** It supports BEP 6 (Fast Extension). */
  fast: boolean;
  /** It supports BEP 10 (Extension Protocol). */
  extended: boolean;
}

export interface PeerSnapshot {
  /** `address:port`, unique within a torrent. */
  key: string;
  address: string;
  port: number;
  /** Decoded from the peer id or the BEP 10 `v` field, e.g. "libtorrent 2.0.8". */
  client: string;
  peerIdHex: string;
  flags: PeerFlags;
  /** 0..1 of the pieces the peer has. */
  progress: number;
  downRateBps: number;
  upRateBps: number;
  downloadedBytes: number;
  uploadedBytes: number;
  requestsInFlight: number;
  connectedAt: number;
  /** Where we learnt this peer's address (issue 17); 'incoming' when it dialled us. */
  source: PeerSource;
  // --- uTP (issue 18) ---
  /** How the bytes travel: TCP or uTP (BEP 29). */
  transport: 'tcp' | 'utp';
  // --- explainer (issue 19) ---
  /** Why we choke or unchoke it: the choker's latest decision. Absent from older hosts. */
  chokeReason?: ChokeReason;
  /** Why it sends us data or not, from its flags and what it has. */
  remoteReason?: RemoteReason;
  /** Pieces it has that we still want. */
  neededPieces?: number;
}

/** One entry of the per-peer protocol event stream (the Log tab, the log file). */
export type PeerEventType =
  | 'connect'
  | 'handshake'
  | 'extended-handshake'
  | 'choke'
  | 'unchoke'
  | 'interested'
  | 'not-interested'
  | 'have'
  | 'bitfield'
  | 'request'
  | 'piece'
  | 'cancel'
  | 'reject'
  | 'allowed-fast'
  | 'extended'
  | 'hash-failed'
  | 'close';

export interface PeerEvent {
  at: number;
  peer: string;
  /** 'in' for what the peer sent, 'out' for what we sent, 'local' for our own decisions. */
  dir: 'in' | 'out' | 'local';
  type: PeerEventType;
  detail: string;
}

// --- peer sources (issue 17) ---
/** Where a peer's address came from: the Peers tab's Source column and the per-source counts. */
export type PeerSource = 'tracker' | 'dht' | 'pex' | 'lsd' | 'manual' | 'incoming' | 'magnet';

export const peerSources: readonly PeerSource[] = [
  'tracker',
  'dht',
  'pex',
  'lsd',
  'manual',
  'incoming',
  'magnet',
];
