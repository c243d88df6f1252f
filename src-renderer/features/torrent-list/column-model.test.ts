import { describe, expect, it } from 'vitest';
import {
  allColumnIds,
  canMove,
  columnStorageKey,
  defaultLayout,
  loadLayout,
  maxColumnPx,
  minColumnPx,
  moveColumn,
  moveColumnTo,
  parseLayout,
  saveLayout,
  serializeLayout,
  setColumnWidth,
  toggleColumn,
  visibleColumns,
  type ColumnLayout,
} from './column-model';
import { columns } from './columns';

describe('column model (issue 21)', () => {
  it('shows the classic columns by default and keeps the new ones hidden', () => {
    expect(visibleColumns(defaultLayout())).toEqual([
      'name',
      'size',
      'progress',
      'state',
      'down',
      'up',
      'eta',
      'peers',
      'ratio',
    ]);
  });

  it('has a header for every column id', () => {
    expect(columns.map((c) => c.id)).toEqual([...allColumnIds]);
  });

  it('hides and shows a column, but never Name', () => {
    const hidden = toggleColumn(defaultLayout(), 'size');
    expect(visibleColumns(hidden)).not.toContain('size');
    expect(visibleColumns(toggleColumn(hidden, 'size'))).toContain('size');
    expect(visibleColumns(toggleColumn(defaultLayout(), 'name'))).toContain('name');
    expect(visibleColumns(toggleColumn(defaultLayout(), 'tracker'))).toContain('tracker');
  });

  it('moves a column one visible place, skipping hidden ones', () => {
    let l = toggleColumn(defaultLayout(), 'progress'); // name size [progress] state ...
    l = moveColumn(l, 'state', -1);
    expect(visibleColumns(l).slice(0, 3)).toEqual(['name', 'state', 'size']);
    l = moveColumn(l, 'state', 1);
    expect(visibleColumns(l).slice(0, 3)).toEqual(['name', 'size', 'state']);
  });

  it('does not move past either end', () => {
    const l = defaultLayout();
    expect(canMove(l, 'name', -1)).toBe(false);
    expect(canMove(l, 'ratio', 1)).toBe(false);
    expect(canMove(l, 'ratio', -1)).toBe(true);
    expect(moveColumn(l, 'name', -1)).toBe(l);
    expect(moveColumn(l, 'ratio', 1)).toBe(l);
  });

  it('drops a dragged column before or after another', () => {
    const l = defaultLayout();
    expect(visibleColumns(moveColumnTo(l, 'ratio', 'size', 'before')).slice(0, 3)).toEqual([
      'name',
      'ratio',
      'size',
    ]);
    expect(visibleColumns(moveColumnTo(l, 'name', 'size', 'after')).slice(0, 3)).toEqual([
      'size',
      'name',
      'progress',
    ]);
    expect(moveColumnTo(l, 'size', 'size', 'after')).toBe(l);
  });

  it('clamps widths and ignores a width for Name', () => {
    const l = defaultLayout();
    expect(setColumnWidth(l, 'size', 5).widths.size).toBe(minColumnPx);
    expect(setColumnWidth(l, 'size', 1e6).widths.size).toBe(maxColumnPx);
    expect(setColumnWidth(l, 'size', 123.4).widths.size).toBe(123);
    expect(setColumnWidth(l, 'name', 300)).toBe(l);
    expect(setColumnWidth(l, 'size', Number.NaN)).toBe(l);
  });

  it('round-trips through storage', () => {
    let l: ColumnLayout = toggleColumn(defaultLayout(), 'added');
    l = moveColumn(l, 'eta', -1);
    l = setColumnWidth(l, 'size', 150);
    expect(parseLayout(serializeLayout(l))).toEqual(l);
    const store = new Map<string, string>();
    const storage = {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => void store.set(k, v),
    };
    saveLayout(storage, l);
    expect([...store.keys()]).toEqual([columnStorageKey]);
    expect(loadLayout(storage)).toEqual(l);
  });

  it('falls back to the defaults on bad stored data', () => {
    for (const raw of [null, '', 'not json', '42', 'null', '[]', '{"order":"x","hidden":[]}']) {
      expect(parseLayout(raw)).toEqual(defaultLayout());
    }
    const throwing = {
      getItem: () => {
        throw new Error('blocked');
      },
      setItem: () => {
        throw new Error('blocked');
      },
    };
    expect(loadLayout(throwing)).toEqual(defaultLayout());
    expect(() => saveLayout(throwing, defaultLayout())).not.toThrow();
  });

  it('repairs partly bad data: unknown ids, missing ids, Name hidden, bad widths', () => {
    const l = parseLayout(
      JSON.stringify({
        order: ['ratio', 'bogus', 'name', 'ratio', 7],
        hidden: ['name', 'size', 'size', 'nope'],
        widths: { size: 9999, eta: 'wide', name: 300, ghost: 80, up: 20 },
      }),
    );
    // Missing columns come back after the column they follow by default.
    expect(l.order).toEqual([
      'ratio',
      'added',
      'completed',
      'savePath',
      'tracker',
      'availability',
      'label',
      'name',
      'size',
      'progress',
      'state',
      'down',
      'up',
      'eta',
      'peers',
    ]);
    expect(l.hidden).toEqual(['size']);
    expect(l.widths).toEqual({ size: maxColumnPx, up: minColumnPx });
    expect(visibleColumns(l)).toContain('name');
  });
});
