/**
 * Adding .torrent files picked or dropped by the user: read each file, send its bytes with
 * `torrent.add`, and report every outcome as a toast that names the file and the problem.
 */
import type { SwarmscopeApi } from '../../../src-shared/contract';
import { maxTorrentFileBytes } from '../../../src-shared/validate';
import { toApiError } from '../../api/api-error';
import type { Toast } from '../../store/store';
import { formatBytes } from '../../lib/format';

export interface PickedFile {
  name: string;
  size: number;
  type: string;
  arrayBuffer(): Promise<ArrayBuffer>;
}

export function isTorrentFile(file: Pick<PickedFile, 'name' | 'type'>): boolean {
  return file.type === 'application/x-bittorrent' || /\.torrent$/i.test(file.name);
}

/** Adds each file in turn; returns how many were added. */
export async function addTorrentFiles(
  api: Pick<SwarmscopeApi, 'invoke'>,
  files: readonly PickedFile[],
  toast: (t: Omit<Toast, 'id'>) => void,
): Promise<number> {
  let added = 0;
  for (const file of files) {
    if (!isTorrentFile(file)) {
      toast({
        level: 'warn',
        title: `${file.name} is not a .torrent file`,
        message: 'Drop or open files ending in .torrent to add them.',
      });
      continue;
    }
    if (file.size > maxTorrentFileBytes) {
      toast({
        level: 'error',
        title: `Could not add ${file.name}`,
        message: `It is ${formatBytes(file.size)}; a .torrent file is at most ${formatBytes(maxTorrentFileBytes)}.`,
      });
      continue;
    }
    try {
      const torrentFile = new Uint8Array(await file.arrayBuffer());
      await api.invoke('torrent.add', { torrentFile });
      added++;
      toast({ level: 'info', title: `Added ${file.name}`, message: '' });
    } catch (err) {
      toast({
        level: 'error',
        title: `Could not add ${file.name}`,
        message: toApiError(err).message,
      });
    }
  }
  return added;
}
