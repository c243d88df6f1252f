/**
 * Golden torrents: the same inputs must keep making the very same .torrent bytes, whatever is
 * done to make creation faster (issue 20). The expected digests were taken from the code before
 * the speed work; the content is generated here from SHA-256 of a counter, so nothing in the
 * repository can change it.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HashWritePool } from '../hash';
import { createTorrent } from './create';
import type { CreateTorrentOptions } from './create';

/** `size` bytes: SHA-256 of `${seed}:${i}` for i = 0, 1, ... laid end to end. */
function content(seed: string, size: number): Buffer {
  const out = Buffer.allocUnsafe(size);
  for (let i = 0, at = 0; at < size; i++, at += 32) {
    createHash('sha256').update(`${seed}:${i}`).digest().copy(out, at);
  }
  return out;
}

/** Sizes that straddle pieces, read chunks (1 MiB) and the main thread's slices (4 MiB). */
const FOLDER: [rel: string, size: number][] = [
  ['a.bin', 1_048_583],
  ['empty.txt', 0],
  ['naïve café/ünïcødé.bin', 70_001],
  ['sub/dir/tiny.txt', 13],
  ['sub/z-last.bin', 5_000_011],
];
const SINGLE_SIZE = 9 * 1024 * 1024 + 5;

const OPTIONS: CreateTorrentOptions = {
  trackers: [['http://t1.invalid/announce', 'http://t2.invalid/announce'], ['udp://t3.invalid:80']],
  comment: 'golden ✓',
  createdBy: 'golden test',
  creationDate: 1_700_000_000,
  webSeeds: ['http://ws.invalid/'],
};

const GOLDEN = {
  single: {
    file: '37514c739c91fa8dd72523996437b09108d66bb2',
    infoHash: 'e5a472a3f17b421f6c40398dc7c54dc8822bd19b',
  },
  folder: {
    file: '06b09b21730ddb795732d47319858b7817a7fb21',
    infoHash: 'f38083a1b56ede9f09cceda16725388f0f77d1f0',
  },
};

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'swarmscope-golden-'));
  writeFileSync(path.join(dir, 'single.bin'), content('single', SINGLE_SIZE));
  for (const [rel, size] of FOLDER) {
    const file = path.join(dir, 'folder', ...rel.split('/'));
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content(rel, size));
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function sha1Hex(bytes: Uint8Array): string {
  return createHash('sha1').update(bytes).digest('hex');
}

describe('createTorrent golden output', () => {
  // As the app hashes (the session's pool of workers) and as `swarmscope create` does (the
  // main thread helping one worker).
  const pools: [string, () => HashWritePool][] = [
    ['workers only', () => new HashWritePool({ threads: 2 })],
    ['main thread helping', () => new HashWritePool({ threads: 2, mainThreadHelps: true })],
  ];
  for (const [label, makePool] of pools) {
    it(`makes the same single-file torrent as before (${label})`, async () => {
      const pool = makePool();
      try {
        const { torrentFile, meta } = await createTorrent(path.join(dir, 'single.bin'), {
          ...OPTIONS,
          pieceLength: 1024 * 1024,
          pool,
        });
        expect({ file: sha1Hex(torrentFile), infoHash: meta.infoHashHex }).toEqual(GOLDEN.single);
      } finally {
        await pool.close();
      }
    });

    it(`makes the same folder torrent as before (${label})`, async () => {
      const pool = makePool();
      try {
        const { torrentFile, meta } = await createTorrent(path.join(dir, 'folder'), {
          ...OPTIONS,
          pieceLength: 32 * 1024,
          private: true,
          pool,
        });
        expect({ file: sha1Hex(torrentFile), infoHash: meta.infoHashHex }).toEqual(GOLDEN.folder);
      } finally {
        await pool.close();
      }
    });
  }
});
