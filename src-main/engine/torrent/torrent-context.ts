/**
 * A torrent's options and dependencies, and what its parts share: the torrent hands a
 * TorrentContext to its peer wiring and its downloader, so they see its state through one
 * narrow surface instead of its private fields.
 */
import type { PeerEvent, PeerSource, TorrentState } from '../../../src-shared/model';
import type { HashWritePool } from '../hash';
import type { Clock, Random, TimerHandle } from '../time/clock';
import type { TokenBucket } from '../net/token-bucket';
import type { Logger } from '../log/logger';
import type { Metainfo } from '../metainfo';
import type { PiecePicker } from '../picker';
import type { FileLayout } from '../storage/file-layout';
import type { Storage } from '../storage/storage';
import type { PeerConnection } from '../peer/peer-connection';
import type { CandidateList } from './candidates';
import type { BanPolicy } from './ban-policy';
import type { AddressPolicy } from './address-policy';
import type { PieceAssembly } from './download-pipeline';
import type { Uploader, UploadPeer } from './uploader';
import type { ResumeData } from '../session/resume-file';
import type { PexExchange } from './pex';
// --- uTP (issue 18) ---
import type { PeerTransports } from '../../../src-shared/model';
import type { UtpTransport } from '../utp/utp-transport';
import type { EncryptionPolicy } from '../crypto/mse-handshake';
// --- explainer (issue 19) ---
import type { ConnectFailures } from './connect-failures';
// --- piece origins (issue 19) ---
import type { PieceOrigins } from './piece-origins';
// --- timeline (issue 19) ---
import type { PeerTimeline } from './peer-timeline';
// --- a thousand torrents (issue 20) ---
import type { AnnounceQueue } from '../tracker/client/announce-queue';

export interface TorrentDeps {
  clock: Clock;
  random: Random;
  hashWritePool: HashWritePool;
  peerId: Uint8Array;
  clientVersion: string;
  listenPort: () => number;
  log: Logger;
  downBucket: TokenBucket;
  upBucket: TokenBucket;
  /** May one more connection be opened, session-wide? */
  canConnect: () => boolean;
  connectionsChanged: (delta: number) => void;
  changed: () => void;
  peerEvent: (event: PeerEvent) => void;
  completed: () => void;
  failed: (message: string) => void;
  /**
   * A data check finished (resume data, issue 15). `learned`: it read data or found files
   * changed, so its result is worth saving at once; otherwise it found what the resume data said.
   */
  checked?: (learned: boolean) => void;
  /** The session's PEX setting (issue 17); on when absent. Private torrents never use PEX. */
  pexEnabled?: () => boolean;
  // --- uTP (issue 18) ---
  /** Which transports to dial (default TCP only, as before uTP). */
  transports?: () => PeerTransports;
  /** Starts a uTP dial, or returns null when uTP is off or unavailable. */
  dialUtp?: (address: string, port: number) => UtpTransport | null;
  // --- encryption, MSE/PE (issue 18) ---
  /** The policy for each new dial; plaintext only when absent. */
  encryption?: () => EncryptionPolicy;
  // --- a thousand torrents (issue 20) ---
  /** The session's announce queue; trackers are announced to at once when absent. */
  announceQueue?: AnnounceQueue;
}

export interface TorrentOptions {
  meta: Metainfo;
  savePath: string;
  storage: Storage;
  /** Absolute path of every file, for checking existing data in the hash-and-write pool; null for memory. */
  filePaths: string[] | null;
  skipFiles?: number[];
  maxConnections: number;
  /** Use trackers from the metainfo (off in tests that add peers by hand). */
  useTrackers?: boolean;
  addedAt: number;
  /** All-time totals of earlier runs (session.json): ratios survive restarts; trackers get this run's. */
  priorTotals?: { uploadedBytes: number; downloadedBytes: number; activeSeconds?: number };
  /** Regular unchoke slots; -1 for unlimited (full-speed seeding to many). */
  unchokeSlots?: number;
  /** Memory for piece data in a download (default PIECE_BUFFER_POOL_BYTES; see requestsWanted). */
  pipelineBudgetBytes?: number;
  /** The caller just hashed this data (create-and-seed): every piece is had, skip the check. */
  complete?: boolean;
  /** Connections per IP address (default MAX_CONNECTIONS_PER_IP); see AddressPolicy. */
  maxConnectionsPerIp?: number;
  /** Treat each loopback address as one host too (per-IP cap and bans); off by default. */
  limitLoopbackPeers?: boolean;
  // --- resume data (issue 15) ---
  /** Checked resume data from the last run: the first check trusts unchanged files. */
  resume?: ResumeData | null;
  /** Every file's absolute path, to stamp (size, mtime) in resume data; null keeps none. */
  stampPaths?: string[] | null;
}

export interface PeerState extends UploadPeer {
  readonly conn: PeerConnection;
  readonly address: string;
  readonly port: number;
  /** The candidate we dialled for this connection; null for an incoming one. */
  readonly candidateKey: string | null;
  /** Where its address came from: the candidate's source, or 'incoming' (issue 17). */
  readonly source: PeerSource;
}

export interface TorrentContext {
  readonly id: string;
  readonly meta: Metainfo;
  readonly layout: FileLayout;
  readonly deps: TorrentDeps;
  readonly storage: Storage;
  readonly picker: PiecePicker;
  readonly peers: Map<string, PeerState>;
  readonly candidates: CandidateList;
  readonly bans: BanPolicy;
  readonly addresses: AddressPolicy;
  readonly assembly: PieceAssembly;
  readonly uploader: Uploader;
  /** Peer exchange (BEP 11): offered in the extended handshake, fed each ut_pex message. */
  readonly pex: PexExchange;
  /** Pieces that failed their hash and are missing again, for the piece map. */
  readonly failedPieces: Set<number>;
  readonly pipelineBudgetBytes: number;
  // --- piece origins (issue 19) ---
  /** Which peer delivered each verified piece; the downloader notes every block's sender. */
  readonly origins: PieceOrigins;
  // --- timeline (issue 19) ---
  /** What each peer did (the Timeline tab); absent in tests of one part alone. */
  readonly timeline?: PeerTimeline;
  maxConnections(): number;
  stopped(): boolean;
  state(): TorrentState;
  isComplete(): boolean;
  /** Puts the torrent in the error state (the first fault wins). */
  fail(operation: string, err: unknown): void;
  completed(): void;
  downloaded(bytes: number): void;
  peerInterestChanged(key: string): void;
  peerGone(key: string): void;
  /** A timer cancelled by the torrent's stop(). */
  keepTimer(timer: TimerHandle): void;
  logPeer(peer: string, dir: PeerEvent['dir'], type: PeerEvent['type'], detail: string): void;
  /** A local event for the protocol log, also logged as a warning. */
  logLocal(peer: string, type: PeerEvent['type'], detail: string): void;
  // --- explainer (issue 19) ---
  /** Why dials and new connections failed since the torrent started. */
  readonly connectFailures: ConnectFailures;
}
