/**
 * MSE/PE (issue 18): encrypted downloads, their CPU, and RC4 alone.
 *
 * One single-file torrent of `sizeBytes` (1 MiB pieces, no tracker, peers by address), as the
 * download suite. Cases, in an order that rotates between runs, into a fresh folder each time:
 *   - libtorrent leecher <- libtorrent seeder, both with encryption forced (RC4 only): the
 *     reference, and ours (policy require) <- the same seeder, with RC4 moved to its worker
 *     after the first MiBs (the default) and with RC4 kept on the main thread ("inline");
 *   - ours <- ours: our leecher under `disable` (plaintext) and under `require` (RC4), from one
 *     seeder of ours under `prefer`: the cost of encryption in our engine alone, both sides.
 * Throughput is done-to-done by the leecher's own monotonic clock, CPU is the leecher's own (and
 * the seeder's from /proc while it served), as in suites/download.ts; each copy is checked by
 * sha256. Then RC4 alone: CPU seconds per GiB decrypting 64 KiB chunks in place.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createMseRc4 } from '../../src-main/engine';
import type { EncryptionMode } from '../../src-shared/model';
import { sha256File } from '../../src-main/testing/fixtures';
import { startLibtorrent } from '../../src-main/testing/ref-clients';
import type { Libtorrent } from '../../src-main/testing/ref-clients';
import {
  MIB,
  freshDir,
  log,
  mbps,
  median,
  monoSec,
  prepareBenchContent,
  procCpuSec,
  round,
  startOurPeer,
  warmFreeMemory,
} from './util';
import type { OurPeer } from './util';

type CaseName =
  'lt<-lt rc4' | 'ours<-lt rc4' | 'ours<-lt rc4 inline' | 'ours<-ours plain' | 'ours<-ours rc4';

interface EncryptionRun {
  run: number;
  name: CaseName;
  wallSec: number;
  mbps: number;
  leecherCpuSec: number;
  seederCpuSec: number | null;
}

export interface EncryptionBenchResult {
  sizeBytes: number;
  runs: EncryptionRun[];
  /** Per case: median MB/s, leecher and seeder CPU seconds per GiB. */
  medians: Partial<
    Record<
      CaseName,
      { mbps: number; leecherCpuSecPerGiB: number; seederCpuSecPerGiB: number | null }
    >
  >;
  /** RC4-drop-1024 alone, in place over 64 KiB chunks: median CPU seconds per GiB. */
  rc4CpuSecPerGiB: number;
}

