/**
 * A torrent added by magnet link whose metadata is not known yet (BEP 9): it is in the list at
 * once, in the 'fetching-metadata' state with its peer count, and gathers candidates from the
 * link's `x.pe` peers, its `tr` trackers (an announce needs only the info-hash) and whatever the
 * session feeds it (DHT, PEX, LSD, a manual peer). Its MetadataFetcher asks them for the info
 * dict; once it verifies, `metadataReady` hands it to the session, which replaces this entry
 * with an ordinary Torrent.
 *
 * Invariants:
 * - Nothing runs while paused or after `close()`: no timer, socket or tracker request.
 * - The summary has the shape of any torrent's, with zero size and no pieces.
 */
import type { PeerTransport } from '../peer/transport';
import type net from 'node:net';
import type {
  PeerSource,
  TorrentState,
  TorrentSummary,
  TrackerStatus,
} from '../../../src-shared/model';
import type { AddOptions } from '../api';
import { MetadataFetcher } from '../ext/metadata-fetcher';
import { CONNECT_TICK_MS, METADATA_PIECE_BYTES } from '../limits';
import type { Logger } from '../log/logger';
import type { ParsedMagnet } from '../metainfo';
import { magnetPeerAddress } from '../metainfo/magnet';
import type { Clock, Random, TimerHandle } from '../time/clock';
import { CandidateList } from '../torrent/candidates';
import { idleTrackerStatuses } from '../torrent/status';
import { TrackerClient } from '../tracker/client';
import type { AnnounceQueue } from '../tracker/client/announce-queue'; // --- issue 20
import type { Handshake } from '../wire/handshake';

export interface MagnetDeps {
  clock: Clock;
  random: Random;
  peerId: Uint8Array;
  clientVersion: string;
  listenPort: () => number;
  log: Logger;
  useTrackers: boolean;
  canConnect: () => boolean;
  connectionsChanged: (delta: number) => void;
  changed: () => void;
  /** The verified info dict; the session turns the magnet into a torrent. */
  metadataReady: (magnet: MagnetTorrent, info: Uint8Array) => void;
  /** --- issue 20: the session's announce queue (a magnet's announces are urgent: left > 0). */
  announceQueue?: AnnounceQueue;
}

export interface MagnetEntry {
  magnet: ParsedMagnet;
  /** The link as given, for "Copy magnet link". */
  uri: string;
  savePath: string;
  addedAt: number;
  opts: AddOptions;
}

export class MagnetTorrent {
  readonly id: string;
  readonly candidates = new CandidateList();
  private readonly fetcher: MetadataFetcher;
  private tracker: TrackerClient | null = null;
  private timer: TimerHandle | null = null;
  private state: TorrentState = 'paused';
  private errorMessage: string | null = null;
  private readonly trackerTiers: string[][];

  constructor(
    readonly entry: MagnetEntry,
    private readonly deps: MagnetDeps,
  ) {
    this.id = entry.magnet.infoHashHex;
    this.trackerTiers = entry.magnet.trackers.map((t) => [t]);
    const scope = `magnet ${this.id.slice(0, 8)}`;
    this.fetcher = new MetadataFetcher({
      clock: deps.clock,
      infoHash: Buffer.from(this.id, 'hex'),
      peerId: deps.peerId,
      clientVersion: deps.clientVersion,
      listenPort: deps.listenPort,
      log: deps.log,
      scope,
      candidates: this.candidates,
      canConnect: deps.canConnect,
      connectionsChanged: deps.connectionsChanged,
      changed: deps.changed,
      metadata: (info) => {
        deps.log.log('info', scope, `metadata verified: ${info.length} bytes`);
        void this.stop('fetching-metadata').then(() => deps.metadataReady(this, info));
      },
      failed: (message) => {
        deps.log.log('warn', scope, message);
        this.errorMessage = message;
        void this.stop('error');
      },
    });
    this.addCandidates(entry.magnet.peers.map(magnetPeerAddress), 'magnet');
  }

