/**
 * The torrent menu and its dialogs (issue 21), shared by the list's context menu and the
 * toolbar's "More actions" button. It reads the torrents named in the request from the store
 * when it runs, so a menu left open while deltas arrive acts on current data.
 */
import { useState } from 'react';
import type { TorrentId, TorrentSummary } from '../../../src-shared/model';
import { getClient } from '../../api/client';
import { useStore } from '../../store/store';
import { SetLocationDialog } from '../set-location/SetLocationDialog';
import { menuEntries, type ActionId } from './action-items';
import { AddPeerDialog } from './AddPeerDialog';
import { ContextMenu } from './ContextMenu';
import { LimitsDialog } from './LimitsDialog';
import { isDialogAction, runAction, type DialogAction } from './run-action';
import { TrackersDialog } from './TrackersDialog';
import './torrent-actions.css';

export interface MenuRequest {
  ids: TorrentId[];
  at: { x: number; y: number };
  /** Focus goes back here when the menu closes (the list, or the button that opened it). */
  returnFocus: HTMLElement | null;
}

export interface TorrentActionsProps {
  request: MenuRequest | null;
  onClose(): void;
  /** Remove… opens the list's own confirmation. */
  onRemove(ids: TorrentId[]): void;
}

export function TorrentActions({ request, onClose, onRemove }: TorrentActionsProps) {
  const torrents = useStore((s) => s.torrents);
  const pushToast = useStore((s) => s.pushToast);
  const [dialog, setDialog] = useState<{ kind: DialogAction; ids: TorrentId[] } | null>(null);
  const pick = (ids: readonly TorrentId[]): TorrentSummary[] =>
    ids.flatMap((id) => {
      const t = torrents.get(id);
      return t ? [t] : [];
    });
  const desktop = getClient().transport === 'electron';

  const run = (id: ActionId) => {
    if (!request) return;
    const ids = request.ids;
    onClose();
    if (id === 'remove') return onRemove(ids);
    if (isDialogAction(id)) return setDialog({ kind: id, ids });
    void runAction(getClient(), id, pick(ids), pushToast);
  };

  const chosen = dialog ? pick(dialog.ids) : [];
  const first = chosen[0];
  const closeDialog = () => setDialog(null);
  return (
    <>
      {request && (
        <ContextMenu
          entries={menuEntries(pick(request.ids), { desktop })}
          at={request.at}
          label={
            request.ids.length === 1
              ? 'Torrent actions'
              : `Actions for ${request.ids.length} torrents`
          }
          onRun={run}
          onClose={onClose}
          returnFocus={request.returnFocus}
        />
      )}
      {dialog?.kind === 'add-peer' && first && <AddPeerDialog t={first} onClose={closeDialog} />}
      {dialog?.kind === 'edit-trackers' && first && (
        <TrackersDialog t={first} onClose={closeDialog} />
      )}
      {dialog?.kind === 'limits' && first && (
        <LimitsDialog torrents={chosen} onClose={closeDialog} />
      )}
      {dialog?.kind === 'move-storage' && first && (
        <SetLocationDialog id={first.id} onClose={closeDialog} />
      )}
    </>
  );
}
