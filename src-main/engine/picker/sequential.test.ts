import { describe, expect, it } from 'vitest';
import { seededRandom } from '../time/clock';
import { firstLastPieces } from './first-last';
import { PiecePicker } from './piece-picker';
import type { BlockRef } from './types';

const BLOCK = 16 * 1024;

function makePicker(pieces: number, blocksPerPiece = 2, seed = 7): PiecePicker {
  return new PiecePicker({
    pieceCount: pieces,
    pieceLength: blocksPerPiece * BLOCK,
    totalLength: pieces * blocksPerPiece * BLOCK,
    random: seededRandom(seed),
  });
}

const all = (): boolean => true;
const pieces = (blocks: BlockRef[]): number[] => [...new Set(blocks.map((b) => b.index))];

/** Asks for one piece's blocks at a time, as many times as there are pieces. */
function pickOrder(picker: PiecePicker, count: number): number[] {
  const order: number[] = [];
  for (let k = 0; k < count; k++) order.push(...pieces(picker.nextRequests('p', all, 2)));
  return order;
}

describe('PiecePicker sequential download (issue 21)', () => {
  it('picks fresh pieces in index order, whatever their rarity', () => {
    const picker = makePicker(8);
    // Piece 5 is rarest: rarest-first would take it first.
    picker.onPeerBitfield('a', (i) => i !== 5);
    picker.onPeerBitfield('b', (i) => i !== 5);
    picker.setSequential(true);
    expect(pickOrder(picker, 8)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('is not the default: rarest first picks another order', () => {
    const picker = makePicker(8);
    picker.onPeerBitfield('a', (i) => i !== 5);
    expect(pickOrder(picker, 1)).toEqual([5]);
  });

  it('skips pieces we have and pieces the peer lacks, and keeps priorities first', () => {
    const picker = makePicker(6);
    picker.setSequential(true);
    picker.setHave(0);
    picker.setPiecePriority(4, 2);
    picker.setPiecePriority(2, 0);
    const order: number[] = [];
    for (let k = 0; k < 6; k++) order.push(...pieces(picker.nextRequests('p', (i) => i !== 3, 2)));
    expect(order).toEqual([4, 1, 5]);
  });

  it('finishes the lowest partial piece first', () => {
    const picker = makePicker(4, 4);
    picker.setSequential(true);
    // Another peer started pieces 0 and 1 and left one block of each free.
    expect(picker.nextRequests('x', all, 3).map((b) => b.index)).toEqual([0, 0, 0]);
    expect(picker.nextRequests('y', all, 4).map((b) => b.index)).toEqual([0, 1, 1, 1]);
    expect(picker.nextRequests('p', all, 1).map((b) => b.index)).toEqual([1]);
  });
});

describe('first and last pieces first (issue 21)', () => {
  it('lists the end pieces of each wanted file, once each', () => {
    const ranges: ([number, number] | null)[] = [[0, 3], [3, 3], null, [4, 9], [9, 12]];
    // File 3 is skipped: its first piece (4) is not boosted; 9 is file 4's first.
    expect(firstLastPieces(ranges, (f) => f !== 3)).toEqual([0, 3, 9, 12]);
  });

  it('boosted pieces come before the others and fall back when the boost ends', () => {
    const picker = makePicker(10);
    picker.onPeerBitfield('a', (i) => i !== 4); // piece 4 rarest
    picker.setBoosted(firstLastPieces([[0, 9]], () => true));
    const first = pickOrder(picker, 2);
    expect(first.sort((a, b) => a - b)).toEqual([0, 9]);
    picker.setBoosted([]);
    expect(pickOrder(picker, 1)).toEqual([4]);
  });

  it('never boosts a skipped piece', () => {
    const picker = makePicker(4);
    picker.setPiecePriority(3, 0);
    picker.setBoosted([0, 3]);
    expect(picker.wants(3)).toBe(false);
    picker.setPiecePriority(3, 1);
    // Wanted again: the boost it was given applies now.
    picker.onPeerBitfield('a', (i) => i !== 1);
    expect(pickOrder(picker, 2).sort()).toEqual([0, 3]);
  });
});
