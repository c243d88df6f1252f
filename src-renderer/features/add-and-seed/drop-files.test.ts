import { describe, expect, it } from 'vitest';
import { maxUploadBytes } from '../../../src-shared/validate';
import { classifyDesktopDrop, classifyDrop } from './drop-files';

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

// --- desktop drop (issue 19) ---
describe('classifyDesktopDrop', () => {
  it('seeds files and folders from their paths, whatever their size, and still inspects torrents', () => {
    const paths: Record<string, string> = {
      'film.mkv': '/home/u/film.mkv',
      Photos: '/home/u/Photos',
      'huge.iso': '/home/u/huge.iso',
    };
    const out = classifyDesktopDrop(
      [
        { file: f('a.torrent'), isDirectory: false },
        { file: f('film.mkv'), isDirectory: false },
        { file: f('Photos', 0), isDirectory: true },
        { file: f('huge.iso', maxUploadBytes + 1), isDirectory: false },
        { file: f('empty.txt', 0), isDirectory: false },
        { file: f('made-in-page.txt'), isDirectory: false },
        { file: f('film.mkv'), isDirectory: false },
      ],
      (file) => paths[file.name] ?? '',
    );
    expect(out.torrents.map((x) => x.name)).toEqual(['a.torrent']);
    expect(out.seedPaths).toEqual(['/home/u/film.mkv', '/home/u/Photos', '/home/u/huge.iso']);
    expect(out.empty.map((x) => x.name)).toEqual(['empty.txt']);
    expect(out.pathless.map((x) => x.name)).toEqual(['made-in-page.txt']);
  });
});
