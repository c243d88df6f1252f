/**
 * "Add all" (issue 21: dropping four torrents meant four dialogs). The torrent on screen is
 * added with the choices made for it; every other queued torrent with the same folder and
 * paused choice and all its files. Torrents already in the list are left out, named once.
 */
import type { SwarmscopeApi } from '../../../src-shared/contract';
import type { PendingAdd } from '../../store/add-seed-slice';
import type { Toast } from '../../store/store';
import { startAdd, type AddChoices } from './add-torrents';

type ToastFn = (t: Omit<Toast, 'id'>) => void;

/** Adds them one after another; resolves with how many were added. */
export async function addAll(
  api: Pick<SwarmscopeApi, 'invoke'>,
  queue: readonly PendingAdd[],
  first: AddChoices,
  toast: ToastFn,
): Promise<number> {
  let added = 0;
  const duplicates: string[] = [];
  for (const [i, item] of queue.entries()) {
    if (item.preview.alreadyAdded) {
      duplicates.push(item.preview.name);
      continue;
    }
    const choices: AddChoices =
      i === 0 ? first : { savePath: first.savePath, paused: first.paused, skipFiles: [] };
    if (await startAdd(api, item, choices, toast)) added++;
  }
  if (duplicates.length > 0) {
    toast({
      level: 'info',
      title:
        duplicates.length === 1
          ? `${duplicates[0]} is already in the list`
          : `${duplicates.length} torrents are already in the list`,
      message: '',
    });
  }
  return added;
}