export async function runEncryptionBench(opts: {
  sizeBytes: number;
  runs: number;
  workDir: string;
}): Promise<EncryptionBenchResult> {
  const root = path.join(opts.workDir, 'encryption');
  fs.rmSync(root, { recursive: true, force: true });
  const name = `mse-${Math.round(opts.sizeBytes / MIB)}MiB.bin`;
  const stopAll: (() => Promise<void>)[] = [];
  try {
    log(`encryption: writing ${opts.sizeBytes} bytes of content`);
    const { srcDir, srcSha, torrentFile } = prepareBenchContent(root, name, opts.sizeBytes, 4321);
    const timeoutMs = Math.max(120_000, (opts.sizeBytes / 5e6) * 1000);
    const ltSeeder: Libtorrent = await startLibtorrent({
      role: 'seed',
      torrentFile,
      saveDir: srcDir,
      encryption: 'forced',
    });
    stopAll.push(() => ltSeeder.stop());
    const ourSeeder: OurPeer = await startOurPeer({
      role: 'seed',
      torrentFile,
      dir: srcDir,
      encryption: 'prefer',
    });
    stopAll.push(() => ourSeeder.stop());
    await ltSeeder.waitReady(timeoutMs);
    await ourSeeder.waitReady(timeoutMs);
    log(`encryption: seeders ready (libtorrent ${ltSeeder.port}, ours ${ourSeeder.port})`);

    const transfer = async (c: CaseName, r: number): Promise<EncryptionRun> => {
      const seeder = c.includes('<-lt rc4') ? ltSeeder : ourSeeder;
      const dir = freshDir(root, `dl-${c.replace(/[^a-z0-9]+/g, '-')}`);
      const peers = [{ address: '127.0.0.1', port: seeder.port }];
      const seederCpuBefore = procCpuSec(seeder.pid);
      warmFreeMemory(opts.sizeBytes * 1.5);
      const t0 = monoSec();
      let wallSec: number;
      let leecherCpuSec: number;
      if (c === 'lt<-lt rc4') {
        const leecher = await startLibtorrent({
          role: 'leech',
          torrentFile,
          saveDir: dir,
          peers,
          exitWhenDone: true,
          encryption: 'forced',
          intervalMs: 20,
        });
        try {
          const done = await leecher.waitDone(timeoutMs);
          wallSec = done.doneMonoSec - t0;
          leecherCpuSec = done.cpuSec;
        } finally {
          await leecher.stop();
        }
      } else {
        const policy: EncryptionMode = c === 'ours<-ours plain' ? 'disable' : 'require';
        const leecher = await startOurPeer({
          role: 'leech',
          torrentFile,
          dir,
          peers,
          timeoutSec: timeoutMs / 1000,
          encryption: policy,
          rc4Inline: c === 'ours<-lt rc4 inline',
        });
        try {
          const done = await leecher.waitDone(timeoutMs);
          wallSec = done.verifiedMonoSec - t0;
          leecherCpuSec = done.cpuAtVerifiedSec;
        } finally {
          await leecher.stop();
        }
      }
      const seederCpuAfter = procCpuSec(seeder.pid);
      if (sha256File(path.join(dir, name)) !== srcSha)
        throw new Error(`encryption ${c}: content differs from the source (sha256)`);
      fs.rmSync(dir, { recursive: true, force: true });
      return {
        run: r,
        name: c,
        wallSec,
        mbps: mbps(opts.sizeBytes, wallSec),
        leecherCpuSec,
        seederCpuSec:
          seederCpuBefore !== null && seederCpuAfter !== null
            ? seederCpuAfter - seederCpuBefore
            : null,
      };
    };

    // Each seeder's first download is cheaper for it than later ones (see suites/download.ts):
    // one untimed download from each first.
    for (const c of ['lt<-lt rc4', 'ours<-ours plain'] as CaseName[]) {
      const w = await transfer(c, -1);
      log(`encryption: warm-up ${c}: ${round(w.mbps, 1)} MB/s (not counted)`);
    }
    const cases: CaseName[] = [
      'lt<-lt rc4',
      'ours<-lt rc4',
      'ours<-lt rc4 inline',
      'ours<-ours plain',
      'ours<-ours rc4',
    ];
    const runs: EncryptionRun[] = [];
    for (let r = 0; r < opts.runs; r++) {
      const order = cases.map((_, i) => cases[(i + r) % cases.length] as CaseName);
      for (const c of order) {
        const run = await transfer(c, r);
        runs.push(run);
        log(
          `encryption run ${r + 1}/${opts.runs} ${c}: ${round(run.mbps, 1)} MB/s, leecher CPU ` +
            `${round(run.leecherCpuSec)} s` +
            (run.seederCpuSec !== null ? `, seeder CPU ${round(run.seederCpuSec)} s` : ''),
        );
      }
    }
    const gib = opts.sizeBytes / 1024 ** 3;
    const medians: EncryptionBenchResult['medians'] = {};
    for (const c of cases) {
      const xs = runs.filter((x) => x.name === c);
      const seeder = xs.map((x) => x.seederCpuSec).filter((x): x is number => x !== null);
      medians[c] = {
        mbps: round(median(xs.map((x) => x.mbps)), 1),
        leecherCpuSecPerGiB: round(median(xs.map((x) => x.leecherCpuSec)) / gib, 3),
        seederCpuSecPerGiB: seeder.length ? round(median(seeder) / gib, 3) : null,
      };
    }
    return { sizeBytes: opts.sizeBytes, runs, medians, rc4CpuSecPerGiB: measureRc4() };
  } finally {
    for (const stop of stopAll.reverse()) await stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/** RC4 alone: 256 MiB decrypted in place in 64 KiB chunks, three rounds; median CPU s/GiB. */
function measureRc4(): number {
  const chunkBytes = 64 * 1024;
  const totalBytes = 256 * MIB;
  const buf = new Uint8Array(16 * MIB).map((_, x) => x & 0xff);
  const key = new Uint8Array(20).map((_, x) => x * 7 + 1);
  const perGiB: number[] = [];
  for (let r = 0; r < 3; r++) {
    const rc4 = createMseRc4(key);
    const cpu0 = process.cpuUsage();
    for (let done = 0; done < totalBytes; done += chunkBytes) {
      const at = done % buf.length;
      const part = buf.subarray(at, at + chunkBytes);
      rc4.process(part, part);
    }
    const cpu = process.cpuUsage(cpu0);
    perGiB.push((cpu.user + cpu.system) / 1e6 / (totalBytes / 1024 ** 3));
  }
  return round(median(perGiB), 3);
}
