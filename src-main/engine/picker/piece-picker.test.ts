import { describe, expect, it } from 'vitest';
import { seededRandom } from '../time/clock';
import { PieceState } from '../../../src-shared/model/pieces';
import { MAX_DUPLICATE_REQUESTS, PiecePicker } from './piece-picker';
import type { BlockRef } from './types';

const BLOCK = 16 * 1024;

/** A picker with `pieces` pieces of `blocksPerPiece` 16 KiB blocks. */
function makePicker(pieces: number, blocksPerPiece = 4, seed = 1): PiecePicker {
  return new PiecePicker({
    pieceCount: pieces,
    pieceLength: blocksPerPiece * BLOCK,
    totalLength: pieces * blocksPerPiece * BLOCK,
    random: seededRandom(seed),
  });
}

/**
 * libtorrent-style availability fixture: "2223333" gives piece i availability digit i, made of
 * peers "a0".."a9" each holding the pieces whose digit exceeds its number.
 */
function withAvailability(picker: PiecePicker, fixture: string): void {
  const digits = [...fixture].map(Number);
  const max = Math.max(0, ...digits);
  for (let p = 0; p < max; p++) picker.onPeerBitfield(`a${p}`, (i) => (digits[i] ?? 0) > p);
}

const all = (): boolean => true;
const pieces = (blocks: BlockRef[]): number[] => [...new Set(blocks.map((b) => b.index))];

