import { describe, expect, it } from 'vitest';
import {
  buildSeedingStats,
  buildSummary,
  faultMessage,
  idleTrackerStatuses,
  pieceMapOf,
  pushSample,
  verifiedBytes,
} from './status';
import type { SummaryInput } from './status';
import { PieceState } from '../../../src-shared/model';
import { StorageError } from '../storage/storage';

const input = (over: Partial<SummaryInput> = {}): SummaryInput => ({
  id: 'ab',
  name: 'n',
  totalLength: 1000,
  state: 'downloading',
  error: null,
  checkedBytes: 0,
  wantedBytes: 1000,
  verifiedWantedBytes: 0,
  verifiedBytes: 0,
  complete: false,
  downRateBps: 0,
  upRateBps: 0,
  downloadedBytes: 0,
  uploadedBytes: 0,
  peers: 0,
  seeds: 0,
  pieceCount: 10,
  pieceLength: 100,
  verifiedPieces: 0,
  savePath: '/x',
  addedAt: 0,
  completedAt: null,
  magnet: 'magnet:?',
  private: false,
  ...over,
});

describe('status', () => {
  it('counts verified bytes with a short last piece', () => {
    const g = { pieceCount: 3, pieceLength: 100, lastPieceBytes: 30 };
    expect(verifiedBytes(g, 0, false)).toBe(0);
    expect(verifiedBytes(g, 2, false)).toBe(200);
    expect(verifiedBytes(g, 3, true)).toBe(230);
  });

  it('progress is verified wanted bytes over wanted bytes', () => {
    expect(buildSummary(input({ wantedBytes: 400, verifiedWantedBytes: 100 })).progress).toBe(0.25);
  });

  it('a torrent that wants nothing is done', () => {
    expect(buildSummary(input({ wantedBytes: 0 })).progress).toBe(1);
  });

  it('the eta comes from the remaining wanted bytes and the rate', () => {
    const s = buildSummary(input({ verifiedWantedBytes: 500, downRateBps: 100 }));
    expect(s.etaSec).toBe(5);
    expect(buildSummary(input()).etaSec).toBeNull();
  });

  it('a complete torrent shows no download rate', () => {
    const s = buildSummary(input({ complete: true, downRateBps: 999 }));
    expect(s.downRateBps).toBe(0);
    expect(s.etaSec).toBeNull();
  });

  it('a paused, errored or checking torrent shows no rate at all (issue 21)', () => {
    for (const state of ['paused', 'error', 'checking', 'queued'] as const) {
      const s = buildSummary(input({ state, downRateBps: 999, upRateBps: 777 }));
      expect([s.state, s.downRateBps, s.upRateBps, s.etaSec]).toEqual([state, 0, 0, null]);
    }
    expect(buildSummary(input({ state: 'seeding', upRateBps: 777 })).upRateBps).toBe(777);
  });

  it('the ratio divides by what we hold, and is 0 while we hold nothing', () => {
    expect(buildSummary(input({ uploadedBytes: 500, verifiedBytes: 250 })).ratio).toBe(2);
    expect(buildSummary(input({ uploadedBytes: 500 })).ratio).toBe(0);
  });

  it('check progress is the checked share of the size', () => {
    expect(buildSummary(input({ checkedBytes: 250 })).checkProgress).toBe(0.25);
    expect(buildSummary(input({ totalLength: 0 })).checkProgress).toBe(1);
  });

  it('seeding stats copy the history', () => {
    const history = [1, 2];
    const s = buildSeedingStats({
      uploadedBytes: 10,
      heldBytes: 5,
      seedingSince: 7,
      peersServed: 1,
      upRateHistoryBps: history,
    });
    history.push(3);
    expect(s).toEqual({
      uploadedBytes: 10,
      ratio: 2,
      seedingSince: 7,
      peersServed: 1,
      upRateHistoryBps: [1, 2],
    });
  });

  it('the rate history keeps the newest samples', () => {
    const h: number[] = [];
    for (let i = 0; i < 5; i++) pushSample(h, i, 3);
    expect(h).toEqual([2, 3, 4]);
  });

  it('marks pieces that failed their hash, unless they were fetched since', () => {
    const states = Uint8Array.of(PieceState.missing, PieceState.have, PieceState.missing);
    const map = pieceMapOf(states, [0, 1], new Uint16Array(3));
    expect([...map.states]).toEqual([PieceState.failed, PieceState.have, PieceState.missing]);
  });

  it('lists trackers as idle, by tier, before the client runs', () => {
    const rows = idleTrackerStatuses([['a', 'b'], ['c']]);
    expect(rows.map((r) => `${r.tier}:${r.url}:${r.state}`)).toEqual([
      '0:a:idle',
      '0:b:idle',
      '1:c:idle',
    ]);
  });

  it('a fault names the file and says what is wrong in words', () => {
    const missing = new StorageError('ENOENT', 'open', 'no such file', { path: '/data/a.bin' });
    expect(faultMessage('read', missing)).toBe(
      'read failed: /data/a.bin: the file is missing (ENOENT)',
    );
    const full = new StorageError('ENOSPC', 'write', 'no space', { path: '/data/b.bin' });
    expect(faultMessage('write', full)).toBe(
      'write failed: /data/b.bin: the disk is full (ENOSPC)',
    );
    expect(faultMessage('hash', new Error('worker died'))).toBe('hash failed: worker died');
  });
});
