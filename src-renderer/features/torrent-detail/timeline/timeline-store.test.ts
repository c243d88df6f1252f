import { afterEach, describe, expect, it } from 'vitest';
import { TimelineKind, type TimelineView } from '../../../../src-shared/model';
import { timelineBuffer } from '../../../store/detail-slice';
import { useStore } from '../../../store/store';

const id = (c: string) => c.repeat(40);

function view(patch: Partial<TimelineView>): TimelineView {
  return {
    full: true,
    from: 0,
    cursor: 5,
    now: 10_000,
    windowMs: 600_000,
    lanes: [
      {
        id: 1,
        address: '10.0.0.1',
        port: 1,
        client: 'x',
        transport: 'tcp',
        encrypted: false,
        incoming: false,
        openedAt: 9_000,
        closedAt: null,
        closeReason: null,
      },
    ],
    removedLanes: [],
    events: Float64Array.of(1, 1, TimelineKind.connect, 9_000, 9_000, 0, 0, 0),
    ...patch,
  };
}

describe('the timeline in the detail slice', () => {
  afterEach(() => {
    useStore.getState().setSelection(new Set(), null, null);
    useStore.getState().selectPiece(null);
  });

  it('applies a full view then a following delta, and drops one that does not follow', () => {
    const s = useStore.getState();
    s.setSelection(new Set([id('a')]), id('a'), id('a'));
    const v0 = useStore.getState().timelineVersion;
    s.applyViewUpdate({ id: id('a'), timeline: view({}) });
    expect(useStore.getState().timelineVersion).toBe(v0 + 1);
    expect(timelineBuffer.lanes.get(1)?.count).toBe(1);
    const run = Float64Array.of(1, 2, TimelineKind.run, 9_500, 9_600, 7, 16_384, 1);
    s.applyViewUpdate({
      id: id('a'),
      timeline: view({ full: false, from: 5, cursor: 6, lanes: [], events: run }),
    });
    expect(timelineBuffer.lanes.get(1)?.count).toBe(2);
    const v1 = useStore.getState().timelineVersion;
    // From cursor 3 while we are at 6: a delta of another stream, ignored.
    s.applyViewUpdate({
      id: id('a'),
      timeline: view({ full: false, from: 3, cursor: 9, lanes: [], events: run }),
    });
    expect(useStore.getState().timelineVersion).toBe(v1);
    expect(timelineBuffer.cursor).toBe(6);
  });

  it('keeps the selected piece across tabs, and forgets it and the lanes for another torrent', () => {
    const s = useStore.getState();
    s.setSelection(new Set([id('a')]), id('a'), id('a'));
    s.applyViewUpdate({ id: id('a'), timeline: view({}) });
    s.selectPiece(7);
    s.setDetailTab('pieces');
    s.resetDetailData(); // what a tab switch does (use-detail-watch)
    expect(useStore.getState().selectedPiece).toBe(7);
    expect(timelineBuffer.lanes.size).toBe(0);
    s.applyViewUpdate({ id: id('a'), timeline: view({}) });
    s.setSelection(new Set([id('b')]), id('b'), id('b'));
    expect(useStore.getState().selectedPiece).toBeNull();
    expect(timelineBuffer.lanes.size).toBe(0);
  });
});
