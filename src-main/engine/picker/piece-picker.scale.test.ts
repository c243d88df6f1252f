import { describe, expect, it } from 'vitest';
import { seededRandom } from '../time/clock';
import { PiecePicker } from './piece-picker';

/**
 * Scale: picks stay correct (500 distinct blocks, rarest first) at 4,000 and 100,000 pieces with
 * 50 partial peers and 10 seeds. Timings are printed for the report, not asserted (no timed tests).
 */
function scenario(pieceCount: number, pieceLength: number): void {
  const rnd = seededRandom(pieceCount);
  const picker = new PiecePicker({
    pieceCount,
    pieceLength,
    totalLength: pieceCount * pieceLength,
    random: seededRandom(1),
  });
  const peers: Uint8Array[] = [];
  const t0 = performance.now();
  for (let p = 0; p < 50; p++) {
    const has = new Uint8Array(pieceCount);
    for (let i = 0; i < pieceCount; i++) has[i] = rnd.next() < 0.5 ? 1 : 0;
    peers.push(has);
    picker.onPeerBitfield(`p${p}`, (i) => has[i] === 1);
  }
  for (let s = 0; s < 10; s++) picker.onPeerHaveAll(`s${s}`);
  const tFeed = performance.now() - t0;

  const t1 = performance.now();
  const first = picker.nextRequests('s0', () => true, 500);
  const tFirst = performance.now() - t1;

  // A peer joining and leaving once the order is built: incremental bucket moves.
  const late = new Uint8Array(pieceCount);
  for (let i = 0; i < pieceCount; i++) late[i] = rnd.next() < 0.5 ? 1 : 0;
  const t2 = performance.now();
  picker.onPeerBitfield('late', (i) => late[i] === 1);
  picker.onPeerGone('late');
  const tJoinLeave = performance.now() - t2;

  const times: number[] = [];
  const seen = new Set<string>();
  for (const b of first) seen.add(`${b.index}:${b.begin}`);
  for (let round = 0; round < 40; round++) {
    const p = round % 50;
    const has = peers[p] as Uint8Array;
    // A HAVE storm between picks keeps the incremental order busy.
    for (let h = 0; h < 20; h++) picker.onPeerHave(`p${(p + 1) % 50}`, rnd.int(pieceCount));
    const t = performance.now();
    const got = picker.nextRequests(`p${p}`, (i) => has[i] === 1, 500);
    times.push(performance.now() - t);
    expect(got).toHaveLength(500);
    for (const b of got) {
      const id = `${b.index}:${b.begin}`;
      expect(seen.has(id)).toBe(false);
      seen.add(id);
    }
  }
  // Rarest first: the seed's first fresh piece has the minimum availability of all pieces.
  const avail = picker.availability();
  let min = Infinity;
  for (const a of avail) min = Math.min(min, a);
  expect(avail[first[0]?.index as number]).toBeLessThanOrEqual(min + 1);
  times.sort((a, b) => a - b);
  const median = times[times.length >> 1] as number;
  console.log(
    `picker ${pieceCount} pieces: feed 60 peers ${tFeed.toFixed(1)} ms, first pick of 500 ` +
      `(order build) ${tFirst.toFixed(2)} ms, a peer's bitfield+gone ${tJoinLeave.toFixed(2)} ms, ` +
      `then median ${median.toFixed(3)} ms, max ` +
      `${(times[times.length - 1] as number).toFixed(3)} ms per pick of 500 blocks`,
  );
}

describe('PiecePicker at scale', () => {
  it('picks 500 distinct blocks at 4,000 pieces (1 MiB)', () => scenario(4_000, 1 << 20));
  it('picks 500 distinct blocks at 100,000 pieces (256 KiB)', () => scenario(100_000, 1 << 18));
});
