/**
 * `swarmscope create <path> -o <file.torrent>`: hashes the content and writes the torrent. It is
 * also its own small entry (create-main.ts, built to out/cli/create.cjs), so a one-shot create
 * does not load the rest of the CLI (issue 20).
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { createTorrent } from '../../engine';
import type { HashWritePool } from '../../engine';
import { CLI_VERSION, CliError, ProgressLine, parse, parseSize } from '../cli-io';
import type { Io } from '../cli-io';
import { formatBytes, formatEta, formatRate, progressBar } from '../format';

export { CLI_VERSION };

/**
 * Creates the torrent; `pool` is the caller's (create-main.ts starts its workers before anything
 * else loads) and is closed here.
 */
export async function runCreate(args: string[], io: Io, pool: HashWritePool): Promise<number> {
  try {
    return await createLeavingPoolOpen(args, io, pool);
  } finally {
    await pool.close();
  }
}

/**
 * As runCreate, but leaves `pool` running: for create-main.ts, whose process exits as soon as
 * the torrent is written (closing the pool there would only make the user wait for its worker
 * to be torn down).
 */
export async function createLeavingPoolOpen(
  args: string[],
  io: Io,
  pool: HashWritePool,
): Promise<number> {
  const { values, positionals } = parse(args, {
    output: { type: 'string', short: 'o' },
    tracker: { type: 'string', short: 't', multiple: true },
    'piece-length': { type: 'string' },
    private: { type: 'boolean' },
    comment: { type: 'string', short: 'c' },
    'web-seed': { type: 'string', multiple: true },
  });
  const source = positionals[0];
  if (!source) throw new CliError('missing <path> to create a torrent from');
  if (!values.output) throw new CliError('missing -o <file.torrent>');
  if (!fs.existsSync(source)) throw new CliError(`${source} does not exist`);
  let pieceLength: number | undefined;
  if (values['piece-length'] !== undefined) {
    pieceLength = parseSize(values['piece-length']);
    if (!(pieceLength >= 16384 && (pieceLength & (pieceLength - 1)) === 0)) {
      throw new CliError('--piece-length must be a power of two of at least 16 KiB');
    }
  }
  const started = performance.now();
  const bar = new ProgressLine(io);
  try {
    const { torrentFile, meta } = await createTorrent(path.resolve(source), {
      pieceLength,
      trackers: (values.tracker ?? []).map((t) => [t]),
      private: values.private,
      comment: values.comment,
      webSeeds: values['web-seed'],
      createdBy: `Swarmscope ${CLI_VERSION}`,
      pool,
      onProgress: (done, total) => {
        const sec = (performance.now() - started) / 1000;
        const rate = done / Math.max(sec, 0.001);
        bar.update(
          `hashing ${progressBar(total ? done / total : 1)} ${((100 * done) / Math.max(1, total)).toFixed(1)}% ${formatRate(rate)} ETA ${formatEta(rate > 0 ? (total - done) / rate : null)}`,
        );
      },
    });
    await fsp.writeFile(values.output, torrentFile);
    bar.done();
    const sec = (performance.now() - started) / 1000;
    io.stdout(
      `created ${values.output}: ${meta.name}, ${formatBytes(meta.totalLength)}, ${meta.pieceCount} pieces of ${formatBytes(meta.pieceLength)}, info-hash ${meta.infoHashHex} (${formatRate(meta.totalLength / Math.max(sec, 0.001))})\n`,
    );
    return 0;
  } finally {
    bar.done();
  }
}
