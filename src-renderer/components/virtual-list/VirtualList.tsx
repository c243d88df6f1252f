import './virtual-list.css';
import { useRef, type ReactNode } from 'react';
import { useVirtualRange } from './use-virtual-range';

export interface VirtualListProps<T> {
  items: readonly T[];
  rowPx: number;
  rowKey(item: T, index: number): string;
  renderRow(item: T, index: number): ReactNode;
  /** Rendered above the rows, sticky (column headers). */
  header?: ReactNode;
  headerPx?: number;
  className?: string;
  label: string;
  /** Receives the scroll element, e.g. for auto-scroll. */
  scrollRef?: React.RefObject<HTMLDivElement | null>;
  onScroll?(el: HTMLDivElement): void;
  empty?: ReactNode;
}

/** A fixed-row-height virtualised list of divs (peers, log): only visible rows are in the DOM. */
export function VirtualList<T>(props: VirtualListProps<T>) {
  const own = useRef<HTMLDivElement>(null);
  const ref = props.scrollRef ?? own;
  const headerPx = props.header ? (props.headerPx ?? 28) : 0;
  const range = useVirtualRange(ref, props.items.length, props.rowPx, 8, headerPx);
  const rows: ReactNode[] = [];
  for (let i = range.start; i < range.end; i++) {
    const item = props.items[i]!;
    rows.push(
      <div key={props.rowKey(item, i)} className="vrow" role="row" style={{ height: props.rowPx }}>
        {props.renderRow(item, i)}
      </div>,
    );
  }
  return (
    <div
      ref={ref}
      className={`vlist ${props.className ?? ''}`}
      role="table"
      aria-label={props.label}
      aria-rowcount={props.items.length}
      onScroll={props.onScroll ? (e) => props.onScroll?.(e.currentTarget) : undefined}
    >
      {props.header && (
        <div className="vlist-header" role="row" style={{ height: headerPx }}>
          {props.header}
        </div>
      )}
      {props.items.length === 0 && props.empty}
      <div style={{ height: range.padTopPx }} aria-hidden="true" />
      {rows}
      <div style={{ height: range.padBottomPx }} aria-hidden="true" />
    </div>
  );
}
