/**
 * What a torrent shows (summary, peers, piece map, files, seeding stats), gathered from its
 * parts; status.ts turns the plain numbers into the shared model.
 *
 * Invariants:
 * - Read-only: gathering a view changes no state of the torrent.
 * - The picker is read through the source on each call, since a recheck replaces it.
 * - summary() runs on every change: it is O(peers + files), never O(pieces) (haveBytes is O(1)).
 */
import type {
  FileProgress,
  PeerSnapshot,
  PieceMapFull,
  SeedingStats,
  TorrentState,
  TorrentSummary,
} from '../../../src-shared/model';
import { toMagnet } from '../metainfo';
import type { FilePriorities } from './file-priorities';
import type { TransferCounters } from './transfer-counters';
import type { TorrentContext } from './torrent-context';
import { buildSeedingStats, buildSummary, pieceMapOf, verifiedBytes } from './status';

/** The parts of the torrent a snapshot reads. */
export type SnapshotParts = Pick<
  TorrentContext,
  'id' | 'meta' | 'layout' | 'picker' | 'peers' | 'failedPieces'
>;

/** What only the torrent's lifecycle knows, read on each call. */
export interface Lifecycle {
  state: TorrentState;
  error: string | null;
  checkedBytes: number;
  completedAt: number | null;
  seedingSince: number | null;
}

export interface SnapshotSource {
  savePath: string;
  addedAt: number;
  files: FilePriorities;
  counters: TransferCounters;
  life(): Lifecycle;
}

export class TorrentSnapshot {
  constructor(
    private readonly t: SnapshotParts,
    private readonly s: SnapshotSource,
  ) {}

  /** Bytes of the verified pieces. */
  haveBytes(): number {
    const { meta, layout, picker } = this.t;
    const last = meta.pieceCount - 1;
    return verifiedBytes(
      { ...meta, lastPieceBytes: layout.pieceSize(last) },
      picker.haveCount(),
      picker.have(last),
    );
  }

  leftBytes(): number {
    return Math.max(0, this.t.meta.totalLength - this.haveBytes());
  }

  summary(): TorrentSummary {
    const { meta, picker, peers } = this.t;
    const { counters, files } = this.s;
    const life = this.s.life();
    let seeds = 0;
    for (const p of peers.values()) if (p.conn.peerBitfield.isFull()) seeds++;
    return buildSummary({
      id: this.t.id,
      name: meta.name,
      totalLength: meta.totalLength,
      state: life.state,
      error: life.error,
      checkedBytes: life.checkedBytes,
      wantedBytes: files.wantedBytes,
      verifiedWantedBytes: files.verifiedWantedBytes(
        () => this.haveBytes(),
        (i) => picker.have(i),
      ),
      verifiedBytes: meta.totalLength - this.leftBytes(),
      complete: picker.isComplete(),
      downRateBps: counters.downRateBps(),
      upRateBps: counters.upRateBps(),
      downloadedBytes: counters.downloadedBytes,
      uploadedBytes: counters.uploadedBytes,
      peers: peers.size,
      seeds,
      pieceCount: meta.pieceCount,
      pieceLength: meta.pieceLength,
      verifiedPieces: picker.haveCount(),
      availability: picker.availabilityCopies(), // --- the Availability column (issue 21)
      savePath: this.s.savePath,
      addedAt: this.s.addedAt,
      completedAt: life.completedAt,
      magnet: toMagnet(meta),
      private: meta.private,
    });
  }

  peerSnapshots(): PeerSnapshot[] {
    return [...this.t.peers.values()].map((p) => ({
      ...p.conn.snapshot(),
      key: p.key,
      address: p.address,
      port: p.port,
      source: p.source,
    }));
  }

  pieceMap(): PieceMapFull {
    const { picker } = this.t;
    return pieceMapOf(picker.pieceStates(), this.t.failedPieces, picker.availability());
  }

  fileProgress(): FileProgress[] {
    const bytes = this.t.layout.fileProgress((i) => this.t.picker.have(i));
    return this.t.meta.files.map((f, index) => ({
      index,
      path: f.path.join('/'),
      sizeBytes: f.length,
      progress: f.length === 0 ? 1 : (bytes[index] ?? 0) / f.length,
      priority: this.s.files.get(index),
    }));
  }

  seedingStats(): SeedingStats {
    const { counters } = this.s;
    return buildSeedingStats({
      uploadedBytes: counters.uploadedBytes,
      heldBytes: this.t.meta.totalLength - this.leftBytes(),
      seedingSince: this.s.life().seedingSince,
      peersServed: counters.peersServed,
      upRateHistoryBps: counters.upRateHistoryBps,
    });
  }
}
