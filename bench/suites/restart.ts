/**
 * Bench suite "restart" (issue 15): how fast a session with a data folder is back to seeding
 * what it had, with resume data.
 *
 * - A finished 512 MiB torrent: a first session checks it (every piece hashed) and closes; the
 *   measured second one is timed from `Session.open` to the torrent seeding, and what the process
 *   read meanwhile is taken from /proc/self/io (`rchar`: every byte read by any thread, page cache
 *   or not). Target: seeding within 1 s, less than 5% of the data read.
 * - 1,000 small finished torrents: the same, timed to all of them seeding. Target: under 3 s.
 *
 * Sessions run in this process (the measured part is its start, not a transfer).
 */
import fs from 'node:fs';
import path from 'node:path';
import { HashWritePool, MemoryLogger, Session, createTorrent } from '../../src-main/engine';
import { writeFile } from '../../src-main/testing/fixtures';
import { log, round } from './util';

export interface RestartBenchResult {
  bigSizeMiB: number;
  /** From Session.open to the torrent seeding, restarted with resume data. */
  bigSeedingSec: number;
  /** Bytes this process read meanwhile (rchar), and as a share of the data; null off Linux. */
  bigReadBytes: number | null;
  bigReadShare: number | null;
  /** The same start without resume data (its first start), for comparison. */
  bigFirstStartSec: number;
  smallCount: number;
  smallSeedingSec: number;
}

const BIG_BYTES = 512 * 1024 * 1024;
const SMALL_COUNT = 1000;
const SMALL_BYTES = 64 * 1024;
const POLL_MS = 5;
const WAIT_LIMIT_MS = 600_000;

function readChars(): number | null {
  try {
    const m = /^rchar: (\d+)$/m.exec(fs.readFileSync('/proc/self/io', 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

async function until(cond: () => boolean, what: string): Promise<void> {
  const deadline = performance.now() + WAIT_LIMIT_MS;
  while (!cond()) {
    if (performance.now() > deadline)
      throw new Error(`restart bench: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

function open(dataDir: string, downloads: string): Promise<Session> {
  return Session.open({
    dataDir,
    downloadDir: downloads,
    listenHost: '127.0.0.1',
    listenPort: 0,
    useTrackers: false,
    logger: new MemoryLogger('warn'),
    // Every torrent seeds: the queue (issue 21) would hold all but 5 of the 1,000 small ones as
    // queued, and the suite waited for 'seeding' until its limit.
    settings: { maxActiveSeeds: 0, maxActiveDownloads: 0 },
  });
}

const allSeeding = (s: Session, n: number): boolean => {
  const list = s.list();
  return list.length === n && list.every((t) => t.state === 'seeding');
};

export async function runRestartBench(opts: { workDir: string }): Promise<RestartBenchResult> {
  const root = path.join(opts.workDir, 'restart');
  const pool = new HashWritePool();
  try {
    // ---- one finished 512 MiB torrent
    const bigData = path.join(root, 'big-data');
    const bigDl = path.join(root, 'big-dl');
    writeFile(path.join(bigDl, 'big.bin'), BIG_BYTES, 5);
    const big = await createTorrent(path.join(bigDl, 'big.bin'), { pool });
    let s = await open(bigData, bigDl);
    let t0 = performance.now();
    const id = await s.addTorrent({ torrentFile: big.torrentFile });
    await until(() => s.summary(id)?.state === 'seeding', 'the first check');
    const bigFirstStartSec = (performance.now() - t0) / 1000;
    await s.close();
    log(`restart: first start (every piece hashed) ${round(bigFirstStartSec)} s`);

    const readBefore = readChars();
    t0 = performance.now();
    s = await open(bigData, bigDl);
    await until(() => s.summary(id)?.state === 'seeding', 'the restart');
    const bigSeedingSec = (performance.now() - t0) / 1000;
    const readAfter = readChars();
    await s.close();
    const bigReadBytes = readBefore !== null && readAfter !== null ? readAfter - readBefore : null;
    log(`restart: 512 MiB seeding after ${round(bigSeedingSec, 3)} s, read ${bigReadBytes} bytes`);

    // ---- 1,000 small finished torrents
    const smallData = path.join(root, 'small-data');
    const smallDl = path.join(root, 'small-dl');
    s = await open(smallData, smallDl);
    for (let i = 0; i < SMALL_COUNT; i++) {
      const file = path.join(smallDl, `s-${i}.bin`);
      writeFile(file, SMALL_BYTES, i + 1);
      const { torrentFile } = await createTorrent(file, { pool, pieceLength: 16 * 1024 });
      await s.addTorrent({ torrentFile });
    }
    await until(() => allSeeding(s, SMALL_COUNT), 'the small torrents');
    await s.close();
    t0 = performance.now();
    s = await open(smallData, smallDl);
    const smallOpenSec = (performance.now() - t0) / 1000;
    await until(() => allSeeding(s, SMALL_COUNT), 'the small torrents after the restart');
    const smallSeedingSec = (performance.now() - t0) / 1000;
    await s.close();
    log(
      `restart: ${SMALL_COUNT} small torrents seeding after ${round(smallSeedingSec, 3)} s ` +
        `(the session open after ${round(smallOpenSec, 3)} s)`,
    );

    return {
      bigSizeMiB: BIG_BYTES / 1024 / 1024,
      bigSeedingSec: round(bigSeedingSec, 3),
      bigReadBytes,
      bigReadShare: bigReadBytes === null ? null : round(bigReadBytes / BIG_BYTES, 4),
      bigFirstStartSec: round(bigFirstStartSec, 3),
      smallCount: SMALL_COUNT,
      smallSeedingSec: round(smallSeedingSec, 3),
    };
  } finally {
    await pool.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
}
