import {
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type MouseEvent,
} from 'react';
import type { TorrentId } from '../../../src-shared/model';
import { getClient } from '../../api/client';
import { scrollToReveal } from '../../components/virtual-list/visible-range';
import { useVirtualRange } from '../../components/virtual-list/use-virtual-range';
import { clickSelection } from '../../store/detail-slice';
import { filterCounts, filterTorrents, type StateFilter } from '../../store/detail-selectors';
import { withoutHidden } from './visible-selection';
import { sortTorrents } from '../../store/selectors';
import { useStore } from '../../store/store';
// --- column choice (issue 21) ---
import { columnById } from './columns';
import { ColumnHeader } from './ColumnHeader';
import { visibleColumns } from './column-model';
import { useColumnLayout } from './use-column-layout';
import { EmptyState } from './EmptyState';
import { ListToolbar } from './ListToolbar';
import {
  pauseTorrents,
  recheckTorrents,
  removeTorrents,
  resumeTorrents,
  toggleAction,
} from './list-actions';
import { RemoveDialog } from './RemoveDialog';
import { MoreActionsButton } from '../torrent-actions/MoreActionsButton'; // --- issue 21
import { useTorrentMenu } from '../torrent-actions/use-torrent-menu'; // --- issue 21
import { TorrentRow } from './TorrentRow';
import { filterByLabel } from '../labels/label-filter'; // --- labels (issue 21)
import { LabelFilter } from '../labels/LabelFilter'; // --- labels (issue 21)
import { SetLabelButton } from '../labels/SetLabelButton'; // --- labels (issue 21)
import './torrent-list.css';

/** Fixed row height (CSS .torrent-row) and header height: virtualisation depends on both. */
export const torrentRowPx = 32;
const headerPx = 29;

/**
 * The torrent table: sort by any column, filter by state, search; multi-select with the mouse
 * (click, shift-click, ctrl/cmd-click) and keys (arrows, Home/End, PageUp/PageDown, ctrl+A,
 * Space pauses or resumes, Delete removes); virtualised so thousands of rows stay smooth.
 */
