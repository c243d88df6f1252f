/**
 * What the tooltip says about the pieces under the pointer: one piece, or the range a downsampled
 * cell covers, with its states counted and its availability span. Pure, O(range length).
 */
import { pieceStateNames } from '../../../src-shared/model/pieces';
import type { PieceRange } from './layout';

export type PieceStateName = (typeof pieceStateNames)[number];

export interface RangeSummary {
  first: number;
  last: number;
  /** Pieces per state, indexed by PieceState (unknown bytes count as missing). */
  stateCounts: number[];
  minPeers: number;
  maxPeers: number;
}

export const pieceStateLabels: Record<PieceStateName, string> = {
  missing: 'Missing',
  requested: 'Requested',
  partial: 'Partial',
  verifying: 'Verifying',
  have: 'Have',
  failed: 'Failed',
};

export function summarizeRange(
  states: Uint8Array,
  availability: Uint16Array,
  range: PieceRange,
): RangeSummary {
  const stateCounts = new Array<number>(pieceStateNames.length).fill(0);
  let minPeers = Infinity;
  let maxPeers = 0;
  const last = Math.min(range.last, states.length - 1);
  for (let p = range.first; p <= last; p++) {
    const s = states[p] as number;
    const k = s < pieceStateNames.length ? s : 0;
    stateCounts[k] = (stateCounts[k] as number) + 1;
    const peers = (availability[p] as number) | 0;
    if (peers < minPeers) minPeers = peers;
    if (peers > maxPeers) maxPeers = peers;
  }
  return {
    first: range.first,
    last,
    stateCounts,
    minPeers: Number.isFinite(minPeers) ? minPeers : 0,
    maxPeers,
  };
}

function peersText(min: number, max: number, single: boolean): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const object = single ? 'it' : 'them';
  if (min === max) return min === 1 ? `1 peer has ${object}` : `${n(min)} peers have ${object}`;
  return `${n(min)}–${n(max)} peers have ${object}`;
}

/** Tooltip lines: the piece or range, the state(s) largest first, and how many peers have it. */
export function describeRange(summary: RangeSummary): {
  title: string;
  states: string;
  peers: string;
} {
  const n = (x: number) => x.toLocaleString('en-US');
  const single = summary.first === summary.last;
  const title = single
    ? `Piece ${n(summary.first)}`
    : `Pieces ${n(summary.first)}–${n(summary.last)}`;
  const present = pieceStateNames
    .map((name, i) => ({ name, count: summary.stateCounts[i] as number }))
    .filter((e) => e.count > 0)
    .sort((a, b) => b.count - a.count);
  const states = single
    ? (present.map((e) => pieceStateLabels[e.name])[0] ?? '')
    : present.map((e) => `${pieceStateLabels[e.name]} ${n(e.count)}`).join(', ');
  return {
    title,
    states,
    peers: peersText(summary.minPeers, summary.maxPeers, single),
  };
}
