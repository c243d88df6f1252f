import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '../../testing/fixtures';
import { straddlingTorrent, tinyTorrent } from '../metainfo/test-fixtures';
import { EngineError } from '../errors';
import { MAX_TORRENT_FILE_BYTES } from '../limits';
import { readTorrentInput, torrentPreview } from './torrent-input';

let dir: string | null = null;
afterEach(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  dir = null;
});

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof EngineError) return err.code;
    throw err;
  }
  return 'no error';
}

describe('readTorrentInput', () => {
  it('parses bytes and files alike', async () => {
    const { torrentFile } = tinyTorrent();
    dir = tempDir('input');
    const file = path.join(dir, 'tiny.torrent');
    fs.writeFileSync(file, torrentFile);
    const fromBytes = await readTorrentInput({ torrentFile });
    const fromFile = await readTorrentInput({ path: file });
    expect(fromBytes.name).toBe('tiny.txt');
    expect(fromFile.infoHashHex).toBe(fromBytes.infoHashHex);
  });

  it('refuses a missing file, garbage, and a file over the size limit before reading it', async () => {
    dir = tempDir('input');
    expect(await codeOf(readTorrentInput({ path: path.join(dir, 'nope.torrent') }))).toBe(
      'not-found',
    );
    expect(await codeOf(readTorrentInput({ torrentFile: new Uint8Array([1, 2, 3]) }))).toBe(
      'invalid-torrent',
    );
    const huge = path.join(dir, 'huge.torrent');
    fs.writeFileSync(huge, '');
    fs.truncateSync(huge, MAX_TORRENT_FILE_BYTES + 1); // sparse: no real bytes written
    expect(await codeOf(readTorrentInput({ path: huge }))).toBe('invalid-torrent');
  });
});

describe('torrentPreview', () => {
  it('lists files with their paths and sizes, and says whether it is already added', async () => {
    const meta = await readTorrentInput({ torrentFile: straddlingTorrent().torrentFile });
    const preview = torrentPreview(meta, true);
    expect(preview.id).toBe(meta.infoHashHex);
    expect(preview.alreadyAdded).toBe(true);
    expect(preview.files.map((f) => f.sizeBytes)).toEqual(meta.files.map((f) => f.length));
    expect(preview.files.map((f) => f.path)).toEqual(meta.files.map((f) => f.path.join('/')));
    expect(preview.sizeBytes).toBe(meta.totalLength);
  });
});

// --- error texts say each thing once (issue 19) ---
describe('readTorrentInput: error texts', () => {
  it('names a damaged file once, then the detail, with no repeated prefixes', async () => {
    // A 14-byte string announced where only a few bytes are left: the user's case.
    const bytes = new TextEncoder().encode('d8:announce14:http://');
    const err = await readTorrentInput({ torrentFile: bytes }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).code).toBe('invalid-torrent');
    expect((err as EngineError).message).toBe(
      'not a valid torrent file: bencode: string length 14 exceeds the 7 bytes left at offset 11',
    );
  });

  it('names a bad field after one prefix', async () => {
    const bytes = new TextEncoder().encode('d4:infoi3ee');
    await expect(readTorrentInput({ torrentFile: bytes })).rejects.toThrow(
      /^not a valid torrent file: info: must be a dictionary$/,
    );
  });
});
