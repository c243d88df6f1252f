/** Model fixtures for desktop integration tests. */
import type { TorrentState, TorrentSummary } from '../../../../../src-shared/model';

/** A summary with only what the desktop reads (state, size, progress) set meaningfully. */
export function torrent(state: TorrentState, sizeBytes: number, progress: number): TorrentSummary {
  return {
    id: `${state}-${sizeBytes}-${progress}`,
    name: 'x',
    sizeBytes,
    progress,
    state,
    error: null,
    checkProgress: 0,
    downRateBps: 0,
    upRateBps: 0,
    downloadedBytes: 0,
    uploadedBytes: 0,
    etaSec: null,
    peers: 0,
    seeds: 0,
    ratio: 0,
    pieceCount: 1,
    pieceLength: 16384,
    verifiedPieces: 0,
    savePath: '/tmp',
    addedAt: 0,
    completedAt: null,
    magnet: '',
    private: false,
  };
}
