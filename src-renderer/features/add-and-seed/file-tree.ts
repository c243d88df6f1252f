/**
 * The add dialog's file tree: a torrent's flat file list (paths with '/') as folders and files,
 * with tri-state checkboxes over a set of selected file indices. Pure; unit-tested.
 *
 * Invariants: every file index appears in exactly one leaf; a folder's `fileIndices` are all the
 * files below it; folders sort before files, then by name (numeric-aware), like a file manager.
 */
import type { TorrentFileInfo } from '../../../src-shared/model';

export interface FileNode {
  name: string;
  /** Path from the torrent's root, '/'-separated; unique in the tree. */
  path: string;
  sizeBytes: number;
  /** Files at or below this node. */
  fileIndices: number[];
  /** Absent for files. */
  children?: FileNode[];
}

export type CheckState = 'checked' | 'unchecked' | 'mixed';

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

function sortTree(node: FileNode): void {
  if (!node.children) return;
  node.children.sort((a, b) =>
    !!a.children === !!b.children ? collator.compare(a.name, b.name) : a.children ? -1 : 1,
  );
  for (const c of node.children) sortTree(c);
}

/** The root node (name '') holds the top-level entries. */
export function buildFileTree(files: readonly TorrentFileInfo[]): FileNode {
  const root: FileNode = { name: '', path: '', sizeBytes: 0, fileIndices: [], children: [] };
  const folders = new Map<string, FileNode>([['', root]]);
  for (const file of files) {
    const parts = file.path.split('/').filter((p) => p.length > 0);
    if (parts.length === 0) parts.push(`file ${file.index}`);
    let parent = root;
    parent.sizeBytes += file.sizeBytes;
    parent.fileIndices.push(file.index);
    for (let i = 0; i < parts.length - 1; i++) {
      const path = parts.slice(0, i + 1).join('/');
      let folder = folders.get(path);
      if (!folder) {
        folder = { name: parts[i]!, path, sizeBytes: 0, fileIndices: [], children: [] };
        folders.set(path, folder);
        parent.children!.push(folder);
      }
      folder.sizeBytes += file.sizeBytes;
      folder.fileIndices.push(file.index);
      parent = folder;
    }
    parent.children!.push({
      name: parts[parts.length - 1]!,
      path: parts.join('/'),
      sizeBytes: file.sizeBytes,
      fileIndices: [file.index],
    });
  }
  sortTree(root);
  return root;
}

export function checkState(node: FileNode, selected: ReadonlySet<number>): CheckState {
  let on = 0;
  for (const i of node.fileIndices) if (selected.has(i)) on++;
  return on === 0 ? 'unchecked' : on === node.fileIndices.length ? 'checked' : 'mixed';
}

/** Clicking a box: a checked node unchecks everything below it, otherwise checks it all. */
export function toggleNode(node: FileNode, selected: ReadonlySet<number>): Set<number> {
  const next = new Set(selected);
  const on = checkState(node, selected) !== 'checked';
  for (const i of node.fileIndices) {
    if (on) next.add(i);
    else next.delete(i);
  }
  return next;
}

/** `torrent.add`'s skipFiles: the files not selected, in index order. */
export function skipFilesOf(files: readonly TorrentFileInfo[], selected: ReadonlySet<number>) {
  return files.filter((f) => !selected.has(f.index)).map((f) => f.index);
}

export function selectedBytes(files: readonly TorrentFileInfo[], selected: ReadonlySet<number>) {
  let sum = 0;
  for (const f of files) if (selected.has(f.index)) sum += f.sizeBytes;
  return sum;
}
