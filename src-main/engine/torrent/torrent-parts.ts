/**
 * The parts of a torrent that follow from its options alone: the file layout and priorities,
 * the address and ban policies, the piece assembly within its memory budget, the upload side
 * (read cache and uploader), the data check and the protocol log. Built here so the torrent
 * keeps lifecycle and wiring only.
 *
 * Invariants:
 * - The pipeline budget is never less than four pieces, whatever the options say.
 * - Only verified pieces are served: the uploader asks the current picker (a recheck replaces
 *   it) through `hooks.picker`.
 * - Building has no effect: no timer, socket or file is opened.
 */
import {
  BAN_AFTER_HASH_FAILURES,
  MAX_LOG_ENTRIES,
  PIECE_BUFFER_POOL_BYTES,
  PIECE_READ_CACHE_PIECES,
} from '../limits';
import { PiecePicker } from '../picker';
import type { Metainfo } from '../metainfo';
import type { Random } from '../time/clock';
import { FileLayout } from '../storage/file-layout';
import { AddressPolicy } from './address-policy';
import { BanPolicy } from './ban-policy';
import { PieceAssembly } from './download-pipeline';
import { PieceReadCache } from './read-cache';
import { Uploader, isServable } from './uploader';
import { DataCheck } from './data-check';
import { FilePriorities } from './file-priorities';
import { PeerEventLog } from './log-ring';
import type { TorrentDeps, TorrentOptions } from './torrent-context';
// --- timeline (issue 19) ---
import { PeerTimeline } from './peer-timeline';

/** What the parts need of the torrent while it runs. */
export interface PartsHooks {
  picker(): PiecePicker;
  running(): boolean;
  sent(peerKey: string, bytes: number): void;
  fail(operation: string, err: unknown): void;
}

export interface TorrentParts {
  layout: FileLayout;
  addresses: AddressPolicy;
  bans: BanPolicy;
  pipelineBudgetBytes: number;
  assembly: PieceAssembly;
  readCache: PieceReadCache;
  uploader: Uploader;
  files: FilePriorities;
  dataCheck: DataCheck;
  log: PeerEventLog;
  // --- timeline (issue 19): what each peer did, for the Timeline tab ---
  timeline: PeerTimeline;
}

export function buildParts(
  opts: TorrentOptions,
  deps: TorrentDeps,
  hooks: PartsHooks,
): TorrentParts {
  const { meta, storage } = opts;
  const addresses = new AddressPolicy({
    maxConnectionsPerIp: opts.maxConnectionsPerIp,
    limitLoopback: opts.limitLoopbackPeers,
  });
  const bans = new BanPolicy({
    strikesToBan: BAN_AFTER_HASH_FAILURES,
    banByAddress: (address) => addresses.isOneHost(address),
  });
  const pipelineBudgetBytes = Math.max(
    opts.pipelineBudgetBytes ?? PIECE_BUFFER_POOL_BYTES,
    4 * meta.pieceLength,
  );
  const assembly = new PieceAssembly(
    meta.pieceLength,
    Math.floor(pipelineBudgetBytes / meta.pieceLength),
  );
  const layout = new FileLayout(
    meta.files.map((f) => ({ path: f.path, length: f.length })),
    meta.pieceLength,
  );
  const readCache = new PieceReadCache(
    (index) => storage.read(index, 0, layout.pieceSize(index)),
    PIECE_READ_CACHE_PIECES,
  );
  const uploader = new Uploader({
    clock: deps.clock,
    bucket: deps.upBucket,
    readPiece: (index) => readCache.get(index),
    canServe: (b) =>
      isServable(
        b,
        meta.pieceCount,
        (i) => layout.pieceSize(i),
        (i) => hooks.picker().have(i),
      ),
    running: () => hooks.running(),
    sent: (peer, bytes) => hooks.sent(peer.key, bytes),
    readFailed: (_index, err) => hooks.fail('read', err),
  });
  const dataCheck = new DataCheck(
    { meta, layout, storage, hashWritePool: deps.hashWritePool, filePaths: opts.filePaths },
    () => deps.changed(),
  );
  const log = new PeerEventLog(
    deps.clock,
    deps.log,
    `torrent ${meta.infoHashHex.slice(0, 8)}`,
    deps.peerEvent,
    MAX_LOG_ENTRIES,
  );
  const files = new FilePriorities(layout, opts.skipFiles ?? []);
  return {
    layout,
    addresses,
    bans,
    pipelineBudgetBytes,
    assembly,
    readCache,
    uploader,
    files,
    dataCheck,
    log,
    // --- timeline (issue 19) ---
    timeline: new PeerTimeline(deps.clock),
  };
}

/** A picker that knows no piece yet: at the start, and on a recheck (which forgets them all). */
export function newPicker(meta: Metainfo, random: Random): PiecePicker {
  return new PiecePicker({
    pieceCount: meta.pieceCount,
    pieceLength: meta.pieceLength,
    totalLength: meta.totalLength,
    random,
  });
}
