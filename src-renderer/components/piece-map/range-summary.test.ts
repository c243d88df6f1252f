import { describe, expect, it } from 'vitest';
import { PieceState } from '../../../src-shared/model/pieces';
import { describeRange, summarizeRange } from './range-summary';

describe('range summary (tooltip text)', () => {
  const states = Uint8Array.from([
    PieceState.have,
    PieceState.have,
    PieceState.missing,
    PieceState.partial,
    9,
  ]);
  const availability = Uint16Array.from([3, 1, 0, 1200, 2]);

  it('describes one piece: index, state, peers', () => {
    const s = summarizeRange(states, availability, { first: 3, last: 3 });
    expect(s).toEqual({
      first: 3,
      last: 3,
      stateCounts: [0, 0, 1, 0, 0, 0],
      minPeers: 1200,
      maxPeers: 1200,
    });
    expect(describeRange(s)).toEqual({
      title: 'Piece 3',
      states: 'Partial',
      peers: '1,200 peers have it',
    });
    expect(describeRange(summarizeRange(states, availability, { first: 1, last: 1 })).peers).toBe(
      '1 peer has it',
    );
  });

  it('describes a range: counts per state, largest first, and the availability span', () => {
    const s = summarizeRange(states, availability, { first: 0, last: 4 });
    expect(s.stateCounts).toEqual([2, 0, 1, 0, 2, 0]); // the unknown byte 9 counts as missing
    expect(describeRange(s)).toEqual({
      title: 'Pieces 0–4',
      states: 'Missing 2, Have 2, Partial 1',
      peers: '0–1,200 peers have them',
    });
  });

  it('clamps a range past the end of the map', () => {
    const s = summarizeRange(states, availability, { first: 3, last: 10 });
    expect(s.last).toBe(4);
    expect(s.stateCounts.reduce((a, b) => a + b, 0)).toBe(2);
  });
});
