/**
 * Magnet to first byte (issue 17): how long a leecher given only a magnet link, with the seeder
 * as its `x.pe` peer, takes from starting its session to the first payload byte: listen, dial,
 * fetch the metadata (BEP 9), then request and receive a block. Ours (an in-process Session,
 * timed from before `Session.open`) against libtorrent's (its script's own clock, from after
 * `import libtorrent`, which includes creating its session), both from the same libtorrent
 * seeder. The median of `runs`, alternating who goes first. Each copy is checked by sha256 once
 * complete, so a fast wrong answer cannot count.
 */
import path from 'node:path';
import { Session, toMagnet, parseTorrent } from '../../src-main/engine';
import { sha256File, waitFor } from '../../src-main/testing/fixtures';
import { startLibtorrent } from '../../src-main/testing/ref-clients';
import { freshDir, log, median, prepareBenchContent, round } from './util';
import fs from 'node:fs';

export interface MagnetBenchResult {
  sizeBytes: number;
  metadataBytes: number;
  runs: number;
  oursFirstByteSec: number[];
  libtorrentFirstByteSec: number[];
  oursMedianSec: number;
  libtorrentMedianSec: number;
}

const NAME = 'magnet-bench.bin';
const TIMEOUT_MS = 60_000;

export async function runMagnetBench(opts: {
  sizeBytes: number;
  runs: number;
  workDir: string;
}): Promise<MagnetBenchResult> {
  const root = freshDir(opts.workDir, 'magnet');
  const content = prepareBenchContent(root, NAME, opts.sizeBytes, 99);
  const meta = parseTorrent(fs.readFileSync(content.torrentFile));
  const seeder = await startLibtorrent({
    role: 'seed',
    torrentFile: content.torrentFile,
    saveDir: content.srcDir,
  });
  const ours: number[] = [];
  const theirs: number[] = [];
  try {
    await seeder.waitReady(TIMEOUT_MS);
    const magnet = `${toMagnet(meta)}&x.pe=127.0.0.1:${seeder.port}`;
    for (let run = 0; run < opts.runs; run++) {
      const order = run % 2 === 0 ? ['ours', 'libtorrent'] : ['libtorrent', 'ours'];
      for (const who of order) {
        const dir = freshDir(root, `${who}-${run}`);
        if (who === 'ours') ours.push(await oursFirstByte(magnet, dir, content.srcSha));
        else
          theirs.push(await libtorrentFirstByte(magnet, content.torrentFile, dir, content.srcSha));
      }
      log(`magnet run ${run + 1}: ours ${ours.at(-1)} s, libtorrent ${theirs.at(-1)} s`);
    }
  } finally {
    await seeder.stop();
  }
  return {
    sizeBytes: opts.sizeBytes,
    metadataBytes: meta.infoBytes.length,
    runs: opts.runs,
    oursFirstByteSec: ours,
    libtorrentFirstByteSec: theirs,
    oursMedianSec: round(median(ours), 3),
    libtorrentMedianSec: round(median(theirs), 3),
  };
}

async function oursFirstByte(magnet: string, dir: string, sha: string): Promise<number> {
  const t0 = performance.now();
  const session = await Session.open({
    dataDir: null,
    downloadDir: dir,
    listenHost: '127.0.0.1',
    listenPort: 0,
  });
  try {
    const id = await session.addTorrent({ magnet });
    let firstByteSec: number | null = null;
    await waitFor(
      () => {
        const s = session.summary(id);
        if (firstByteSec === null && (s?.downloadedBytes ?? 0) > 0) {
          firstByteSec = (performance.now() - t0) / 1000;
        }
        return s?.state === 'seeding';
      },
      'our magnet download',
      TIMEOUT_MS,
      2,
    );
    if (sha256File(path.join(dir, NAME)) !== sha) throw new Error('our copy differs');
    return round(firstByteSec ?? Number.NaN, 3);
  } finally {
    await session.close();
  }
}

async function libtorrentFirstByte(
  magnet: string,
  torrentFile: string,
  dir: string,
  sha: string,
): Promise<number> {
  const leecher = await startLibtorrent({
    role: 'leech',
    torrentFile,
    magnet,
    saveDir: dir,
    plaintext: true,
    intervalMs: 2,
  });
  try {
    const done = await leecher.waitDone(TIMEOUT_MS);
    if (sha256File(path.join(dir, NAME)) !== sha) throw new Error("libtorrent's copy differs");
    return round(done.firstByteSec ?? Number.NaN, 3);
  } finally {
    await leecher.stop();
  }
}
