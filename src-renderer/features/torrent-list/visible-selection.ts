/**
 * The selection and the details follow what the list shows (issue 21): a torrent that the
 * search or the state filter hides leaves the selection, and the details pane closes rather
 * than keep showing a torrent that is not on screen. Pure; unit-tested.
 */
import type { TorrentId } from '../../../src-shared/model';

export interface SelectionState {
  selection: ReadonlySet<TorrentId>;
  anchor: TorrentId | null;
  detailId: TorrentId | null;
}

/** The state without hidden torrents, or null when nothing it holds is hidden. */
export function withoutHidden(
  state: SelectionState,
  visible: readonly { id: TorrentId }[],
): SelectionState | null {
  const shown = new Set(visible.map((t) => t.id));
  const keep = [...state.selection].filter((id) => shown.has(id));
  const detailHidden = state.detailId !== null && !shown.has(state.detailId);
  const anchorHidden = state.anchor !== null && !shown.has(state.anchor);
  if (keep.length === state.selection.size && !detailHidden && !anchorHidden) return null;
  return {
    selection: new Set(keep),
    anchor: anchorHidden ? null : state.anchor,
    detailId: detailHidden ? null : state.detailId,
  };
}
