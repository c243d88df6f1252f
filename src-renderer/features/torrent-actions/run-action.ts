/**
 * Runs the menu's immediate actions (issue 21) through the contract; the dialog actions
 * (Add peer…, Edit trackers…, Limits…, Move storage…, Remove…) are opened by the caller.
 * Every failure becomes a toast naming what failed.
 */
import type { SwarmscopeApi } from '../../../src-shared/contract';
import type { QueueMove, TorrentSummary } from '../../../src-shared/model';
import { toApiError } from '../../api/api-error';
import type { Toast } from '../../store/store';
import { copyToClipboard } from '../add-and-seed/CopyField';
import { saveTorrentFile, showInFolder } from '../add-and-seed/torrent-files';
import type { ActionId } from './action-items';

type PushToast = (t: Omit<Toast, 'id'>) => void;

const queueHow = {
  'queue-top': 'top',
  'queue-up': 'up',
  'queue-down': 'down',
  'queue-bottom': 'bottom',
} as const satisfies Record<string, QueueMove>;

export type DialogAction = 'add-peer' | 'edit-trackers' | 'limits' | 'move-storage' | 'remove';

export function isDialogAction(id: ActionId): id is DialogAction {
  return (
    id === 'add-peer' ||
    id === 'edit-trackers' ||
    id === 'limits' ||
    id === 'move-storage' ||
    id === 'remove'
  );
}

/** The content's path: the file of a single-file torrent, else its folder. */
export function contentPath(t: TorrentSummary): string {
  const sep = t.savePath.includes('\\') && !t.savePath.includes('/') ? '\\' : '/';
  return t.savePath.endsWith(sep) ? `${t.savePath}${t.name}` : `${t.savePath}${sep}${t.name}`;
}

async function copy(text: string, what: string, toast: PushToast): Promise<void> {
  const outcome = await copyToClipboard(text);
  toast(
    outcome === 'copied'
      ? { level: 'info', title: `${what} copied`, message: '' }
      : { level: 'error', title: `Could not copy the ${what.toLowerCase()}`, message: text },
  );
}

export async function runAction(
  api: Pick<SwarmscopeApi, 'invoke'>,
  id: Exclude<ActionId, DialogAction>,
  selected: readonly TorrentSummary[],
  toast: PushToast,
): Promise<void> {
  const ids = selected.map((t) => t.id);
  const one = selected[0];
  if (ids.length === 0 || !one) return;
  const fail = (verb: string) => (err: unknown) =>
    toast({ level: 'error', title: `Could not ${verb}`, message: toApiError(err).message });
  const every = <T>(flag: (t: TorrentSummary) => T): boolean => selected.every((t) => !!flag(t));
  switch (id) {
    case 'resume':
      return api.invoke('torrent.resume', { ids }).catch(fail('resume'));
    case 'pause':
      return api.invoke('torrent.pause', { ids }).catch(fail('pause'));
    case 'force-start':
      return api.invoke('torrent.forceStart', { ids }).catch(fail('force start'));
    case 'reannounce':
      return api
        .invoke('torrent.reannounce', { ids })
        .then(() =>
          toast({
            level: 'info',
            title:
              ids.length === 1 ? `Reannouncing ${one.name}` : `Reannouncing ${ids.length} torrents`,
            message: 'Asking the trackers and the DHT for peers now.',
          }),
        )
        .catch(fail('reannounce'));
    case 'verify':
      return api.invoke('torrent.recheck', { ids }).catch(fail('verify local data'));
    case 'open-file':
      return api.invoke('shell.openPath', { path: contentPath(one) }).catch(fail('open it'));
    case 'show-in-folder':
      return showInFolder(one.savePath, one.name).catch(fail('show it in its folder'));
    case 'copy-magnet':
      return copy(one.magnet, 'Magnet link', toast);
    case 'copy-hash':
      return copy(ids.join('\n'), ids.length > 1 ? 'Info-hashes' : 'Info-hash', toast);
    case 'save-torrent':
      return saveTorrentFile(one.id).then(() => undefined, fail('save the .torrent file'));
    case 'sequential':
    case 'first-last': {
      const sequential = every((t) => t.actions?.sequential);
      const firstLast = every((t) => t.actions?.firstLast);
      return api
        .invoke('torrent.setSequential', {
          ids,
          sequential: id === 'sequential' ? !sequential : sequential,
          firstLast: id === 'first-last' ? !firstLast : firstLast,
        })
        .catch(fail('change the download order'));
    }
    case 'queue-top':
    case 'queue-up':
    case 'queue-down':
    case 'queue-bottom':
      return api
        .invoke('torrent.queueMove', { ids, how: queueHow[id] })
        .catch(fail('move it in the queue'));
  }
}
