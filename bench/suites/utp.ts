/**
 * uTP download throughput against libtorrent (issue 18, "Bench"): a libtorrent seeder with TCP
 * off and uTP on; in each run, into a fresh folder, our leecher (uTP only) and a libtorrent
 * leecher (uTP only) download the whole torrent from it, in an order that alternates between
 * runs. Throughput is done-to-done by each leecher's own monotonic clock, as in download.ts; CPU
 * is the leecher process's own, to every piece verified. Every copy is checked by sha256.
 */
import path from 'node:path';
import { sha256File } from '../../src-main/testing/fixtures';
import { startLibtorrent } from '../../src-main/testing/ref-clients';
import {
  MIB,
  freshDir,
  log,
  mbps,
  median,
  monoSec,
  prepareBenchContent,
  round,
  startOurPeer,
  warmFreeMemory,
} from './util';

const GIB = 1024 * MIB;

export interface UtpRun {
  run: number;
  leecher: 'ours' | 'libtorrent';
  wallSec: number;
  mbps: number;
  leecherCpuSec: number;
  cpuSecPerGiB: number;
}

export interface UtpBenchResult {
  sizeBytes: number;
  runs: UtpRun[];
  oursMbps: number | null;
  libtorrentMbps: number | null;
  oursCpuSecPerGiB: number | null;
  libtorrentCpuSecPerGiB: number | null;
}

export async function runUtpBench(opts: {
  sizeBytes: number;
  runs: number;
  workDir: string;
}): Promise<UtpBenchResult> {
  const root = path.join(opts.workDir, 'utp');
  const name = `utp-${Math.round(opts.sizeBytes / MIB)}MiB.bin`;
  const { srcDir, srcSha, torrentFile } = prepareBenchContent(root, name, opts.sizeBytes, 2929);
  const timeoutMs = Math.max(120_000, (opts.sizeBytes / 2e6) * 1000);
  const seeder = await startLibtorrent({
    role: 'seed',
    torrentFile,
    saveDir: srcDir,
    utpOnly: true,
  });
  const runs: UtpRun[] = [];
  try {
    await seeder.waitReady(timeoutMs);
    log(`uTP: libtorrent seeder ready on ${seeder.port}`);
    const peers = [{ address: '127.0.0.1', port: seeder.port }];
    for (let r = 0; r < opts.runs; r++) {
      const order: UtpRun['leecher'][] =
        r % 2 === 0 ? ['libtorrent', 'ours'] : ['ours', 'libtorrent'];
      for (const who of order) {
        const dir = freshDir(root, `dl-${who}`);
        warmFreeMemory(opts.sizeBytes * 1.5);
        const t0 = monoSec();
        let wallSec: number;
        let cpuSec: number;
        if (who === 'ours') {
          const leecher = await startOurPeer({
            role: 'leech',
            torrentFile,
            dir,
            peers,
            timeoutSec: timeoutMs / 1000,
            transports: 'utp',
          });
          try {
            const done = await leecher.waitDone(timeoutMs);
            wallSec = done.verifiedMonoSec - t0;
            cpuSec = done.cpuAtVerifiedSec;
          } finally {
            await leecher.stop();
          }
        } else {
          const leecher = await startLibtorrent({
            role: 'leech',
            torrentFile,
            saveDir: dir,
            peers,
            exitWhenDone: true,
            plaintext: true,
            utpOnly: true,
            intervalMs: 20,
          });
          try {
            const done = await leecher.waitDone(timeoutMs);
            wallSec = done.doneMonoSec - t0;
            cpuSec = done.cpuSec;
          } finally {
            await leecher.stop();
          }
        }
        const got = sha256File(path.join(dir, name));
        if (got !== srcSha) throw new Error(`uTP: ${who}'s copy differs from the source`);
        const run: UtpRun = {
          run: r,
          leecher: who,
          wallSec: round(wallSec, 3),
          mbps: mbps(opts.sizeBytes, wallSec),
          leecherCpuSec: round(cpuSec, 3),
          cpuSecPerGiB: round(cpuSec / (opts.sizeBytes / GIB), 3),
        };
        log(`uTP run ${r}: ${who} ${run.mbps} MB/s, ${run.cpuSecPerGiB} CPU s/GiB`);
        runs.push(run);
      }
    }
  } finally {
    await seeder.stop();
  }
  const med = (who: UtpRun['leecher'], k: 'mbps' | 'cpuSecPerGiB'): number | null => {
    const xs = runs.filter((x) => x.leecher === who).map((x) => x[k]);
    return xs.length ? round(median(xs), 3) : null;
  };
  return {
    sizeBytes: opts.sizeBytes,
    runs,
    oursMbps: med('ours', 'mbps'),
    libtorrentMbps: med('libtorrent', 'mbps'),
    oursCpuSecPerGiB: med('ours', 'cpuSecPerGiB'),
    libtorrentCpuSecPerGiB: med('libtorrent', 'cpuSecPerGiB'),
  };
}
