import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HashWritePool } from '../hash';
import { AbortError } from '../hash';
import { createTorrent, DEFAULT_CREATED_BY } from './create';
import { MetainfoError } from './errors';
import { parseTorrent } from './parse';
import { autoPieceLength } from './piece-length';
import { pieceHashes } from './test-fixtures';

/** Runs a reference tool, bounded in time; the child is killed by its PID whatever happens. */
async function run(cmd: string, args: string[], timeoutMs = 10_000): Promise<string> {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  let timer: NodeJS.Timeout | undefined;
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`${cmd} timed out`)), timeoutMs);
      child.on('error', reject);
      child.on('close', resolve);
    });
    if (code !== 0) throw new Error(`${cmd} exited ${code}: ${err}`);
    return out;
  } finally {
    clearTimeout(timer);
    if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
  }
}

/**
 * libtorrent 2.0.8 (Debian's python3) makes a v1-only torrent of `root`: add_files for a single
 * file; for a folder, add_file in the given order, because add_files takes directory order.
 * Prints the info-hash of what it made, then the info-hash of the torrent at `ours`.
 */
const LIBTORRENT_SCRIPT = `
import sys, json, libtorrent as lt
root, piece_length, ours, files = sys.argv[1], int(sys.argv[2]), sys.argv[3], json.loads(sys.argv[4])
fs = lt.file_storage()
if files is None:
    lt.add_files(fs, root)
else:
    for rel, size in files:
        fs.add_file(rel, size)
ct = lt.create_torrent(fs, piece_length, flags=lt.create_torrent.v1_only)
lt.set_piece_hashes(ct, __import__('os').path.dirname(root))
print(lt.torrent_info(ct.generate()).info_hash())
print(lt.torrent_info(ours).info_hash())
`;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'swarmscope-create-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('autoPieceLength', () => {
  const cases: [total: number, piece: number][] = [
    [1, 16 * 1024],
    [13, 16 * 1024],
    [2000 * 16 * 1024, 16 * 1024],
    [2000 * 16 * 1024 + 1, 32 * 1024],
    [1024 ** 3, 1024 * 1024],
    [4 * 1024 ** 3, 4 * 1024 * 1024],
    [1024 ** 4, 16 * 1024 * 1024],
  ];
  for (const [total, piece] of cases) {
    it(`picks ${piece} bytes for ${total} bytes`, () => {
      expect(autoPieceLength(total)).toBe(piece);
    });
  }
  it('keeps 1,000 to 2,000 pieces where the clamp allows', () => {
    for (let total = 40 * 1024 * 1024; total < 30 * 1024 ** 3; total = Math.floor(total * 1.37)) {
      const pieces = Math.ceil(total / autoPieceLength(total));
      expect(pieces).toBeGreaterThan(1000);
      expect(pieces).toBeLessThanOrEqual(2000);
    }
  });
});

