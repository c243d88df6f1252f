/**
 * What a drop (or a multi-file pick) holds: .torrent files to add, other files to offer for
 * seeding, and folders (a browser cannot upload a folder through `file.upload`, which takes one
 * plain file name, so they are named back to the user). Pure; unit-tested.
 */
import { maxUploadBytes } from '../../../src-shared/validate';
import { isTorrentFile, type PickedFile } from './add-torrents';

export interface DroppedItem<F extends PickedFile = PickedFile> {
  file: F;
  /** From DataTransferItem.webkitGetAsEntry(): a dropped folder arrives as a File too. */
  isDirectory: boolean;
}

export interface ClassifiedDrop<F extends PickedFile = PickedFile> {
  torrents: F[];
  /** Files to offer for seeding. */
  seedable: F[];
  folders: F[];
  /** Files too large to upload through the browser. */
  tooLarge: F[];
  /** Zero-byte files: there is nothing to seed. */
  empty: F[];
}

export function classifyDrop<F extends PickedFile>(
  items: readonly DroppedItem<F>[],
): ClassifiedDrop<F> {
  const out: ClassifiedDrop<F> = {
    torrents: [],
    seedable: [],
    folders: [],
    tooLarge: [],
    empty: [],
  };
  for (const { file, isDirectory } of items) {
    if (isDirectory) out.folders.push(file);
    else if (isTorrentFile(file)) out.torrents.push(file);
    else if (file.size === 0) out.empty.push(file);
    else if (file.size > maxUploadBytes) out.tooLarge.push(file);
    else out.seedable.push(file);
  }
  return out;
}

// --- desktop drop (issue 19) ---
export interface DesktopDrop<F extends PickedFile = PickedFile> {
  torrents: F[];
  /** Files and folders to seed from where they are on disk. */
  seedPaths: string[];
  /** Zero-byte files: there is nothing to seed. */
  empty: F[];
  /** Items with no path (made in the page rather than dragged from disk): nothing to seed. */
  pathless: F[];
}

/**
 * A drop on the desktop, where the preload tells each item's path (`pathFor` gives '' when it
 * cannot): .torrent files are still read and inspected; any other file, and any folder, is
 * seeded from its path, so nothing is copied and no size limit applies.
 */
export function classifyDesktopDrop<F extends PickedFile>(
  items: readonly DroppedItem<F>[],
  pathFor: (file: F) => string,
): DesktopDrop<F> {
  const out: DesktopDrop<F> = { torrents: [], seedPaths: [], empty: [], pathless: [] };
  for (const { file, isDirectory } of items) {
    if (!isDirectory && isTorrentFile(file)) {
      out.torrents.push(file);
      continue;
    }
    if (!isDirectory && file.size === 0) {
      out.empty.push(file);
      continue;
    }
    const path = pathFor(file);
    if (path === '') out.pathless.push(file);
    else if (!out.seedPaths.includes(path)) out.seedPaths.push(path);
  }
  return out;
}
