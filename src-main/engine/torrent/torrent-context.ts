/**
 * What a torrent's parts share: the torrent hands this to its peer wiring and its downloader,
 * so they see its state through one narrow surface instead of its private fields.
 */
import type { PeerEvent, TorrentState } from '../../../src-shared/model';
import type { Metainfo } from '../metainfo';
import type { PiecePicker } from '../picker';
import type { FileLayout } from '../storage/file-layout';
import type { Storage } from '../storage/storage';
import type { PeerConnection } from '../peer/peer-connection';
import type { TimerHandle } from '../time/clock';
import type { Bitfield } from '../wire';
import type { CandidateList } from './candidates';
import type { BanPolicy } from './ban-policy';
import type { PieceAssembly } from './download-pipeline';
import type { Uploader, UploadPeer } from './uploader';
import type { TorrentDeps } from './torrent';

export interface PeerState extends UploadPeer {
  readonly conn: PeerConnection;
  readonly address: string;
  readonly port: number;
  /** The candidate we dialled for this connection; null for an incoming one. */
  readonly candidateKey: string | null;
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
  readonly assembly: PieceAssembly;
  readonly uploader: Uploader;
  /** Pieces that failed their hash and are missing again, for the piece map. */
  readonly failedPieces: Set<number>;
  readonly pipelineBudgetBytes: number;
  maxConnections(): number;
  stopped(): boolean;
  state(): TorrentState;
  isComplete(): boolean;
  haveBitfield(): Bitfield;
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
}
