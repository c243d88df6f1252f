import { describe, expect, it } from 'vitest';
import { seededRandom } from '../time/clock';
import { MAX_DUPLICATE_REQUESTS, PiecePicker } from './piece-picker';
import type { BlockRef } from './types';

/**
 * A whole download against a lossy, churning swarm: requests are answered, dropped, or lost with
 * a departing peer; one peer sends bad data. The rules must hold at every step and the download
 * must finish: a drifting free-block count would stall it or start endgame early.
 */
describe('PiecePicker simulated download', () => {
  it('finishes under churn, drops and bad data, never breaking the request rules', () => {
    const rnd = seededRandom(2024);
    const pieceCount = 60;
    const blocks = 4;
    const picker = new PiecePicker({
      pieceCount,
      pieceLength: blocks * 16384,
      totalLength: pieceCount * blocks * 16384 - 5000,
      random: seededRandom(9),
    });
    const has = new Map<string, Set<number>>();
    let nextPeer = 0;
    const join = (): void => {
      const key = `p${nextPeer++}`;
      const s = new Set<number>();
      const seed = rnd.next() < 0.2;
      for (let i = 0; i < pieceCount; i++) if (seed || rnd.next() < 0.6) s.add(i);
      has.set(key, s);
      if (seed) picker.onPeerHaveAll(key);
      else picker.onPeerBitfield(key, (i) => s.has(i));
    };
    for (let i = 0; i < 6; i++) join();
    // block id -> peers it is requested from
    const requested = new Map<string, Set<string>>();
    const failedOnce = new Set<number>();
    let steps = 0;
    let sawEndgame = false;
    for (; steps < 20_000 && !picker.isComplete(); steps++) {
      const keys = [...has.keys()];
      const key = keys[rnd.int(keys.length)] as string;
      const peerSet = has.get(key) as Set<number>;
      const action = rnd.next();
      if (action < 0.45) {
        const endgame = picker.isEndgame();
        for (const b of picker.nextRequests(key, (i) => peerSet.has(i), 1 + rnd.int(8))) {
          const id = `${b.index}:${b.begin}`;
          const set = requested.get(id) ?? new Set<string>();
          expect(set.has(key)).toBe(false);
          if (!endgame && !picker.isEndgame()) expect(set.size).toBe(0);
          set.add(key);
          expect(set.size).toBeLessThanOrEqual(1 + MAX_DUPLICATE_REQUESTS);
          requested.set(id, set);
        }
        sawEndgame ||= picker.isEndgame();
      } else if (action < 0.85) {
        const mine = [...requested].filter(([, s]) => s.has(key));
        const pick = mine[rnd.int(mine.length)];
        if (!pick) continue;
        const [id, set] = pick;
        const [index, begin] = id.split(':').map(Number) as [number, number];
        const length = Math.min(16384, picker.pieceSize(index) - begin);
        const block: BlockRef = { index, begin, length };
        set.delete(key);
        if (action < 0.75) {
          const res = picker.onBlockReceived(key, block);
          for (const other of res.cancelFrom) set.delete(other);
          expect(set.size).toBe(0);
          requested.delete(id);
          if (res.pieceComplete) {
            picker.onPieceVerifying(index);
            if (key === 'p0' && !failedOnce.has(index)) {
              failedOnce.add(index);
              expect(picker.onPieceFailed(index).contributors).toContain('p0');
            } else {
              picker.onPieceVerified(index);
            }
          }
        } else {
          expect(picker.onRequestDropped(key, block)).toBe(true);
          if (set.size === 0) requested.delete(id);
        }
      } else if (action < 0.87 && has.size > 3) {
        picker.onPeerGone(key);
        has.delete(key);
        for (const [id, set] of requested) {
          set.delete(key);
          if (set.size === 0) requested.delete(id);
        }
      } else if (action < 0.9) {
        join();
      }
      let total = 0;
      for (const k of has.keys()) total += picker.inFlight(k);
      let expected = 0;
      for (const s of requested.values()) expected += s.size;
      expect(total).toBe(expected);
    }
    expect(picker.isComplete()).toBe(true);
    expect(picker.haveCount()).toBe(pieceCount);
    expect(sawEndgame).toBe(true);
    expect(steps).toBeLessThan(20_000);
  });
});