describe('PiecePicker', () => {
  it('prefers the rarest piece', () => {
    const picker = makePicker(7);
    withAvailability(picker, '3332333');
    expect(pieces(picker.nextRequests('me', all, 4))).toEqual([3]);
    withAvailability(picker, '3331323');
    // piece 3 is partial now (it is finished first); the next fresh piece is the rarest: 5.
    expect(pieces(picker.nextRequests('other', all, 4))).toEqual([5]);
  });

  it('ignores seeds in the order but counts them in availability', () => {
    const picker = makePicker(5);
    withAvailability(picker, '22122');
    picker.onPeerHaveAll('seed1');
    picker.onPeerHaveAll('seed2');
    expect([...picker.availability()]).toEqual([4, 4, 3, 4, 4]);
    expect(pieces(picker.nextRequests('me', all, 4))).toEqual([2]);
    picker.onPeerGone('seed1');
    expect([...picker.availability()]).toEqual([3, 3, 2, 3, 3]);
  });

  it('a peer completing its bitfield through HAVEs becomes a cheap seed', () => {
    const picker = makePicker(3);
    picker.onPeerBitfield('p', (i) => i < 2);
    picker.onPeerHave('p', 2);
    picker.onPeerHave('p', 2);
    expect([...picker.availability()]).toEqual([1, 1, 1]);
    picker.onPeerHaveAll('q');
    expect([...picker.availability()]).toEqual([2, 2, 2]);
    picker.onPeerGone('p');
    expect([...picker.availability()]).toEqual([1, 1, 1]);
  });

  it('accepts a BEP 3 bitfield as bytes', () => {
    const picker = makePicker(10);
    picker.onPeerBitfield('p', Uint8Array.of(0b1010_0000, 0b0100_0000));
    expect([...picker.availability()]).toEqual([1, 0, 1, 0, 0, 0, 0, 0, 0, 1]);
  });

  it('follows HAVE messages incrementally', () => {
    const picker = makePicker(6);
    withAvailability(picker, '222222');
    picker.nextRequests('warmup', () => false, 1); // builds the order
    for (const i of [0, 1, 2, 4, 5]) picker.onPeerHave('late', i);
    expect(pieces(picker.nextRequests('me', all, 4))).toEqual([3]);
  });

  it('finishes partial pieces first', () => {
    const picker = makePicker(4);
    withAvailability(picker, '1113');
    // peer x takes half of the rarest piece
    const first = picker.nextRequests('x', all, 2);
    const started = first[0]?.index as number;
    expect(started).toBeLessThan(3);
    expect(first.map((b) => b.index)).toEqual([started, started]);
    // y would prefer another equally rare piece, but one is started: finish it first
    const next = picker.nextRequests('y', all, 3);
    expect(next.slice(0, 2).map((b) => [b.index, b.begin])).toEqual([
      [started, 2 * BLOCK],
      [started, 3 * BLOCK],
    ]);
    expect(next[2]?.index).not.toBe(started);
    expect(next[2]?.index).not.toBe(3);
  });

  it('prefers the partial pieces a peer is already downloading', () => {
    const picker = makePicker(4);
    withAvailability(picker, '1111');
    const a = picker.nextRequests('a', all, 2);
    const b = picker.nextRequests('b', (i) => i !== a[0]?.index, 2);
    expect(a[0]?.index).not.toBe(b[0]?.index);
    // both pieces are partial; each peer continues its own
    expect(pieces(picker.nextRequests('b', all, 1))).toEqual([b[0]?.index]);
    expect(pieces(picker.nextRequests('a', all, 1))).toEqual([a[0]?.index]);
  });

  it('honours priority above partial pieces and rarity', () => {
    const picker = makePicker(4);
    withAvailability(picker, '1333');
    picker.nextRequests('x', all, 1); // piece 0 becomes partial
    picker.setPiecePriority(3, 2);
    expect(pieces(picker.nextRequests('y', all, 4))).toEqual([3]);
    expect(pieces(picker.nextRequests('y', all, 3))).toEqual([0]);
  });

  it('skips priority 0 pieces', () => {
    const picker = makePicker(4);
    withAvailability(picker, '1222');
    picker.setPiecePriority(0, 0);
    picker.setPiecePriority(2, 0);
    const got = picker.nextRequests('me', all, 100);
    expect(pieces(got).sort()).toEqual([1, 3]);
    expect(picker.interestingTo((i) => i === 0 || i === 2)).toBe(false);
    for (const b of got) picker.onBlockReceived('me', b);
    picker.onPieceVerified(1);
    picker.onPieceVerified(3);
    expect(picker.isComplete()).toBe(true);
    expect(picker.haveCount()).toBe(2);
  });

  it('file priorities take the highest priority of the files sharing a piece', () => {
    const picker = makePicker(4);
    picker.setFilePriorities([[0, 1], [1, 1], null, [2, 3]], [0, 2, 1, 0]);
    expect([0, 1, 2, 3].map((i) => picker.wants(i))).toEqual([false, true, false, false]);
  });

  it('never requests a block twice outside endgame', () => {
    const picker = makePicker(20, 4, 7);
    const rnd = seededRandom(99);
    const keys = ['a', 'b', 'c', 'd', 'e'];
    const has = new Map(keys.map((k) => [k, new Set<number>()]));
    for (const k of keys) {
      const s = has.get(k) as Set<number>;
      for (let i = 0; i < 20; i++) if (rnd.next() < 0.7) s.add(i);
      picker.onPeerBitfield(k, (i) => s.has(i));
    }
    const outstanding = new Map<string, string>();
    for (let round = 0; round < 200 && !picker.isEndgame(); round++) {
      const k = keys[rnd.int(keys.length)] as string;
      const s = has.get(k) as Set<number>;
      for (const b of picker.nextRequests(k, (i) => s.has(i), 1 + rnd.int(6))) {
        const id = `${b.index}:${b.begin}`;
        if (!picker.isEndgame()) expect(outstanding.has(id)).toBe(false);
        outstanding.set(id, k);
      }
      // some requests are answered, some dropped
      for (const [id, who] of [...outstanding]) {
        const r = rnd.next();
        const [index, begin] = id.split(':').map(Number) as [number, number];
        const block = { index, begin, length: BLOCK };
        if (r < 0.2) {
          outstanding.delete(id);
          const res = picker.onBlockReceived(who, block);
          if (res.pieceComplete) picker.onPieceVerified(index);
        } else if (r < 0.3) {
          outstanding.delete(id);
          picker.onRequestDropped(who, block);
        }
      }
      const total = keys.reduce((n, k) => n + picker.inFlight(k), 0);
      expect(total).toBe(outstanding.size);
      expect(picker.inFlightTotal()).toBe(total);
    }
  });

  it('endgame duplicates and cancels', () => {
    const picker = makePicker(2, 2);
    picker.onPeerHaveAll('a');
    picker.onPeerHaveAll('b');
    picker.onPeerHaveAll('c');
    picker.onPeerHaveAll('d');
    const a = picker.nextRequests('a', all, 10);
    expect(a).toHaveLength(4);
    expect(picker.isEndgame()).toBe(true);
    const b = picker.nextRequests('b', all, 10);
    expect(b).toHaveLength(4);
    // b asked again gets nothing: never the same block twice to one peer
    expect(picker.nextRequests('b', all, 10)).toHaveLength(0);
    const c = picker.nextRequests('c', all, 10);
    expect(c).toHaveLength(4);
    // each block at most 1 + MAX_DUPLICATE_REQUESTS times
    expect(MAX_DUPLICATE_REQUESTS).toBe(2);
    expect(picker.nextRequests('d', all, 10)).toHaveLength(0);
    const block = a[0] as BlockRef;
    const got = picker.onBlockReceived('b', block);
    expect(got.duplicate).toBe(false);
    expect(got.cancelFrom.sort()).toEqual(['a', 'c']);
    expect(picker.inFlight('a')).toBe(3);
    expect(picker.inFlight('b')).toBe(3);
    expect(picker.inFlight('c')).toBe(3);
    expect(picker.inFlightTotal()).toBe(9);
    // the late copy from a (cancel crossed it on the wire) is a duplicate
    expect(picker.onBlockReceived('a', block)).toEqual({
      pieceComplete: false,
      duplicate: true,
      cancelFrom: [],
    });
    // a slot freed by the received block lets d in on the remaining blocks only
    const d = picker.nextRequests('d', all, 10);
    expect(d.map((x) => `${x.index}:${x.begin}`)).not.toContain(`${block.index}:${block.begin}`);
  });

  it('enters endgame only when every missing block is requested', () => {
    const picker = makePicker(3, 2);
    picker.onPeerHaveAll('s');
    const first = picker.nextRequests('s', all, 5);
    expect(picker.isEndgame()).toBe(false);
    expect(picker.nextRequests('t', all, 1).length).toBe(1);
    expect(picker.isEndgame()).toBe(true);
    picker.onRequestDropped('s', first[0] as BlockRef);
    expect(picker.isEndgame()).toBe(false);
  });

  it('random tie-break spreads peers', () => {
    const firsts = new Set<number>();
    for (let seed = 1; seed <= 40; seed++) {
      const picker = makePicker(16, 1, seed);
      picker.onPeerHaveAll('s');
      firsts.add((picker.nextRequests('me', all, 1)[0] as BlockRef).index);
    }
    expect(firsts.size).toBeGreaterThan(8);
  });

  it('failed piece is fetched again and reports contributors', () => {
    const picker = makePicker(1, 3);
    picker.onPeerHaveAll('a');
    picker.onPeerHaveAll('b');
    const fromA = picker.nextRequests('a', all, 2);
    const fromB = picker.nextRequests('b', all, 1);
    expect(fromB).toHaveLength(1);
    for (const x of fromA) picker.onBlockReceived('a', x);
    const last = picker.onBlockReceived('b', fromB[0] as BlockRef);
    expect(last.pieceComplete).toBe(true);
    picker.onPieceVerifying(0);
    expect(picker.pieceStates()[0]).toBe(PieceState.verifying);
    expect(picker.onPieceFailed(0).contributors.sort()).toEqual(['a', 'b']);
    expect(picker.pieceStates()[0]).toBe(PieceState.failed);
    expect(picker.have(0)).toBe(false);
    const again = picker.nextRequests('a', all, 10);
    expect(again).toHaveLength(3);
    expect(picker.pieceStates()[0]).toBe(PieceState.requested);
    for (const x of again) picker.onBlockReceived('a', x);
    picker.onPieceVerified(0);
    expect(picker.isComplete()).toBe(true);
    expect(picker.pieceStates()[0]).toBe(PieceState.have);
  });

  it('an abandoned piece (partial or verifying when the torrent stopped) is fetched again, unblamed', () => {
    const picker = makePicker(2, 4);
    picker.onPeerHaveAll('a');
    const first = picker.nextRequests('a', all, 8);
    for (const x of first.filter((b) => b.index === 0)) picker.onBlockReceived('a', x);
    picker.onPieceVerifying(0);
    for (const x of first.filter((b) => b.index === 1).slice(0, 2)) picker.onBlockReceived('a', x);
    picker.onPeerGone('a');
    picker.onPieceAbandoned(0); // was verifying
    picker.onPieceAbandoned(1); // was partial
    expect(Array.from(picker.pieceStates())).toEqual([PieceState.missing, PieceState.missing]);
    picker.onPeerHaveAll('b');
    const again = picker.nextRequests('b', all, 10);
    expect(again).toHaveLength(8);
    for (const x of again) picker.onBlockReceived('b', x);
    picker.onPieceVerified(0);
    picker.onPieceVerified(1);
    expect(picker.isComplete()).toBe(true);
  });

  it('peer gone returns its blocks', () => {
    const picker = makePicker(1, 4);
    picker.onPeerHaveAll('a');
    picker.onPeerHaveAll('b');
    const fromA = picker.nextRequests('a', all, 4);
    expect(picker.nextRequests('b', all, 4)).toHaveLength(4); // endgame duplicates
    picker.onBlockReceived('b', fromA[0] as BlockRef);
    const returned = picker.onPeerGone('a');
    expect(returned).toHaveLength(3);
    expect(picker.inFlight('a')).toBe(0);
    expect(picker.inFlightTotal()).toBe(3);
    expect([...picker.availability()]).toEqual([1]);
    picker.onPeerGone('b');
    expect(picker.inFlightTotal()).toBe(0);
    expect(picker.isEndgame()).toBe(false);
    const c = picker.nextRequests('c', all, 10);
    expect(c.map((x) => x.begin)).toEqual([BLOCK, 2 * BLOCK, 3 * BLOCK]);
  });

  it('requested blocks dropped by a choke return to the pool', () => {
    const picker = makePicker(2, 2);
    picker.onPeerHaveAll('a');
    const got = picker.nextRequests('a', all, 2);
    for (const b of got) expect(picker.onRequestDropped('a', b)).toBe(true);
    expect(picker.onRequestDropped('a', got[0] as BlockRef)).toBe(false);
    expect(picker.pieceStates()[got[0]?.index as number]).toBe(PieceState.missing);
    expect(picker.nextRequests('b', all, 4)).toHaveLength(4);
  });

  it('only requests allowed-fast pieces while choked', () => {
    const picker = makePicker(6);
    picker.onPeerHaveAll('a');
    const got = picker.nextRequests('a', all, 100, { allowedFast: [4, 1], onlyAllowedFast: true });
    expect(pieces(got).sort()).toEqual([1, 4]);
    expect(
      picker.nextRequests('a', all, 10, { allowedFast: new Set(), onlyAllowedFast: true }),
    ).toEqual([]);
  });

  it('handles a short last piece and last block', () => {
    const picker = new PiecePicker({
      pieceCount: 3,
      pieceLength: 2 * BLOCK,
      totalLength: 4 * BLOCK + 100,
      random: seededRandom(3),
    });
    picker.onPeerHaveAll('a');
    const got = picker.nextRequests('a', (i) => i === 2, 10);
    expect(got).toEqual([{ index: 2, begin: 0, length: 100 }]);
    expect(picker.isValidBlock({ index: 2, begin: 0, length: BLOCK })).toBe(false);
    expect(() => picker.onBlockReceived('a', { index: 1, begin: 5, length: 10 })).toThrow(
      RangeError,
    );
    expect(picker.onBlockReceived('a', got[0] as BlockRef).pieceComplete).toBe(true);
  });

  it('data check haves and interest', () => {
    const picker = makePicker(3);
    picker.setHave(0);
    picker.setHave(1);
    expect(picker.interestingTo((i) => i < 2)).toBe(false);
    expect(picker.interestingTo((i) => i === 2)).toBe(true);
    picker.setHave(2);
    expect(picker.isComplete()).toBe(true);
    expect(picker.nextRequests('x', all, 5)).toEqual([]);
  });

  it('shows partial and requested pieces in the piece map', () => {
    const picker = makePicker(3, 2);
    picker.onPeerHaveAll('a');
    const got = picker.nextRequests('a', (i) => i === 1, 1);
    expect(picker.pieceStates()[1]).toBe(PieceState.requested);
    picker.onBlockReceived('a', got[0] as BlockRef);
    expect([...picker.pieceStates()]).toEqual([
      PieceState.missing,
      PieceState.partial,
      PieceState.missing,
    ]);
  });
});

describe('availabilityCopies (the Availability column, issue 21)', () => {
  it('counts the rarest piece plus the share of pieces above it, seeds included', () => {
    const picker = makePicker(4);
    expect(picker.availabilityCopies()).toBe(0);
    withAvailability(picker, '1223'); // rarest once, three of four pieces more often
    expect(picker.availabilityCopies()).toBe(1.75);
    picker.onPeerHaveAll('seed');
    expect(picker.availabilityCopies()).toBe(2.75);
    // A peer leaving takes its pieces with it: a0 held every piece, so [0, 1, 1, 2] are left.
    picker.onPeerGone('a0');
    expect(picker.availabilityCopies()).toBe(1.75); // the seed, min 0, three of four above
    picker.onPeerHave('a1', 0); // [1, 1, 1, 2]
    expect(picker.availabilityCopies()).toBe(2.25);
  });
});
