/**
 * One seeder to eight leechers (issue 4, "Swarm"; issue 20: against the same with libtorrent's),
 * each in its own process, on loopback. Leechers start one after another; each is given the
 * seeder and the leechers started before it (as createTestSwarm's connectByAddress), so they also
 * trade pieces among themselves. Each leecher exits once it has every piece.
 *
 * One run per variant: our seeder with eight of our leechers, then the same seeder with eight
 * libtorrent leechers (and, when asked, a libtorrent seeder with each), every client with its
 * defaults. A leecher's time is from its spawn to every piece verified, by its own monotonic clock
 * (its sync to disk afterwards is not counted, as in download.ts). Reported per variant: the time
 * from the first leecher's spawn to the last one done, the aggregate rate (leechers x size over
 * that time) and the average of each leecher's own rate. Every copy is checked by sha256.
 */
import fs from 'node:fs';
import path from 'node:path';
import { sha256File } from '../../src-main/testing/fixtures';
import { startLibtorrent } from '../../src-main/testing/ref-clients';
import {
  MIB,
  freshDir,
  log,
  mbps,
  monoSec,
  prepareBenchContent,
  round,
  startOurPeer,
} from './util';

export type SwarmClient = 'ours' | 'libtorrent';

export interface SwarmBenchOptions {
  sizeBytes: number;
  leechers: number;
  workDir: string;
  /** The seeders to run both leecher variants against; ['ours'] unless told. */
  seeders?: SwarmClient[];
}

export interface SwarmVariantResult {
  seeder: SwarmClient;
  leecher: SwarmClient;
  totalSec: number;
  /** leechers x size over totalSec, in MB/s. */
  aggregateMbps: number;
  avgLeecherMbps: number;
  minLeecherMbps: number;
  maxLeecherMbps: number;
  perLeecher: {
    index: number;
    wallSec: number;
    mbps: number;
    cpuSec: number;
    maxRssMb: number;
    /** Ours only. */
    lagP99Ms: number | null;
  }[];
}

export interface SwarmBenchResult {
  sizeBytes: number;
  leechers: number;
  /** Our seeder and our leechers (the issue 4 figures, kept at the top level). */
  totalSec: number;
  avgLeecherMbps: number;
  minLeecherMbps: number;
  maxLeecherMbps: number;
  /** Keyed `${leecher}<-${seeder}`. */
  variants: Record<string, SwarmVariantResult>;
}

/** A started peer of either client, as this suite needs it. */
interface SwarmPeer {
  port: number;
  stop(): Promise<void>;
}

interface LeecherDone {
  doneMonoSec: number;
  cpuSec: number;
  maxRssKb: number;
  lagP99Ms: number | null;
}

