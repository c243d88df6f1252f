/**
 * The torrent list's header (issue 21): click sorts; right-click, or the menu key / Shift+F10
 * on a focused resizer, opens a menu to show or hide columns, move the column left or right, or
 * reset; dragging a header reorders; dragging a header's right edge, or the arrow keys on its
 * focused resizer, sets its width. Name is always shown and takes the width the others leave.
 */
import {
  useLayoutEffect,
  useRef,
  useState,
  type Dispatch,
  type DragEvent,
  type KeyboardEvent,
  type PointerEvent,
  type SetStateAction,
} from 'react';
import { createPortal } from 'react-dom';
import { nextSort, type SortSpec } from '../../store/selectors';
import { opensContextMenu } from '../torrent-actions/action-items';
import { ContextMenu } from '../torrent-actions/ContextMenu';
import {
  alwaysShown,
  canMove,
  defaultLayout,
  isShown,
  keyStepPx,
  maxColumnPx,
  minColumnPx,
  moveColumn,
  moveColumnTo,
  setColumnWidth,
  toggleColumn,
  type ColumnId,
  type ColumnLayout,
} from './column-model';
import { columnById, columns, type Column } from './columns';
import './columns.css';

type MenuId = `toggle:${ColumnId}` | 'move-left' | 'move-right' | 'reset';

interface MenuState {
  column: ColumnId;
  at: { x: number; y: number };
  returnFocus: HTMLElement | null;
}

export interface ColumnHeaderProps {
  shown: readonly Column[];
  layout: ColumnLayout;
  setLayout: Dispatch<SetStateAction<ColumnLayout>>;
  sort: SortSpec;
  setSort(sort: SortSpec): void;
  /** Where focus goes when a menu opened by the mouse closes (the grid). */
  grid: HTMLElement | null;
}

const dragType = 'application/x-swarmscope-column';

