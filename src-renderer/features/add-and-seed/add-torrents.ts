/**
 * Adding .torrent files picked or dropped by the user, in two steps: `inspectTorrentFiles`
 * reads each file and asks the host to parse it (`torrent.inspect`), so the add dialog can show
 * name, size and files before anything starts; `startAdd` then sends `torrent.add` with the
 * user's choices. Every failure is a toast naming the file and the problem.
 */
import type { SwarmscopeApi } from '../../../src-shared/contract';
import { maxTorrentFileBytes } from '../../../src-shared/validate';
import { errorText } from '../../lib/error-text';
import { formatBytes } from '../../lib/format';
import { finishMagnetAdd } from '../magnet/magnet-flow';
import type { PendingAdd } from '../../store/add-seed-slice';
import type { Toast } from '../../store/store';

export interface PickedFile {
  name: string;
  size: number;
  type: string;
  arrayBuffer(): Promise<ArrayBuffer>;
}

type ToastFn = (t: Omit<Toast, 'id'>) => void;

export function isTorrentFile(file: Pick<PickedFile, 'name' | 'type'>): boolean {
  return file.type === 'application/x-bittorrent' || /\.torrent$/i.test(file.name);
}

/** Inspects each .torrent in turn; returns the ones that parsed, for the add dialog. */
export async function inspectTorrentFiles(
  api: Pick<SwarmscopeApi, 'invoke'>,
  files: readonly PickedFile[],
  toast: ToastFn,
): Promise<PendingAdd[]> {
  const pending: PendingAdd[] = [];
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
      const preview = await api.invoke('torrent.inspect', { torrentFile });
      pending.push({ fileName: file.name, torrentFile, preview });
    } catch (err) {
      toast({
        level: 'error',
        title: `Could not add ${file.name}`,
        ...errorText(err),
      });
    }
  }
  return pending;
}

export interface AddChoices {
  /** Absent: the host's download folder. */
  savePath?: string;
  skipFiles: number[];
  paused: boolean;
  /** --- labels (issue 21): the torrent's label; none when absent. */
  label?: string;
}

/** Starts one inspected torrent; true when it was added. */
export async function startAdd(
  api: Pick<SwarmscopeApi, 'invoke'>,
  item: PendingAdd,
  choices: AddChoices,
  toast: ToastFn,
): Promise<boolean> {
  try {
    if (item.magnetId !== undefined) {
      // A magnet (issue 17): the torrent exists, paused; apply the choice and start it.
      await finishMagnetAdd(api, item.magnetId, choices);
      toast({ level: 'info', title: `Added ${item.preview.name}`, message: '' });
      return true;
    }
    await api.invoke('torrent.add', {
      // --- one file picker (issue 21): a .torrent picked on the host is read there ---
      ...(item.hostPath !== undefined
        ? { path: item.hostPath }
        : { torrentFile: item.torrentFile }),
      ...(choices.savePath ? { savePath: choices.savePath } : {}),
      ...(choices.skipFiles.length > 0 ? { skipFiles: choices.skipFiles } : {}),
      ...(choices.paused ? { paused: true } : {}),
      ...(choices.label ? { label: choices.label } : {}), // --- labels (issue 21)
    });
    toast({ level: 'info', title: `Added ${item.preview.name}`, message: '' });
    return true;
  } catch (err) {
    toast({
      level: 'error',
      title: `Could not add ${item.fileName}`,
      ...errorText(err),
    });
    return false;
  }
}

// --- one file picker (issue 21) ---
/** A .torrent picked in the host's file browser: the host reads and parses it in place. */
export async function inspectTorrentPath(
  api: Pick<SwarmscopeApi, 'invoke'>,
  path: string,
  toast: ToastFn,
): Promise<PendingAdd | null> {
  const fileName = path.split(/[\\/]/).pop() || path;
  try {
    const preview = await api.invoke('torrent.inspect', { path });
    return { fileName, torrentFile: new Uint8Array(0), preview, hostPath: path };
  } catch (err) {
    toast({ level: 'error', title: `Could not add ${fileName}`, ...errorText(err) });
    return null;
  }
}
