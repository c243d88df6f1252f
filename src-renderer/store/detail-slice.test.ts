import { afterEach, describe, expect, it } from 'vitest';
import type { PeerEvent, PeerSnapshot } from '../../src-shared/model';
import {
  appendLog,
  applyPieceUpdate,
  clickSelection,
  pieceBuffer,
  resetPieceBuffer,
  type PieceBuffer,
} from './detail-slice';
import { useStore } from './store';

const ev = (at: number): PeerEvent => ({
  at,
  peer: '1.2.3.4:5',
  dir: 'in',
  type: 'have',
  detail: '',
});
const id = (c: string) => c.repeat(40);

function buffer(): PieceBuffer {
  return { states: new Uint8Array(0), availability: new Uint16Array(0), changed: null };
}

describe('applyPieceUpdate', () => {
  it('copies a full map, then applies deltas in place', () => {
    const buf = buffer();
    const full = { states: Uint8Array.of(0, 0, 0, 0), availability: Uint16Array.of(1, 1, 1, 1) };
    expect(applyPieceUpdate(buf, { full })).toBe(true);
    full.states[0] = 9; // the buffer owns its copy
    expect([...buf.states]).toEqual([0, 0, 0, 0]);
    expect(buf.changed).toBeNull();
    const indices = Uint32Array.of(1, 3);
    const ok = applyPieceUpdate(buf, {
      // Availability is aligned with indices: one count per changed piece.
      delta: { indices, states: Uint8Array.of(4, 2), availability: Uint16Array.of(2, 3) },
    });
    expect(ok).toBe(true);
    expect([...buf.states]).toEqual([0, 4, 0, 2]);
    expect([...buf.availability]).toEqual([1, 2, 1, 3]);
    expect(buf.changed).toBe(indices);
  });

  it('refuses a delta that does not fit, leaving the buffer unchanged', () => {
    const buf = buffer();
    applyPieceUpdate(buf, {
      full: { states: Uint8Array.of(0, 0), availability: Uint16Array.of(0, 0) },
    });
    expect(
      applyPieceUpdate(buf, {
        delta: { indices: Uint32Array.of(0, 5), states: Uint8Array.of(4, 4) },
      }),
    ).toBe(false);
    expect([...buf.states]).toEqual([0, 0]);
    expect(
      applyPieceUpdate(buf, {
        delta: {
          indices: Uint32Array.of(0),
          states: Uint8Array.of(4),
          availability: Uint16Array.of(1, 1),
        },
      }),
    ).toBe(false);
    expect([...buf.states]).toEqual([0, 0]);
    expect([...buf.availability]).toEqual([0, 0]);
  });
});

describe('appendLog', () => {
  it('keeps the newest entries up to the cap', () => {
    const kept = [ev(1), ev(2), ev(3)];
    expect(appendLog(kept, [ev(4)], 10).map((e) => e.at)).toEqual([1, 2, 3, 4]);
    expect(appendLog(kept, [ev(4), ev(5)], 4).map((e) => e.at)).toEqual([2, 3, 4, 5]);
    expect(appendLog(kept, [ev(4), ev(5), ev(6), ev(7), ev(8)], 4).map((e) => e.at)).toEqual([
      5, 6, 7, 8,
    ]);
    expect(kept).toHaveLength(3);
  });
});

describe('clickSelection', () => {
  const order = ['a', 'b', 'c', 'd', 'e'];
  const none = new Set<string>();
  it('selects one on a plain click', () => {
    const r = clickSelection(new Set(['a', 'b']), 'a', order, 'c', { shift: false, toggle: false });
    expect([...r.selection]).toEqual(['c']);
    expect(r.anchor).toBe('c');
  });
  it('extends a range from the anchor on shift, in either direction', () => {
    expect([
      ...clickSelection(none, 'b', order, 'd', { shift: true, toggle: false }).selection,
    ]).toEqual(['b', 'c', 'd']);
    const up = clickSelection(none, 'd', order, 'a', { shift: true, toggle: false });
    expect([...up.selection].sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(up.anchor).toBe('d');
  });
  it('toggles one on ctrl/cmd and adds a range on ctrl+shift', () => {
    const on = clickSelection(new Set(['a']), 'a', order, 'c', { shift: false, toggle: true });
    expect([...on.selection].sort()).toEqual(['a', 'c']);
    const off = clickSelection(on.selection, 'c', order, 'a', { shift: false, toggle: true });
    expect([...off.selection]).toEqual(['c']);
    const add = clickSelection(new Set(['a']), 'c', order, 'e', { shift: true, toggle: true });
    expect([...add.selection].sort()).toEqual(['a', 'c', 'd', 'e']);
  });
  it('falls back to a plain click when the anchor is gone', () => {
    expect([
      ...clickSelection(none, 'zz', order, 'b', { shift: true, toggle: false }).selection,
    ]).toEqual(['b']);
  });
});

describe('detail slice in the store', () => {
  afterEach(() => {
    useStore.getState().setSelection(new Set(), null, null);
    resetPieceBuffer(pieceBuffer);
  });
  const peer = { key: '1.2.3.4:5' } as PeerSnapshot;

  it('applies updates only for the torrent on screen and bumps the piece version', () => {
    const s = useStore.getState();
    s.setSelection(new Set([id('a')]), id('a'), id('a'));
    const v0 = useStore.getState().piecesVersion;
    s.applyViewUpdate({ id: id('b'), peers: [peer] });
    expect(useStore.getState().peers).toBeNull();
    s.applyViewUpdate({
      id: id('a'),
      peers: [peer],
      log: [ev(1)],
      pieces: { full: { states: Uint8Array.of(4, 0), availability: Uint16Array.of(1, 0) } },
    });
    const after = useStore.getState();
    expect(after.peers).toEqual([peer]);
    expect(after.log).toHaveLength(1);
    expect(after.piecesVersion).toBe(v0 + 1);
    expect([...pieceBuffer.states]).toEqual([4, 0]);
    s.applyViewUpdate({ id: id('a'), log: [ev(2)] });
    expect(useStore.getState().log.map((e) => e.at)).toEqual([1, 2]);
  });

  it('forgets the data when the detail torrent changes or disappears', () => {
    const s = useStore.getState();
    s.setSelection(new Set([id('a')]), id('a'), id('a'));
    s.applyViewUpdate({
      id: id('a'),
      peers: [peer],
      pieces: { full: { states: Uint8Array.of(4), availability: Uint16Array.of(1) } },
    });
    s.setSelection(new Set([id('b')]), id('b'), id('b'));
    expect(useStore.getState().peers).toBeNull();
    expect(pieceBuffer.states).toHaveLength(0);
    s.setSelection(new Set([id('a'), id('b')]), id('a'), id('b'));
    s.pruneSelection(new Map([[id('a'), 1]]));
    const st = useStore.getState();
    expect([...st.selection]).toEqual([id('a')]);
    expect(st.detailId).toBeNull();
  });
});