export function ColumnHeader({ shown, layout, setLayout, sort, setSort, grid }: ColumnHeaderProps) {
  const [menu, setMenu] = useState<MenuState | null>(null);
  const [drop, setDrop] = useState<{ id: ColumnId; side: 'before' | 'after' } | null>(null);
  const dragging = useRef<ColumnId | null>(null);
  const resizing = useRef<{ id: ColumnId; startX: number; startPx: number } | null>(null);
  // Each header's drawn width, for the resizers' aria-valuenow (CSS sets the widths not chosen).
  const row = useRef<HTMLTableRowElement>(null);
  const [measured, setMeasured] = useState<Partial<Record<ColumnId, number>>>({});
  useLayoutEffect(() => {
    const tr = row.current;
    if (!tr) return;
    const read = () => {
      const next: Partial<Record<ColumnId, number>> = {};
      for (const th of tr.querySelectorAll<HTMLElement>('th[data-column]')) {
        next[th.dataset.column as ColumnId] = Math.round(th.getBoundingClientRect().width);
      }
      setMeasured((prev) => (sameWidths(prev, next) ? prev : next));
    };
    read();
    const observer = new ResizeObserver(read);
    for (const th of tr.children) observer.observe(th);
    return () => observer.disconnect();
  }, [shown]);

  const entries = (target: ColumnId) => {
    const label = columnById(target).label;
    return [
      ...columns.map((c) => ({
        kind: 'item' as const,
        id: `toggle:${c.id}` as MenuId,
        label: c.label,
        disabled: c.id === alwaysShown,
        checked: isShown(layout, c.id),
      })),
      { kind: 'separator' as const, key: 's1' },
      {
        kind: 'item' as const,
        id: 'move-left' as MenuId,
        label: `Move “${label}” left`,
        disabled: !canMove(layout, target, -1),
      },
      {
        kind: 'item' as const,
        id: 'move-right' as MenuId,
        label: `Move “${label}” right`,
        disabled: !canMove(layout, target, 1),
      },
      { kind: 'separator' as const, key: 's2' },
      { kind: 'item' as const, id: 'reset' as MenuId, label: 'Reset columns', disabled: false },
    ];
  };

  const run = (id: MenuId) => {
    if (!menu) return;
    if (id === 'reset') {
      setLayout(defaultLayout());
      setMenu(null);
    } else if (id === 'move-left') setLayout((l) => moveColumn(l, menu.column, -1));
    else if (id === 'move-right') setLayout((l) => moveColumn(l, menu.column, 1));
    else setLayout((l) => toggleColumn(l, id.slice('toggle:'.length) as ColumnId));
    // The menu stays open after a toggle or a move, so several changes take one visit.
  };

  const onHeadKey = (e: KeyboardEvent<HTMLElement>) => {
    // Keys inside the header are the header's: the grid's arrows and Delete must not act.
    e.stopPropagation();
    const th = (e.target as Element).closest<HTMLElement>('th[data-column]');
    if (!th || !opensContextMenu(e)) return;
    e.preventDefault();
    const r = th.getBoundingClientRect();
    setMenu({
      column: th.dataset.column as ColumnId,
      at: { x: r.left + 8, y: r.bottom },
      returnFocus: e.target as HTMLElement,
    });
  };

  const onResizerKey = (id: ColumnId, e: KeyboardEvent<HTMLElement>) => {
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
    e.preventDefault();
    const th = (e.target as Element).closest('th');
    const now = layout.widths[id] ?? th?.getBoundingClientRect().width ?? 100;
    const step = (e.shiftKey ? 4 : 1) * keyStepPx * (e.key === 'ArrowLeft' ? -1 : 1);
    setLayout((l) => setColumnWidth(l, id, now + step));
  };

  const onResizeDown = (id: ColumnId, e: PointerEvent<HTMLElement>) => {
    if (e.button !== 0) return;
    e.preventDefault();
    e.stopPropagation();
    const th = (e.target as Element).closest('th');
    resizing.current = { id, startX: e.clientX, startPx: th?.getBoundingClientRect().width ?? 100 };
    e.currentTarget.setPointerCapture(e.pointerId);
  };
  const onResizeMove = (e: PointerEvent<HTMLElement>) => {
    const r = resizing.current;
    if (!r) return;
    setLayout((l) => setColumnWidth(l, r.id, r.startPx + e.clientX - r.startX));
  };
  const onResizeUp = () => {
    resizing.current = null;
  };

  const sideOf = (e: DragEvent<HTMLElement>): 'before' | 'after' => {
    const r = e.currentTarget.getBoundingClientRect();
    return e.clientX < r.left + r.width / 2 ? 'before' : 'after';
  };

  return (
    <thead
      onKeyDown={onHeadKey}
      onContextMenu={(e) => {
        const th = (e.target as Element).closest<HTMLElement>('th[data-column]');
        e.preventDefault();
        e.stopPropagation();
        setMenu({
          column: (th?.dataset.column as ColumnId | undefined) ?? alwaysShown,
          at: { x: e.clientX, y: e.clientY },
          returnFocus: grid,
        });
      }}
    >
      <tr ref={row}>
        {shown.map((c) => {
          const active = sort.key === c.key;
          const width = layout.widths[c.id];
          return (
            <th
              key={c.id}
              data-column={c.id}
              className={`${c.className}${c.numeric ? ' num' : ''}`}
              style={width === undefined ? undefined : { width }}
              aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
              data-drop={drop?.id === c.id ? drop.side : undefined}
              draggable
              onDragStart={(e) => {
                if (resizing.current) return e.preventDefault();
                dragging.current = c.id;
                e.dataTransfer.setData(dragType, c.id);
                e.dataTransfer.effectAllowed = 'move';
              }}
              onDragOver={(e) => {
                const from = dragging.current;
                if (from === null || from === c.id) return;
                e.preventDefault();
                e.dataTransfer.dropEffect = 'move';
                const side = sideOf(e);
                if (drop?.id !== c.id || drop.side !== side) setDrop({ id: c.id, side });
              }}
              onDragLeave={() => setDrop((d) => (d?.id === c.id ? null : d))}
              onDrop={(e) => {
                const from = dragging.current;
                if (from === null) return;
                e.preventDefault();
                const side = sideOf(e);
                setLayout((l) => moveColumnTo(l, from, c.id, side));
                setDrop(null);
              }}
              onDragEnd={() => {
                dragging.current = null;
                setDrop(null);
              }}
            >
              <button
                type="button"
                tabIndex={-1}
                title={c.hint}
                onClick={() => setSort(nextSort(sort, c.key))}
              >
                {c.label}
                <span className="sort-mark" aria-hidden="true">
                  {active ? (sort.dir === 'asc' ? '▲' : '▼') : ''}
                </span>
              </button>
              {c.id !== alwaysShown && (
                <span
                  className="col-resizer"
                  role="separator"
                  aria-orientation="vertical"
                  aria-label={`Resize the ${c.label} column`}
                  aria-valuemin={minColumnPx}
                  aria-valuemax={maxColumnPx}
                  aria-valuenow={width ?? measured[c.id] ?? minColumnPx}
                  aria-valuetext={`${width ?? measured[c.id] ?? minColumnPx} pixels`}
                  tabIndex={0}
                  draggable={false}
                  onKeyDown={(e) => onResizerKey(c.id, e)}
                  onPointerDown={(e) => onResizeDown(c.id, e)}
                  onPointerMove={onResizeMove}
                  onPointerUp={onResizeUp}
                  onPointerCancel={onResizeUp}
                  onClick={(e) => e.stopPropagation()}
                />
              )}
            </th>
          );
        })}
      </tr>
      {menu &&
        createPortal(
          <ContextMenu<MenuId>
            entries={entries(menu.column)}
            at={menu.at}
            label="Columns"
            testId="column-menu"
            onRun={run}
            onClose={() => {
              setMenu(null);
              // The resizer it opened from may have gone with its column: fall back to the grid.
              requestAnimationFrame(() => {
                const active = document.activeElement;
                if (active === null || active === document.body) grid?.focus();
              });
            }}
            returnFocus={menu.returnFocus}
          />,
          document.body,
        )}
    </thead>
  );
}

function sameWidths(
  a: Partial<Record<ColumnId, number>>,
  b: Partial<Record<ColumnId, number>>,
): boolean {
  const ka = Object.keys(a) as ColumnId[];
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}
