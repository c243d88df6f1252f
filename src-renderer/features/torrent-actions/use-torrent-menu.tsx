/**
 * The torrent list's hook into the menu (issue 21): right-click on a row, the menu key or
 * Shift+F10 on the focused row, and the queue shortcuts. The list calls `onContextMenu` and
 * `onKeyDown` and renders `element`; everything else lives here.
 */
import {
  useState,
  type KeyboardEvent,
  type MouseEvent,
  type ReactNode,
  type RefObject,
} from 'react';
import type { TorrentId } from '../../../src-shared/model';
import { getClient } from '../../api/client';
import { useStore } from '../../store/store';
import { opensContextMenu, shortcutAction } from './action-items';
import { runAction } from './run-action';
import { TorrentActions, type MenuRequest } from './TorrentActions';

export interface TorrentMenu {
  onContextMenu(e: MouseEvent<HTMLElement>): void;
  /** True when the key was the menu's (the list does nothing more with it). */
  onKeyDown(e: KeyboardEvent<HTMLElement>): boolean;
  element: ReactNode;
}

export function useTorrentMenu(
  list: RefObject<HTMLElement | null>,
  selectedIds: readonly TorrentId[],
  onRemove: (ids: TorrentId[]) => void,
): TorrentMenu {
  const [request, setRequest] = useState<MenuRequest | null>(null);
  // Focus returns to the grid, which took the focus from the scroller (issue 19 moved the role).
  const grid = () => list.current?.querySelector<HTMLElement>('[role="grid"]') ?? list.current;

  const onContextMenu = (e: MouseEvent<HTMLElement>) => {
    const row = (e.target as Element).closest<HTMLElement>('tr[data-id]');
    if (!row?.dataset.id) return;
    e.preventDefault();
    const id = row.dataset.id;
    // Right-click on a row outside the selection selects that row alone, as file managers do.
    const inSelection = selectedIds.includes(id);
    if (!inSelection) useStore.getState().setSelection(new Set([id]), id, id);
    const ids = inSelection ? [...selectedIds] : [id];
    setRequest({ ids, at: { x: e.clientX, y: e.clientY }, returnFocus: grid() });
  };

  const onKeyDown = (e: KeyboardEvent<HTMLElement>): boolean => {
    if (opensContextMenu(e)) {
      e.preventDefault();
      const s = useStore.getState();
      const focus = s.detailId;
      if (selectedIds.length === 0 && focus === null) return true;
      const ids = selectedIds.length > 0 ? [...selectedIds] : [focus as TorrentId];
      const row =
        list.current?.querySelector<HTMLElement>(`tr[data-id="${focus ?? ids[0]}"]`) ?? null;
      const r = (row ?? list.current)?.getBoundingClientRect();
      setRequest({
        ids,
        at: { x: (r?.left ?? 0) + 24, y: (r?.bottom ?? 0) - 4 },
        returnFocus: grid(),
      });
      return true;
    }
    const action = shortcutAction(e);
    if (action && selectedIds.length > 0) {
      e.preventDefault();
      const torrents = useStore.getState().torrents;
      const chosen = selectedIds.flatMap((id) => torrents.get(id) ?? []);
      void runAction(getClient(), action, chosen, useStore.getState().pushToast);
      return true;
    }
    return false;
  };

  const element = (
    <TorrentActions request={request} onClose={() => setRequest(null)} onRemove={onRemove} />
  );
  return { onContextMenu, onKeyDown, element };
}
