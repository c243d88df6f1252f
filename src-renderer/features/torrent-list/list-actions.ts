/**
 * Pause, resume, verify and remove for a selection of torrents, through the contract. Failures become
 * error toasts naming what failed; nothing is retried behind the user's back.
 */
import type { SwarmscopeApi } from '../../../src-shared/contract';
import type { TorrentId, TorrentSummary } from '../../../src-shared/model';
import { errorText } from '../../lib/error-text';
import type { Toast } from '../../store/store';

type Invoke = Pick<SwarmscopeApi, 'invoke'>;
type PushToast = (t: Omit<Toast, 'id'>) => void;

/** Pause, resume or recheck; a failure becomes a toast rather than an unhandled rejection. */
async function invokeOnIds(
  api: Invoke,
  ids: TorrentId[],
  toast: PushToast,
  command: 'torrent.pause' | 'torrent.resume' | 'torrent.recheck',
  verb: string,
): Promise<void> {
  if (ids.length === 0) return;
  try {
    await api.invoke(command, { ids });
  } catch (err) {
    toast({ level: 'error', title: `Could not ${verb}`, ...errorText(err) });
  }
}

export function pauseTorrents(api: Invoke, ids: TorrentId[], toast: PushToast): Promise<void> {
  return invokeOnIds(api, ids, toast, 'torrent.pause', 'pause');
}

export function resumeTorrents(api: Invoke, ids: TorrentId[], toast: PushToast): Promise<void> {
  return invokeOnIds(api, ids, toast, 'torrent.resume', 'resume');
}

/** Re-hash local data: after a disk fault, or when files were changed or replaced by hand. */
export function recheckTorrents(api: Invoke, ids: TorrentId[], toast: PushToast): Promise<void> {
  return invokeOnIds(api, ids, toast, 'torrent.recheck', 'verify local data');
}

/** Removes torrents; the toast names the one removed, or how many (issue 21). */
export async function removeTorrents(
  api: Invoke,
  ids: TorrentId[],
  deleteData: boolean,
  toast: PushToast,
  names: readonly string[] = [],
): Promise<void> {
  if (ids.length === 0) return;
  try {
    await api.invoke('torrent.remove', { ids, deleteData });
    const one = ids.length === 1;
    toast({
      level: 'info',
      title: one ? `Removed ${names[0] ?? 'a torrent'}` : `Removed ${ids.length} torrents`,
      message: deleteData
        ? `${one ? 'Its' : 'Their'} downloaded data was deleted.`
        : 'Downloaded data was kept.',
    });
  } catch (err) {
    toast({ level: 'error', title: 'Could not remove', ...errorText(err) });
  }
}

/** Space on a selection: resume when every selected torrent is paused, else pause them all. */
export function toggleAction(selected: readonly TorrentSummary[]): 'pause' | 'resume' | null {
  if (selected.length === 0) return null;
  return selected.every((t) => t.state === 'paused') ? 'resume' : 'pause';
}