  get currentState(): TorrentState {
    return this.state;
  }

  get peerCount(): number {
    return this.fetcher.peerCount;
  }

  /** Assembled metadata that failed its hash (each closed its senders). */
  get hashFailures(): number {
    return this.fetcher.hashFailures;
  }

  /** Every address learnt so far, to hand to the torrent that replaces this magnet. */
  knownPeers(): { address: string; port: number; source: PeerSource }[] {
    return [...this.candidates.due(Number.POSITIVE_INFINITY)].map((c) => ({
      address: c.address,
      port: c.port,
      source: c.source,
    }));
  }

  start(): void {
    if (this.state === 'fetching-metadata' || this.state === 'error') return;
    this.state = 'fetching-metadata';
    this.timer = this.deps.clock.setInterval(() => this.fetcher.tick(), CONNECT_TICK_MS);
    if (this.deps.useTrackers && this.trackerTiers.length > 0) {
      this.tracker = new TrackerClient({
        infoHash: Buffer.from(this.id, 'hex'),
        peerId: this.deps.peerId,
        port: this.deps.listenPort(),
        announceList: this.trackerTiers,
        isPrivate: false,
        clock: this.deps.clock,
        random: this.deps.random,
        // Unknown until the metadata arrives; anything above 0 says "not a seed", so the
        // tracker hands us seeds.
        stats: () => ({ uploaded: 0, downloaded: 0, left: METADATA_PIECE_BYTES }),
        onPeers: (peers) => this.addCandidates(peers, 'tracker'),
        onLog: (level, msg) => this.deps.log.log(level, `tracker ${this.id.slice(0, 8)}`, msg),
        queue: this.deps.announceQueue, // --- issue 20
      });
      this.tracker.start();
    }
    this.fetcher.start();
    this.deps.changed();
  }

  /** Closes connections, stops the timer and tells the trackers; `start` may follow. */
  async stop(state: TorrentState = 'paused'): Promise<void> {
    this.timer?.cancel();
    this.timer = null;
    this.fetcher.stop();
    const tracker = this.tracker;
    this.tracker = null;
    this.state = state;
    if (tracker) await tracker.stop();
    this.deps.changed();
  }

  async close(): Promise<void> {
    await this.stop();
  }

  addCandidates(peers: { address: string; port: number }[], source: PeerSource): void {
    if (this.candidates.add(peers, source, () => false) > 0) this.fetcher.tick();
  }

  acceptIncoming(socket: net.Socket, handshake: Handshake, rest: Uint8Array): void {
    this.fetcher.acceptIncoming(socket, handshake, rest);
  }

  /** An incoming uTP connection (handshake read) or an MSE one (handshake to follow). */
  acceptTransport(
    transport: PeerTransport,
    address: string,
    port: number,
    handshake: Handshake | null,
    rest: Uint8Array | null,
  ): void {
    this.fetcher.acceptTransport(transport, address, port, handshake, rest);
  }

  trackerStatuses(): TrackerStatus[] {
    return this.tracker ? this.tracker.statuses() : idleTrackerStatuses(this.trackerTiers);
  }

  summary(): TorrentSummary {
    const { magnet, uri, savePath, addedAt } = this.entry;
    const { received, pieces } = this.fetcher.progress;
    return {
      id: this.id,
      name: magnet.name ?? this.id,
      sizeBytes: 0,
      progress: 0,
      state: this.state,
      error: this.errorMessage,
      // The metadata's share fetched, 0..1, shown where a check's progress would be.
      checkProgress: pieces > 0 ? received / pieces : 0,
      downRateBps: 0,
      upRateBps: 0,
      downloadedBytes: 0,
      uploadedBytes: 0,
      etaSec: null,
      peers: this.fetcher.peerCount,
      seeds: 0,
      ratio: 0,
      pieceCount: 0,
      pieceLength: 0,
      verifiedPieces: 0,
      savePath,
      addedAt,
      completedAt: null,
      magnet: uri,
      private: false,
    };
  }
}