export function TorrentList() {
  const torrents = useStore((s) => s.torrents);
  const synced = useStore((s) => s.seq >= 0);
  const sort = useStore((s) => s.sort);
  const setSort = useStore((s) => s.setSort);
  const selection = useStore((s) => s.selection);
  const anchor = useStore((s) => s.selectionAnchor);
  const detailId = useStore((s) => s.detailId);
  const setSelection = useStore((s) => s.setSelection);
  const pruneSelection = useStore((s) => s.pruneSelection);
  const pushToast = useStore((s) => s.pushToast);
  const [filter, setFilter] = useState<StateFilter>('all');
  const [search, setSearch] = useState('');
  const [label, setLabel] = useState(''); // --- labels (issue 21): '' is all
  const [removing, setRemoving] = useState<TorrentId[] | null>(null);
  // --- column choice (issue 21) ---
  const [layout, setLayout] = useColumnLayout();
  const shownIds = useMemo(() => visibleColumns(layout), [layout]);
  const shownColumns = useMemo(() => shownIds.map(columnById), [shownIds]);

  const sorted = useMemo(() => sortTorrents(torrents, sort), [torrents, sort]);
  const rows = useMemo(
    () => filterByLabel(filterTorrents(sorted, filter, search), label), // --- labels (issue 21)
    [sorted, filter, search, label],
  );
  const ids = useMemo(() => rows.map((t) => t.id), [rows]);
  const counts = useMemo(() => filterCounts(torrents), [torrents]);
  const selected = useMemo(() => rows.filter((t) => selection.has(t.id)), [rows, selection]);

  useEffect(() => pruneSelection(torrents), [torrents, pruneSelection]);
  // What the search or the filter hides leaves the selection and the details (issue 21).
  useEffect(() => {
    const s = useStore.getState();
    const next = withoutHidden(
      { selection: s.selection, anchor: s.selectionAnchor, detailId: s.detailId },
      rows,
    );
    if (next) setSelection(next.selection, next.anchor, next.detailId);
  }, [rows, setSelection]);

  const scrollRef = useRef<HTMLDivElement>(null);
  // The grid itself takes focus (issue 19, axe: a grid owns rows, so the role sits on the table).
  const gridRef = useRef<HTMLTableElement>(null);

  // Back to the list once the remove dialog is gone (while it is open the page is inert), unless
  // the dialog gave focus back to the control that opened it.
  const hadDialog = useRef(false);
  useEffect(() => {
    if (removing) hadDialog.current = true;
    else if (hadDialog.current) {
      hadDialog.current = false;
      const active = document.activeElement;
      if (active === null || active === document.body) gridRef.current?.focus();
    }
  }, [removing]);
  // --- torrent menu (issue 21): right-click, menu key / Shift+F10, queue shortcuts.
  const selectedIds = useMemo(() => selected.map((t) => t.id), [selected]);
  // The table holds the focus (role grid), so the menu gives it back there.
  const menu = useTorrentMenu(gridRef, selectedIds, setRemoving);
  const range = useVirtualRange(scrollRef, rows.length, torrentRowPx, 10, headerPx);

  const reveal = useCallback((index: number) => {
    const el = scrollRef.current;
    if (!el) return;
    const top = scrollToReveal(index, el.scrollTop, el.clientHeight, torrentRowPx, headerPx);
    if (top !== null) el.scrollTop = top;
  }, []);

  // Rows are memoised: the click handler must not change when a delta re-sorts the list.
  const idsRef = useRef(ids);
  idsRef.current = ids;
  const onPick = useCallback(
    (id: string, e: MouseEvent) => {
      if (e.button !== 0) return;
      const s = useStore.getState();
      const next = clickSelection(s.selection, s.selectionAnchor, idsRef.current, id, {
        shift: e.shiftKey,
        toggle: e.ctrlKey || e.metaKey,
      });
      if (e.shiftKey) e.preventDefault(); // no text selection on shift-click
      setSelection(next.selection, next.anchor, id);
    },
    [setSelection],
  );

  const act = (kind: 'pause' | 'resume') => {
    const list = selected.map((t) => t.id);
    void (kind === 'pause' ? pauseTorrents : resumeTorrents)(getClient(), list, pushToast);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (rows.length === 0) return;
    if (menu.onKeyDown(e)) return; // --- issue 21
    const at = detailId === null ? -1 : ids.indexOf(detailId);
    const page = Math.max(
      1,
      Math.floor(((scrollRef.current?.clientHeight ?? 300) - headerPx) / torrentRowPx) - 1,
    );
    let to: number;
    switch (e.key) {
      case 'ArrowDown':
        to = Math.min(rows.length - 1, at + 1);
        break;
      case 'ArrowUp':
        to = Math.max(0, at < 0 ? 0 : at - 1);
        break;
      case 'PageDown':
        to = Math.min(rows.length - 1, Math.max(0, at) + page);
        break;
      case 'PageUp':
        to = Math.max(0, at - page);
        break;
      case 'Home':
        to = 0;
        break;
      case 'End':
        to = rows.length - 1;
        break;
      case 'a':
      case 'A':
        if (e.ctrlKey || e.metaKey) {
          e.preventDefault();
          setSelection(new Set(ids), ids[0] ?? null, detailId ?? ids[0] ?? null);
        }
        return;
      case ' ': {
        e.preventDefault();
        const kind = toggleAction(selected);
        if (kind) act(kind);
        return;
      }
      case 'Delete':
      case 'Backspace':
        if (selected.length > 0) {
          e.preventDefault();
          setRemoving(selected.map((t) => t.id));
        }
        return;
      case 'Escape':
        setSelection(new Set(), null, detailId);
        return;
      default:
        return;
    }
    e.preventDefault();
    const id = ids[to]!;
    if (e.shiftKey) {
      const next = clickSelection(selection, anchor ?? detailId ?? id, ids, id, {
        shift: true,
        toggle: false,
      });
      setSelection(next.selection, next.anchor, id);
    } else {
      setSelection(new Set([id]), id, id);
    }
    reveal(to);
  };

  if (!synced) return <div className="loading">Loading…</div>;
  if (torrents.size === 0) return <EmptyState />;
  return (
    <div className="torrent-list">
      <ListToolbar
        filter={filter}
        counts={counts}
        search={search}
        selectedCount={selected.length}
        canPause={selected.some((t) => t.state !== 'paused')}
        canResume={selected.some((t) => t.state === 'paused' || t.state === 'error')}
        onFilter={setFilter}
        onSearch={setSearch}
        onPause={() => act('pause')}
        onResume={() => act('resume')}
        canRecheck={selected.some((t) => t.state !== 'checking')}
        onRecheck={() =>
          void recheckTorrents(
            getClient(),
            selected.filter((t) => t.state !== 'checking').map((t) => t.id),
            pushToast,
          )
        }
        onRemove={() => setRemoving(selected.map((t) => t.id))}
        more={<MoreActionsButton ids={selectedIds} onRemove={setRemoving} />}
        labels={
          <>
            <LabelFilter torrents={torrents} value={label} onChange={setLabel} />
            <SetLabelButton ids={selectedIds} />
          </>
        }
      />
      <div
        className="table-scroll"
        ref={scrollRef}
        onKeyDown={onKeyDown}
        onContextMenu={menu.onContextMenu}
      >
        <table
          className="torrent-table"
          ref={gridRef}
          tabIndex={0}
          role="grid"
          aria-label="Torrents"
          aria-multiselectable="true"
          aria-rowcount={rows.length}
        >
          {/* --- column choice (issue 21) --- */}
          <ColumnHeader
            shown={shownColumns}
            layout={layout}
            setLayout={setLayout}
            sort={sort}
            setSort={setSort}
            grid={gridRef.current}
          />
          <tbody>
            {range.padTopPx > 0 && (
              <tr className="spacer" aria-hidden="true" style={{ height: range.padTopPx }} />
            )}
            {rows.slice(range.start, range.end).map((t) => (
              <TorrentRow
                key={t.id}
                t={t}
                selected={selection.has(t.id)}
                focused={t.id === detailId}
                onPick={onPick}
                cols={shownIds}
              />
            ))}
            {range.padBottomPx > 0 && (
              <tr className="spacer" aria-hidden="true" style={{ height: range.padBottomPx }} />
            )}
          </tbody>
        </table>
        {rows.length === 0 && (
          <div className="list-no-match">
            No torrents match {search ? `“${search}”` : 'this filter'}.
          </div>
        )}
      </div>
      {menu.element}
      {removing && (
        <RemoveDialog
          names={removing.map((id) => torrents.get(id)?.name ?? id)}
          onCancel={() => setRemoving(null)}
          onRemove={(deleteData) => {
            const list = removing;
            setRemoving(null);
            const names = list.map((id) => torrents.get(id)?.name ?? id);
            void removeTorrents(getClient(), list, deleteData, pushToast, names);
          }}
        />
      )}
    </div>
  );
}
