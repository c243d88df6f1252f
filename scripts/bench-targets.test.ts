// `npm run bench:targets` (scripts/bench-targets.mjs): how three bench runs' tables become one
// verdict per row. The bench itself is never run here (no timed tests).
import { describe, expect, it } from 'vitest';
import { formatTargets, summariseTargets } from './bench-targets.mjs';

type Row = {
  metric: string;
  ours: number | null;
  reference: number | null;
  ratio: number | null;
  target: string;
  ok: boolean | null;
};

const row = (metric: string, ratio: number | null, ok: boolean | null, ours = 1): Row => ({
  metric,
  ours,
  reference: null,
  ratio,
  target: ok === null ? 'report' : '>= 1.1x',
  ok,
});

describe('summariseTargets', () => {
  it('holds a target only when it held in every run', () => {
    const s = summariseTargets([
      [row('seed', 1.2, true), row('download', 1.15, true)],
      [row('seed', 1.05, false), row('download', 1.12, true)],
      [row('seed', 1.3, true), row('download', 1.11, true)],
    ]);
    expect(s).toEqual([
      { metric: 'seed', target: '>= 1.1x', figures: [1.2, 1.05, 1.3], held: false },
      { metric: 'download', target: '>= 1.1x', figures: [1.15, 1.12, 1.11], held: true },
    ]);
  });

  it('counts a row missing from one run (its suite failed) as not held', () => {
    const s = summariseTargets([[row('multi', 1.2, true)], [], [row('multi', 1.2, true)]]);
    expect(s).toEqual([
      { metric: 'multi', target: '>= 1.1x', figures: [1.2, null, 1.2], held: false },
    ]);
  });

  it('gives report rows no verdict, and their value where they have no ratio', () => {
    const s = summariseTargets([
      [row('sync s', null, null, 0.4)],
      [row('sync s', null, null, 0.5)],
      [row('sync s', null, null, 0.6)],
    ]);
    expect(s).toEqual([
      { metric: 'sync s', target: 'report', figures: [0.4, 0.5, 0.6], held: null },
    ]);
  });

  it('prints one line per row with each run and the verdict', () => {
    const text = formatTargets(
      summariseTargets([
        [row('seed', 1.2, true)],
        [row('seed', 1.05, false)],
        [row('seed', 1.3, true)],
      ]),
    );
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^metric\s+run 1\s+run 2\s+run 3\s+target\s+all$/);
    expect(lines[2]).toMatch(/^seed\s+1\.20\s+1\.05\s+1\.30\s+>= 1\.1x\s+MISS$/);
  });
});
