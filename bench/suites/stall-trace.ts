/**
 * Where our peer's event loop stalls (issue 20: "profile a slow run against a fast one"). Set
 * BENCH_STALL_TRACE to a folder and each child writes there (stall-<pid>.txt), at its end, every gap of more than
 * STALL_MS between two turns of a 5 ms interval, each with the garbage collections that
 * overlapped it, and a summary of all collections by kind. Diagnostic only: no bench row reads
 * it, and it costs a timer turn every 5 ms, so leave it off for measured runs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Session as InspectorSession } from 'node:inspector';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import type { PerformanceEntry } from 'node:perf_hooks';

const TICK_MS = 5;
/** A gap above this (beyond the tick) is reported. */
const STALL_MS = 15;
/** Kept at most, so a long run stays bounded. */
const MAX_RECORDS = 2000;

interface Gc {
  at: number;
  ms: number;
  kind: number;
  /** perf_hooks' NODE_PERFORMANCE_GC_FLAGS_*: e.g. 16 all available garbage, 32 external memory. */
  flags: number;
}

export interface StallTrace {
  mark(name: string): void;
  stop(): void;
}

export function startStallTrace(): StallTrace | null {
  const dir = process.env.BENCH_STALL_TRACE;
  if (!dir) return null;
  const t0 = performance.now();
  const gcs: Gc[] = [];
  const stalls: { at: number; ms: number }[] = [];
  const marks: { name: string; at: number; threads: string }[] = [];
  const obs = new PerformanceObserver((list) => {
    type GcEntry = PerformanceEntry & { detail?: { kind?: number; flags?: number } };
    for (const e of list.getEntries() as GcEntry[]) {
      if (gcs.length < MAX_RECORDS)
        gcs.push({
          at: e.startTime - t0,
          ms: e.duration,
          kind: e.detail?.kind ?? 0,
          flags: e.detail?.flags ?? 0,
        });
    }
  });
  obs.observe({ entryTypes: ['gc'] });
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    const gap = now - last - TICK_MS;
    if (gap > STALL_MS && stalls.length < MAX_RECORDS) stalls.push({ at: last - t0, ms: gap });
    last = now;
  }, TICK_MS);
  return {
    mark: (name) => {
      marks.push({ name, at: performance.now() - t0, threads: threadCpu() });
      if (name === 'first-byte') startHeapSampling();
      if (name === 'verified') stopHeapSampling(dir);
    },
    stop() {
      clearInterval(timer);
      obs.disconnect();
      const byKind = new Map<number, { n: number; ms: number; max: number }>();
      for (const g of gcs) {
        const k = byKind.get(g.kind) ?? { n: 0, ms: 0, max: 0 };
        k.n++;
        k.ms += g.ms;
        k.max = Math.max(k.max, g.ms);
        byKind.set(g.kind, k);
      }
      const r = (x: number): number => Math.round(x * 10) / 10;
      const lines = [
        `stall-trace threads (tid comm user+sys s): ${threadCpu()}`,
        `stall-trace major GCs (at ms, ms, flags): ${gcs
          .filter((g) => g.kind === 4)
          .map((g) => `${r(g.at)} ${r(g.ms)} ${g.flags}`)
          .join('; ')}`,
        ...marks.map((m) => `stall-trace mark ${m.name} at ${r(m.at)} ms, threads: ${m.threads}`),
        `stall-trace gc by kind (1 scavenge, 2 minor-ms, 4 mark-compact, 8 weak, 16 incremental): ${[
          ...byKind,
        ]
          .map(([k, v]) => `${k}: ${v.n}x ${r(v.ms)} ms (max ${r(v.max)})`)
          .join('; ')}`,
        ...stalls.map((s) => {
          const overlap = gcs.filter((g) => g.at + g.ms >= s.at && g.at <= s.at + s.ms + TICK_MS);
          const gc = overlap.map((g) => `gc${g.kind}/${g.flags} ${r(g.ms)}`).join(',');
          return `stall-trace at ${r(s.at)} ms: ${r(s.ms)} ms${gc ? ` (${gc})` : ''}`;
        }),
      ];
      fs.writeFileSync(path.join(dir, `stall-${process.pid}.txt`), lines.join('\n') + '\n');
    },
  };
}

/** Each thread's CPU from /proc (the main thread's tid is the pid): which thread spends what. */
function threadCpu(): string {
  const dir = `/proc/${process.pid}/task`;
  try {
    return fs
      .readdirSync(dir)
      .map((tid) => {
        const stat = fs.readFileSync(`${dir}/${tid}/stat`, 'utf8');
        const close = stat.lastIndexOf(')');
        const comm = stat.slice(stat.indexOf('(') + 1, close);
        const f = stat.slice(close + 2).split(' ');
        // Fields 14 and 15 (utime, stime), counted from after the comm: indices 11 and 12.
        const user = Number(f[11]) / 100;
        const sys = Number(f[12]) / 100;
        return { tid, comm, sec: user + sys, user, sys };
      })
      .filter((t) => t.sec > 0)
      .map(
        (t) => `${t.tid === String(process.pid) ? 'main' : t.tid} ${t.comm} ${t.user}u+${t.sys}s`,
      )
      .join('; ');
  } catch {
    return 'unavailable';
  }
}

/**
 * With BENCH_HEAP_SAMPLE set too: what the transfer allocates, garbage included, sampled from
 * the first byte to every piece verified (heap-<pid>.heapprofile, for DevTools or a script).
 */
let heapSession: InspectorSession | null = null;

function startHeapSampling(): void {
  if (!process.env.BENCH_HEAP_SAMPLE || heapSession) return;
  heapSession = new InspectorSession();
  heapSession.connect();
  heapSession.post('HeapProfiler.startSampling', {
    samplingInterval: 16384,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
}

function stopHeapSampling(dir: string): void {
  const s = heapSession;
  if (!s) return;
  s.post('HeapProfiler.stopSampling', (err, res) => {
    if (!err) {
      fs.writeFileSync(
        path.join(dir, `heap-${process.pid}.heapprofile`),
        JSON.stringify(res.profile),
      );
    }
    s.disconnect();
  });
  heapSession = null;
}
