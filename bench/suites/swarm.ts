/**
 * One of our seeders to eight of our leechers (issue 4, "Swarm"), each in its own process, on
 * loopback. Leechers start one after another; each is given the seeder and the leechers started
 * before it (as createTestSwarm's connectByAddress), so they also trade pieces among themselves.
 * Reported: the time from the first leecher's start to the last one done, and the average of
 * each leecher's own done-to-done rate. Every copy is checked by sha256.
 */
import fs from 'node:fs';
import path from 'node:path';
import { sha256File } from '../../src-main/testing/fixtures';
import { MIB, freshDir, log, mbps, prepareBenchContent, round, startOurPeer } from './util';
import type { OurPeer } from './util';

export interface SwarmBenchOptions {
  sizeBytes: number;
  leechers: number;
  workDir: string;
}

export interface SwarmBenchResult {
  sizeBytes: number;
  leechers: number;
  totalSec: number;
  avgLeecherMbps: number;
  minLeecherMbps: number;
  maxLeecherMbps: number;
  perLeecher: {
    index: number;
    wallSec: number;
    mbps: number;
    cpuSec: number;
    maxRssMb: number;
    lagP99Ms: number;
  }[];
}

export async function runSwarmBench(opts: SwarmBenchOptions): Promise<SwarmBenchResult> {
  const root = path.join(opts.workDir, 'swarm');
  fs.rmSync(root, { recursive: true, force: true });
  const name = `swarm-${Math.round(opts.sizeBytes / MIB)}MiB.bin`;
  const started: OurPeer[] = [];
  try {
    const { srcDir, srcSha, torrentFile } = prepareBenchContent(root, name, opts.sizeBytes, 4321);
    // Nine processes share the machine's cores; give them far longer than a single download.
    const timeoutMs = Math.max(300_000, (opts.sizeBytes / 1e6) * opts.leechers * 1000);
    const seeder = await startOurPeer({ role: 'seed', torrentFile, dir: srcDir });
    started.push(seeder);
    await seeder.waitReady(timeoutMs);
    log(`swarm: seeder ready on ${seeder.port}; starting ${opts.leechers} leechers`);

    const t0 = performance.now();
    const leechers: { peer: OurPeer; dir: string; startedAt: number }[] = [];
    for (let i = 0; i < opts.leechers; i++) {
      const dir = freshDir(root, `leecher-${i}`);
      const peers = [seeder, ...leechers.map((l) => l.peer)].map((p) => ({
        address: '127.0.0.1',
        port: p.port,
      }));
      const startedAt = performance.now();
      const peer = await startOurPeer({
        role: 'leech',
        torrentFile,
        dir,
        peers,
        timeoutSec: timeoutMs / 1000,
      });
      started.push(peer);
      leechers.push({ peer, dir, startedAt });
    }
    const perLeecher = await Promise.all(
      leechers.map(async (l, index) => {
        const done = await l.peer.waitDone(timeoutMs);
        const wallSec = (performance.now() - l.startedAt) / 1000;
        return {
          index,
          wallSec: round(wallSec, 3),
          mbps: round(mbps(opts.sizeBytes, wallSec), 1),
          cpuSec: round(done.cpuSec, 3),
          maxRssMb: round(done.maxRssKb / 1024, 1),
          lagP99Ms: round(done.lagP99Ms, 2),
        };
      }),
    );
    const totalSec = (performance.now() - t0) / 1000;
    for (const l of leechers) {
      await l.peer.stop();
      if (sha256File(path.join(l.dir, name)) !== srcSha)
        throw new Error(`swarm: ${l.dir} differs from the source (sha256)`);
    }
    const rates = perLeecher.map((x) => x.mbps);
    const result: SwarmBenchResult = {
      sizeBytes: opts.sizeBytes,
      leechers: opts.leechers,
      totalSec: round(totalSec, 3),
      avgLeecherMbps: round(rates.reduce((a, b) => a + b, 0) / rates.length, 1),
      minLeecherMbps: Math.min(...rates),
      maxLeecherMbps: Math.max(...rates),
      perLeecher,
    };
    log(
      `swarm: all ${opts.leechers} done in ${result.totalSec} s, average ${result.avgLeecherMbps} MB/s per leecher`,
    );
    return result;
  } finally {
    for (const p of started.reverse()) await p.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
}
