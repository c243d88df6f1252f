/**
 * "Set location…" for one torrent, through the contract (`torrent.setLocation`): either move its
 * files to a new folder, or point it at a folder that already holds them (after "files missing",
 * say). A failure becomes an error toast; nothing is retried behind the user's back.
 */
import type { SwarmscopeApi } from '../../../src-shared/contract';
import type { TorrentId, TorrentSummary } from '../../../src-shared/model';
import { errorText } from '../../lib/error-text';
import type { Toast } from '../../store/store';

type Invoke = Pick<SwarmscopeApi, 'invoke'>;
type PushToast = (t: Omit<Toast, 'id'>) => void;

/** Moving is the default, except when the files went missing: then they are probably elsewhere. */
export function defaultMove(t: Pick<TorrentSummary, 'errorCode'>): boolean {
  return t.errorCode !== 'files-missing';
}

/** Why the folder cannot be used as typed, or null when it can. */
export function folderProblem(folder: string, current: string, move: boolean): string | null {
  const trimmed = folder.trim();
  if (trimmed === '') return 'Choose a folder';
  if (move && trimmed.replace(/[/\\]+$/, '') === current.replace(/[/\\]+$/, '')) {
    return 'The files are already in this folder';
  }
  return null;
}

/** Resolves true when the host accepted the new location. */
export async function setLocation(
  api: Invoke,
  id: TorrentId,
  folder: string,
  move: boolean,
  toast: PushToast,
): Promise<boolean> {
  try {
    await api.invoke('torrent.setLocation', { id, path: folder.trim(), move });
    return true;
  } catch (err) {
    toast({
      level: 'error',
      title: move ? 'Could not move the files' : 'Could not set the location',
      ...errorText(err, {
        'already-exists': 'Files with the same names are already there; nothing was moved.',
      }),
    });
    return false;
  }
}
