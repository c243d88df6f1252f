import { describe, expect, it } from 'vitest';
import { PieceState } from '../../../src-shared/model';
import { parseTorrent } from '../metainfo';
import { straddlingTorrent } from '../metainfo/test-fixtures';
import { PiecePicker } from '../picker';
import { FileLayout } from '../storage/file-layout';
import { ManualClock, seededRandom } from '../time/clock';
import { FilePriorities } from './file-priorities';
import { TorrentSnapshot } from './snapshot';
import type { Lifecycle } from './snapshot';
import type { PeerState } from './torrent-context';
import { TransferCounters } from './transfer-counters';

/** A peer as far as a snapshot reads it: whether it has every piece. */
const peer = (key: string, seed: boolean): PeerState =>
  ({ key, conn: { peerBitfield: { isFull: () => seed } } }) as unknown as PeerState;

/** straddle: 20 bytes in pieces of 8 (the last is 4 bytes), with `have` verified. */
function snapshotOf(have: number[], over: { peers?: PeerState[]; failed?: number[] } = {}) {
  const meta = parseTorrent(straddlingTorrent().torrentFile);
  const layout = new FileLayout(
    meta.files.map((f) => ({ path: f.path, length: f.length })),
    meta.pieceLength,
  );
  const picker = new PiecePicker({
    pieceCount: meta.pieceCount,
    pieceLength: meta.pieceLength,
    totalLength: meta.totalLength,
    random: seededRandom(1),
  });
  for (const i of have) picker.setHave(i);
  const counters = new TransferCounters(new ManualClock());
  const life: Lifecycle = {
    state: 'downloading',
    error: null,
    checkedBytes: 0,
    completedAt: null,
    seedingSince: 5,
  };
  const snapshot = new TorrentSnapshot(
    {
      id: meta.infoHashHex,
      meta,
      layout,
      picker,
      peers: new Map((over.peers ?? []).map((p) => [p.key, p])),
      failedPieces: new Set(over.failed ?? []),
    },
    {
      savePath: '/x',
      addedAt: 0,
      files: new FilePriorities(layout, []),
      counters,
      life: () => life,
    },
  );
  return { snapshot, counters };
}

describe('TorrentSnapshot', () => {
  it('counts verified bytes with the short last piece', () => {
    const { snapshot } = snapshotOf([0, 2]);
    expect(snapshot.haveBytes()).toBe(12);
    expect(snapshot.leftBytes()).toBe(8);
  });

  it('counts the peers that have every piece as seeds', () => {
    const { snapshot } = snapshotOf([], { peers: [peer('a', true), peer('b', false)] });
    expect(snapshot.summary()).toMatchObject({ peers: 2, seeds: 1 });
  });

  it('marks a piece that failed its hash and is missing again as failed', () => {
    const { snapshot } = snapshotOf([0], { failed: [1] });
    const { states } = snapshot.pieceMap();
    expect([...states]).toEqual([PieceState.have, PieceState.failed, PieceState.missing]);
  });

  it('shows each file by its verified bytes, and an empty file as done', () => {
    const { snapshot } = snapshotOf([0]);
    expect(snapshot.fileProgress().map((f) => f.progress)).toEqual([1, 1, 0.5, 0, 0]);
  });

  it('gives the seeding ratio over the bytes held', () => {
    const { snapshot, counters } = snapshotOf([0, 2]);
    counters.sent('a', 24);
    expect(snapshot.seedingStats()).toMatchObject({ ratio: 2, seedingSince: 5, peersServed: 1 });
  });
});