export async function runSwarmBench(opts: SwarmBenchOptions): Promise<SwarmBenchResult> {
  const root = path.join(opts.workDir, 'swarm');
  fs.rmSync(root, { recursive: true, force: true });
  const name = `swarm-${Math.round(opts.sizeBytes / MIB)}MiB.bin`;
  try {
    const { srcDir, srcSha, torrentFile } = prepareBenchContent(root, name, opts.sizeBytes, 4321);
    // Nine processes share the machine's cores; give them far longer than a single download.
    const timeoutMs = Math.max(300_000, (opts.sizeBytes / 1e6) * opts.leechers * 1000);
    const variants: Record<string, SwarmVariantResult> = {};
    for (const seederClient of opts.seeders ?? ['ours']) {
      for (const leecherClient of ['ours', 'libtorrent'] as const) {
        const v = await runVariant(seederClient, leecherClient);
        variants[`${leecherClient}<-${seederClient}`] = v;
      }
    }
    const base = variants['ours<-ours'] ?? Object.values(variants)[0];
    if (!base) throw new Error('swarm: no variant ran');
    return {
      sizeBytes: opts.sizeBytes,
      leechers: opts.leechers,
      totalSec: base.totalSec,
      avgLeecherMbps: base.avgLeecherMbps,
      minLeecherMbps: base.minLeecherMbps,
      maxLeecherMbps: base.maxLeecherMbps,
      variants,
    };

    async function runVariant(
      seederClient: SwarmClient,
      leecherClient: SwarmClient,
    ): Promise<SwarmVariantResult> {
      const started: SwarmPeer[] = [];
      try {
        let seeder: SwarmPeer;
        if (seederClient === 'ours') {
          const s = await startOurPeer({ role: 'seed', torrentFile, dir: srcDir });
          started.push(s);
          await s.waitReady(timeoutMs);
          seeder = s;
        } else {
          const s = await startLibtorrent({ role: 'seed', torrentFile, saveDir: srcDir });
          started.push(s);
          await s.waitReady(timeoutMs);
          seeder = s;
        }
        log(
          `swarm: ${seederClient} seeder ready on ${seeder.port}; starting ${opts.leechers} ${leecherClient} leechers`,
        );
        const t0 = monoSec();
        const leechers: {
          peer: SwarmPeer;
          dir: string;
          startedAt: number;
          done: (ms: number) => Promise<LeecherDone>;
        }[] = [];
        for (let i = 0; i < opts.leechers; i++) {
          const dir = freshDir(root, `${leecherClient}-from-${seederClient}-${i}`);
          const peers = [seeder, ...leechers.map((l) => l.peer)].map((p) => ({
            address: '127.0.0.1',
            port: p.port,
          }));
          const startedAt = monoSec();
          if (leecherClient === 'ours') {
            const p = await startOurPeer({
              role: 'leech',
              torrentFile,
              dir,
              peers,
              timeoutSec: timeoutMs / 1000,
            });
            started.push(p);
            leechers.push({
              peer: p,
              dir,
              startedAt,
              done: async (ms) => {
                const d = await p.waitDone(ms);
                return {
                  doneMonoSec: d.verifiedMonoSec,
                  cpuSec: d.cpuAtVerifiedSec,
                  maxRssKb: d.maxRssKb,
                  lagP99Ms: d.lagP99Ms,
                };
              },
            });
          } else {
            // Its defaults, as a user runs it; it notices done at its next poll: poll often.
            const p = await startLibtorrent({
              role: 'leech',
              torrentFile,
              saveDir: dir,
              peers,
              exitWhenDone: true,
              intervalMs: 20,
            });
            started.push(p);
            leechers.push({
              peer: p,
              dir,
              startedAt,
              done: async (ms) => {
                const d = await p.waitDone(ms);
                return { ...d, lagP99Ms: null };
              },
            });
          }
        }
        const dones = await Promise.all(leechers.map((l) => l.done(timeoutMs)));
        const perLeecher = dones.map((d, index) => {
          const wallSec = d.doneMonoSec - (leechers[index] as { startedAt: number }).startedAt;
          return {
            index,
            wallSec: round(wallSec, 3),
            mbps: round(mbps(opts.sizeBytes, wallSec), 1),
            cpuSec: round(d.cpuSec, 3),
            maxRssMb: round(d.maxRssKb / 1024, 1),
            lagP99Ms: d.lagP99Ms === null ? null : round(d.lagP99Ms, 2),
          };
        });
        const totalSec = Math.max(...dones.map((d) => d.doneMonoSec)) - t0;
        for (const l of leechers) {
          await l.peer.stop();
          if (sha256File(path.join(l.dir, name)) !== srcSha)
            throw new Error(`swarm: ${l.dir} differs from the source (sha256)`);
          fs.rmSync(l.dir, { recursive: true, force: true });
        }
        const rates = perLeecher.map((x) => x.mbps);
        const v: SwarmVariantResult = {
          seeder: seederClient,
          leecher: leecherClient,
          totalSec: round(totalSec, 3),
          aggregateMbps: round(mbps(opts.sizeBytes * opts.leechers, totalSec), 1),
          avgLeecherMbps: round(rates.reduce((a, b) => a + b, 0) / rates.length, 1),
          minLeecherMbps: Math.min(...rates),
          maxLeecherMbps: Math.max(...rates),
          perLeecher,
        };
        log(
          `swarm ${leecherClient} <- ${seederClient}: all ${opts.leechers} done in ${v.totalSec} s, ` +
            `aggregate ${v.aggregateMbps} MB/s, average ${v.avgLeecherMbps} MB/s per leecher`,
        );
        return v;
      } finally {
        for (const p of started.reverse()) await p.stop();
      }
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}
