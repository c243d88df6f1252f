import { describe, expect, it } from 'vitest';
import { ManualClock } from '../time/clock';
import type { NodeInfo } from './compact-nodes';
import { runLookup } from './lookup';
import type { LookupOptions, LookupReply, LookupTarget } from './lookup';

const OWN = new Uint8Array(20).fill(0xff);
const TARGET = new Uint8Array(20);
/** Node `n` has id byte 0 = n, so a smaller n is closer to the all-zero target. */
const node = (n: number): NodeInfo => {
  const id = new Uint8Array(20);
  id[0] = n;
  return { id, address: `10.0.0.${n}`, port: 1000 + n };
};

/** A lookup over a fake network where node n knows `graph[n]`; `dead` nodes never answer. */
function lookupOver(
  graph: Record<number, number[]>,
  opts: Partial<LookupOptions> & { dead?: number[] } = {},
) {
  const clock = new ManualClock();
  const asked: number[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const query = (t: LookupTarget): Promise<LookupReply | null> => {
    const n = t.port - 1000;
    asked.push(n);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    return new Promise((resolve) => {
      queueMicrotask(() => {
        if (opts.dead?.includes(n)) {
          // Never answers: only the lookup's own timeout ends the wait.
          clock.setTimeout(() => {
            inFlight--;
            resolve(null);
          }, 5_000);
          return;
        }
        inFlight--;
        resolve({ id: node(n).id, nodes: (graph[n] ?? []).map(node), token: Uint8Array.of(n) });
      });
    });
  };
  const run = (seeds: number[]) =>
    runLookup(seeds.map(node), {
      target: TARGET,
      ownId: OWN,
      clock,
      alpha: 3,
      k: 4,
      maxQueries: 50,
      maxCandidates: 32,
      maxPeers: 10,
      timeoutMs: 30_000,
      query,
      aborted: () => false,
      ...opts,
    });
  return { clock, asked, run, maxInFlight: () => maxInFlight };
}

describe('iterative lookup', () => {
  it('converges on the K closest nodes, each with its token', async () => {
    // Far nodes 100.. know nearer ones; 1..4 are the closest and know each other.
    const graph: Record<number, number[]> = {
      100: [50, 60, 70],
      50: [10, 20, 30],
      60: [20, 40],
      70: [30],
      10: [1, 2],
      20: [3, 4],
      1: [2, 3, 4],
    };
    const l = lookupOver(graph);
    const r = await l.run([100]);
    expect(r.closest.map((n) => n.id[0])).toEqual([1, 2, 3, 4]);
    expect(r.closest.map((n) => n.token?.[0])).toEqual([1, 2, 3, 4]);
    expect(r.timedOut).toBe(false);
  });

  it('keeps at most alpha queries in flight', async () => {
    const graph: Record<number, number[]> = { 100: [10, 11, 12, 13, 14, 15, 16, 17, 18, 19] };
    const l = lookupOver(graph);
    await l.run([100]);
    expect(l.maxInFlight()).toBe(3);
  });

  it('stops after maxQueries however many nodes it is told about', async () => {
    const graph: Record<number, number[]> = {};
    for (let n = 200; n > 1; n--) graph[n] = [n - 1];
    const l = lookupOver(graph, { maxQueries: 7 });
    const r = await l.run([200]);
    expect(r.queries).toBe(7);
    expect(l.asked.length).toBe(7);
  });

  it('gives up at its total timeout when nodes never answer', async () => {
    const l = lookupOver({ 100: [1, 2, 3] }, { dead: [1, 2, 3], timeoutMs: 3_000 });
    const done = l.run([100]);
    await new Promise((r) => setTimeout(r, 0));
    l.clock.advance(3_000);
    const r = await done;
    expect(r.timedOut).toBe(true);
    expect(r.closest.map((n) => n.id[0])).toEqual([100]);
  });

  it('never queries our own id or the same address twice', async () => {
    const self = { id: OWN, address: '10.0.0.250', port: 1250 };
    const l = lookupOver({});
    const r = await runLookup([node(100), node(100), self], {
      target: TARGET,
      ownId: OWN,
      clock: l.clock,
      alpha: 3,
      k: 4,
      maxQueries: 50,
      maxCandidates: 32,
      maxPeers: 10,
      timeoutMs: 30_000,
      aborted: () => false,
      query: () => Promise.resolve({ id: node(100).id, nodes: [node(100), self] }),
    });
    expect(r.queries).toBe(1);
  });
});