describe('createTorrent', () => {
  it("makes a single-file torrent with mktorrent's and libtorrent's info-hash", async () => {
    const file = path.join(dir, 'single.bin');
    const data = randomBytes(100_003);
    writeFileSync(file, data);
    const { torrentFile, meta } = await createTorrent(file, {
      pieceLength: 32_768,
      creationDate: null,
    });
    expect(meta.name).toBe('single.bin');
    expect(meta.singleFile).toBe(true);
    expect(meta.totalLength).toBe(100_003);
    expect(Buffer.from(meta.pieceHashes)).toEqual(Buffer.from(pieceHashes(data, 32_768)));
    expect(Object.keys(meta.info).sort()).toEqual(['length', 'name', 'piece length', 'pieces']);

    const mk = path.join(dir, 'single-mk.torrent');
    await run('mktorrent', ['-l', '15', '-o', mk, file]);
    expect(parseTorrent(readFileSync(mk)).infoHashHex).toBe(meta.infoHashHex);

    const ours = path.join(dir, 'single-ours.torrent');
    writeFileSync(ours, torrentFile);
    const lt = (
      await run('/usr/bin/python3', ['-c', LIBTORRENT_SCRIPT, file, '32768', ours, 'null'])
    ).split('\n');
    expect(lt[0]).toBe(meta.infoHashHex);
    expect(lt[1]).toBe(meta.infoHashHex);
  });

  it('makes a folder torrent (straddling files, an empty file, non-ASCII names) matching both', async () => {
    const root = path.join(dir, 'folder');
    const layout: [rel: string, size: number][] = [
      ['a.txt', 5],
      ['a/y', 70_000],
      ['a-b', 17],
      ['sub/deeper/x.bin', 100_000],
      ['zero', 0],
      ['é.txt', 33],
      ['.hidden', 9],
      ['Z upper', 20_000],
    ];
    for (const [rel, size] of layout) {
      mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      writeFileSync(path.join(root, rel), randomBytes(size));
    }
    const { torrentFile, meta } = await createTorrent(root, {
      pieceLength: 32_768,
      creationDate: null,
    });
    // mktorrent's order: strcmp over 'dir/file' paths.
    const order = [
      '.hidden',
      'Z upper',
      'a-b',
      'a.txt',
      'a/y',
      'sub/deeper/x.bin',
      'zero',
      'é.txt',
    ];
    expect(meta.files.map((f) => f.path.slice(1).join('/'))).toEqual(order);
    expect(meta.files.every((f) => f.path[0] === 'folder')).toBe(true);
    expect(meta.totalLength).toBe(layout.reduce((n, [, s]) => n + s, 0));

    const mk = path.join(dir, 'folder-mk.torrent');
    await run('mktorrent', ['-l', '15', '-o', mk, root]);
    expect(parseTorrent(readFileSync(mk)).infoHashHex).toBe(meta.infoHashHex);

    const ours = path.join(dir, 'folder-ours.torrent');
    writeFileSync(ours, torrentFile);
    const files = order.map((rel) => [`folder/${rel}`, layout.find(([r]) => r === rel)![1]]);
    const lt = (
      await run('/usr/bin/python3', [
        '-c',
        LIBTORRENT_SCRIPT,
        root,
        '32768',
        ours,
        JSON.stringify(files),
      ])
    ).split('\n');
    expect(lt[0]).toBe(meta.infoHashHex);
    expect(lt[1]).toBe(meta.infoHashHex);
  });

  it('writes trackers, private, comment, web seeds, created by and creation date', async () => {
    const file = path.join(dir, 'opts.bin');
    writeFileSync(file, randomBytes(1000));
    const plain = await createTorrent(file, { creationDate: 1_700_000_000 });
    expect(plain.meta.announce).toBeNull();
    expect(plain.meta.createdBy).toBe(DEFAULT_CREATED_BY);
    expect(plain.meta.creationDate).toBe(1_700_000_000);
    expect(plain.meta.pieceLength).toBe(16_384);

    const { meta } = await createTorrent(file, {
      trackers: ['http://t1/announce', 'udp://t2:80'],
      private: true,
      comment: 'a comment ✓',
      webSeeds: ['http://seed/opts.bin'],
      createdBy: 'test',
      creationDate: null,
    });
    expect(meta.announce).toBe('http://t1/announce');
    expect(meta.announceList).toEqual([['http://t1/announce'], ['udp://t2:80']]);
    expect(meta.private).toBe(true);
    expect(meta.info['private']).toBe(1);
    expect(meta.comment).toBe('a comment ✓');
    expect(meta.urlList).toEqual(['http://seed/opts.bin']);
    expect(meta.createdBy).toBe('test');
    expect(meta.creationDate).toBeNull();
    // private is in info, so it changes the info-hash; the rest does not.
    expect(meta.infoHashHex).not.toBe(plain.meta.infoHashHex);
    const again = await createTorrent(file, { trackers: [['http://a', 'http://b']], comment: 'x' });
    expect(again.meta.infoHashHex).toBe(plain.meta.infoHashHex);
    expect(again.meta.announceList).toEqual([['http://a', 'http://b']]);
  });

  it('reports progress up to the total and uses a shared pool without closing it', async () => {
    const file = path.join(dir, 'progress.bin');
    writeFileSync(file, randomBytes(10 * 1024 * 1024 + 5));
    const pool = new HashWritePool({ threads: 2 });
    try {
      const seen: [number, number][] = [];
      await createTorrent(file, { pool, onProgress: (done, total) => seen.push([done, total]) });
      expect(seen.length).toBeGreaterThan(1);
      expect(seen.every(([, t]) => t === 10 * 1024 * 1024 + 5)).toBe(true);
      for (let i = 1; i < seen.length; i++) expect(seen[i]![0]).toBeGreaterThan(seen[i - 1]![0]);
      expect(seen[seen.length - 1]![0]).toBe(10 * 1024 * 1024 + 5);
      expect(pool.workerCount).toBe(2);
    } finally {
      await pool.close();
    }
  });

  it('is cancelled by an AbortSignal', async () => {
    const file = path.join(dir, 'abort.bin');
    writeFileSync(file, randomBytes(16 * 1024 * 1024));
    const ac = new AbortController();
    const job = createTorrent(file, { signal: ac.signal, onProgress: () => ac.abort() });
    await expect(job).rejects.toBeInstanceOf(AbortError);
    const pre = new AbortController();
    pre.abort();
    await expect(createTorrent(file, { signal: pre.signal })).rejects.toBeInstanceOf(AbortError);
  });

  it('follows symlinks inside the folder and skips those that escape it', async () => {
    const root = path.join(dir, 'links');
    mkdirSync(path.join(root, 'real'), { recursive: true });
    writeFileSync(path.join(root, 'real', 'f'), 'inside');
    writeFileSync(path.join(dir, 'outside-secret'), 'secret');
    symlinkSync(path.join(root, 'real', 'f'), path.join(root, 'link-in'));
    symlinkSync(path.join(dir, 'outside-secret'), path.join(root, 'link-out'));
    symlinkSync(root, path.join(root, 'real', 'loop'));
    symlinkSync(path.join(dir, 'nowhere'), path.join(root, 'dangling'));
    const { meta } = await createTorrent(root, { creationDate: null });
    expect(meta.files.map((f) => f.path.slice(1).join('/'))).toEqual(['link-in', 'real/f']);
  });

  it('refuses names parsing would change, since the torrent could not be seeded from here', async () => {
    const cases: [files: string[], message: RegExp][] = [
      [['ok', 'ab:stream'], /"colon\/ab:stream" cannot be shared under its name: .*NTFS/],
      [['what?.txt'], /"forbidden\/what\?\.txt" cannot be shared .*Windows forbids/],
      [['CONIN$'], /"device\/CONIN\$" cannot be shared .*device name/],
    ];
    for (const [i, [names, message]] of cases.entries()) {
      const root = path.join(dir, ['colon', 'forbidden', 'device'][i]!);
      mkdirSync(root, { recursive: true });
      for (const n of names) writeFileSync(path.join(root, n), 'data');
      await expect(createTorrent(root, { creationDate: null })).rejects.toThrow(message);
    }
  });

  it('refuses empty content and bad piece lengths', async () => {
    const empty = path.join(dir, 'empty-dir');
    mkdirSync(path.join(empty, 'nested'), { recursive: true });
    writeFileSync(path.join(empty, 'nested', 'zero'), '');
    await expect(createTorrent(empty)).rejects.toThrow(MetainfoError);
    await expect(createTorrent(empty)).rejects.toThrow(/^path: .* holds no data to share$/);
    const file = path.join(dir, 'pl.bin');
    writeFileSync(file, 'data');
    await expect(createTorrent(file, { pieceLength: 0 })).rejects.toThrow('pieceLength: 0 is not');
    await expect(createTorrent(file, { pieceLength: 2 ** 28 })).rejects.toThrow('exceeds');
    await expect(createTorrent(path.join(dir, 'missing'))).rejects.toThrow(/ENOENT/);
  });
});
