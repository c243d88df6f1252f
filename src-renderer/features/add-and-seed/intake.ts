/**
 * Where picked and dropped files go: .torrent files are inspected and queued for the add
 * dialog; other files are offered for seeding (uploaded to the host first); folders and files
 * that cannot be uploaded are named back to the user. Never throws: every problem is a toast.
 */
import { getClient } from '../../api/client';
import { formatBytes } from '../../lib/format';
import { useStore } from '../../store/store';
import { maxUploadBytes } from '../../../src-shared/validate';
import { inspectTorrentFiles, type PickedFile } from './add-torrents';
import { desktopBridge } from '../../api/desktop-bridge';
import { classifyDesktopDrop, classifyDrop, type DroppedItem } from './drop-files';

export async function takeFiles(items: readonly DroppedItem<File>[]): Promise<void> {
  const desktop = desktopBridge();
  if (desktop) return takeDesktopFiles(items, (file) => desktop.pathForFile(file));
  const store = useStore.getState();
  const { torrents, seedable, folders, tooLarge, empty } = classifyDrop(items);
  for (const f of folders) {
    store.pushToast({
      level: 'warn',
      title: `${f.name} is a folder`,
      message: 'A browser cannot upload folders: use "Seed a folder…" to pick it on the host.',
    });
  }
  for (const f of tooLarge) {
    store.pushToast({
      level: 'warn',
      title: `${f.name} is too large to upload`,
      message: `Uploads are at most ${formatBytes(maxUploadBytes)}: use "Seed a file…" to pick it on the host.`,
    });
  }
  for (const f of empty) {
    store.pushToast({
      level: 'warn',
      title: `${f.name} is empty`,
      message: 'There is nothing to seed.',
    });
  }
  if (seedable.length > 0 && store.seedRequest === null) {
    store.requestSeed({ kind: 'upload', files: seedable as PickedFile[] });
  }
  if (torrents.length > 0) {
    const pending = await inspectTorrentFiles(getClient(), torrents, store.pushToast);
    if (pending.length > 0) useStore.getState().queueAdds(pending);
  }
}

// --- desktop drop (issue 19) ---
/** On the desktop: data is seeded from its path on disk (folders too); nothing is uploaded. */
async function takeDesktopFiles(
  items: readonly DroppedItem<File>[],
  pathFor: (file: File) => string,
): Promise<void> {
  const store = useStore.getState();
  const { torrents, seedPaths, empty, pathless } = classifyDesktopDrop(items, pathFor);
  for (const f of empty) {
    store.pushToast({
      level: 'warn',
      title: `${f.name} is empty`,
      message: 'There is nothing to seed.',
    });
  }
  for (const f of pathless) {
    store.pushToast({
      level: 'warn',
      title: `${f.name} has no place on disk`,
      message: 'Only files and folders dragged from a folder can be seeded.',
    });
  }
  if (seedPaths.length > 0 && store.seedRequest === null) {
    store.requestSeed({ kind: 'paths', paths: seedPaths });
  }
  if (torrents.length > 0) {
    const pending = await inspectTorrentFiles(getClient(), torrents, store.pushToast);
    if (pending.length > 0) useStore.getState().queueAdds(pending);
  }
}

/** Dropped DataTransfer items, with folders told apart (they arrive as File objects too). */
export function droppedItems(dt: DataTransfer): DroppedItem<File>[] {
  const entries = [...dt.items].filter((i) => i.kind === 'file');
  if (entries.length === dt.files.length) {
    return entries.flatMap((item, i) => {
      const file = item.getAsFile() ?? dt.files[i];
      if (!file) return [];
      const entry = typeof item.webkitGetAsEntry === 'function' ? item.webkitGetAsEntry() : null;
      return [{ file, isDirectory: entry?.isDirectory ?? false }];
    });
  }
  return [...dt.files].map((file) => ({ file, isDirectory: false }));
}
