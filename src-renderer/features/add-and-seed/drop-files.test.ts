import { describe, expect, it } from 'vitest';
import { maxUploadBytes } from '../../../src-shared/validate';
import { classifyDrop } from './drop-files';

const f = (name: string, size = 10, type = '') => ({
  name,
  size,
  type,
  arrayBuffer: async () => new ArrayBuffer(0),
});

describe('classifyDrop', () => {
  it('splits torrents, files to seed, folders, empty and oversized files', () => {
    const out = classifyDrop([
      { file: f('a.torrent'), isDirectory: false },
      { file: f('b', 5, 'application/x-bittorrent'), isDirectory: false },
      { file: f('film.mkv'), isDirectory: false },
      { file: f('Photos', 0), isDirectory: true },
      { file: f('empty.txt', 0), isDirectory: false },
      { file: f('huge.iso', maxUploadBytes + 1), isDirectory: false },
    ]);
    expect(out.torrents.map((x) => x.name)).toEqual(['a.torrent', 'b']);
    expect(out.seedable.map((x) => x.name)).toEqual(['film.mkv']);
    expect(out.folders.map((x) => x.name)).toEqual(['Photos']);
    expect(out.empty.map((x) => x.name)).toEqual(['empty.txt']);
    expect(out.tooLarge.map((x) => x.name)).toEqual(['huge.iso']);
  });
});
