/**
 * The app's side of adding a magnet (issue 17): `addMagnet` sends `torrent.add` with
 * `chooseFiles`, so the engine adds the torrent paused once the metadata arrives, and remembers
 * the id; `metadataArrived` then reads the new .torrent (`torrent.export`, `torrent.inspect`)
 * and queues the add dialog, whose Add (`finishMagnetAdd`) applies the file choice and resumes.
 * Every failure is a toast.
 */
import type { SwarmscopeApi } from '../../../src-shared/contract';
import type { TorrentId } from '../../../src-shared/model';
import { errorText } from '../../lib/error-text';
import type { PendingAdd } from '../../store/add-seed-slice';
import type { Toast } from '../../store/store';

type Api = Pick<SwarmscopeApi, 'invoke'>;
type ToastFn = (t: Omit<Toast, 'id'>) => void;

/** Magnets this window added and will show the add dialog for, once their metadata arrives. */
export const awaitingFiles = new Set<TorrentId>();

export async function addMagnet(api: Api, uri: string, toast: ToastFn): Promise<TorrentId | null> {
  try {
    const { id } = await api.invoke('torrent.add', { magnet: uri, chooseFiles: true });
    awaitingFiles.add(id);
    toast({
      level: 'info',
      title: 'Fetching metadata',
      message: 'The file list opens when it arrives.',
    });
    return id;
  } catch (err) {
    toast({
      level: 'error',
      title: 'Could not add the magnet link',
      ...errorText(err, {
        'invalid-torrent': 'This is not a magnet link Swarmscope can read.',
        'already-exists': 'That torrent is already in the list.',
      }),
    });
    return null;
  }
}

/** The metadata of `id` arrived: its add dialog entry, or null (with a toast) on failure. */
export async function metadataArrived(
  api: Api,
  id: TorrentId,
  toast: ToastFn,
): Promise<PendingAdd | null> {
  try {
    const { name, torrentFile } = await api.invoke('torrent.export', { id });
    const preview = await api.invoke('torrent.inspect', { torrentFile });
    // It is in the list already (paused): the dialog finishes the add rather than refusing it.
    return {
      fileName: name,
      torrentFile,
      preview: { ...preview, alreadyAdded: false },
      magnetId: id,
    };
  } catch (err) {
    toast({
      level: 'error',
      title: 'Could not open the file list',
      ...errorText(err, { 'invalid-torrent': 'The metadata peers sent is damaged.' }),
    });
    return null;
  }
}

/** The dialog's Add for a magnet: skip the unchecked files, then resume unless asked not to. */
export async function finishMagnetAdd(
  api: Api,
  id: TorrentId,
  choices: { skipFiles: number[]; paused: boolean },
): Promise<void> {
  if (choices.skipFiles.length > 0) {
    await api.invoke('torrent.setFilePriority', { id, files: choices.skipFiles, priority: 'skip' });
  }
  if (!choices.paused) await api.invoke('torrent.resume', { ids: [id] });
}
