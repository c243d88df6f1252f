import { describe, expect, it } from 'vitest';
import {
  buildFileTree,
  checkState,
  selectedBytes,
  skipFilesOf,
  toggleNode,
  type FileNode,
} from './file-tree';

const files = [
  { index: 0, path: 'Album/CD 10/track.flac', sizeBytes: 100 },
  { index: 1, path: 'Album/CD 2/track.flac', sizeBytes: 200 },
  { index: 2, path: 'Album/cover.jpg', sizeBytes: 5 },
  { index: 3, path: 'Album/CD 2/notes.txt', sizeBytes: 0 },
];

function names(node: FileNode): unknown {
  return node.children ? [node.name, node.children.map(names)] : node.name;
}

describe('file tree', () => {
  it('nests folders, sums sizes, sorts folders first in natural order', () => {
    const root = buildFileTree(files);
    expect(names(root)).toEqual([
      '',
      [['Album', [['CD 2', ['notes.txt', 'track.flac']], ['CD 10', ['track.flac']], 'cover.jpg']]],
    ]);
    const album = root.children![0]!;
    expect(album.sizeBytes).toBe(305);
    expect(album.fileIndices.sort()).toEqual([0, 1, 2, 3]);
    expect(album.children![0]!.path).toBe('Album/CD 2');
  });

  it('shows a single-file torrent as one leaf', () => {
    const root = buildFileTree([{ index: 0, path: 'ubuntu.iso', sizeBytes: 7 }]);
    expect(root.children).toEqual([
      { name: 'ubuntu.iso', path: 'ubuntu.iso', sizeBytes: 7, fileIndices: [0] },
    ]);
  });

  it('checks, unchecks and mixes folders over the selected files', () => {
    const root = buildFileTree(files);
    const album = root.children![0]!;
    const cd2 = album.children![0]!;
    let selected = new Set([0, 1, 2, 3]);
    expect(checkState(album, selected)).toBe('checked');
    selected = toggleNode(cd2, selected);
    expect([...selected].sort()).toEqual([0, 2]);
    expect(checkState(cd2, selected)).toBe('unchecked');
    expect(checkState(album, selected)).toBe('mixed');
    // A mixed folder checks everything below it.
    selected = toggleNode(album, selected);
    expect(checkState(album, selected)).toBe('checked');
    selected = toggleNode(album, selected);
    expect(selected.size).toBe(0);
  });

  it('turns the selection into skipFiles and a wanted size', () => {
    const selected = new Set([1, 2]);
    expect(skipFilesOf(files, selected)).toEqual([0, 3]);
    expect(selectedBytes(files, selected)).toBe(205);
  });
});
