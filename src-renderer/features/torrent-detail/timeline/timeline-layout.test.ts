import { describe, expect, it } from 'vitest';
import { TimelineKind, timelineOpen, timelineRowStride } from '../../../../src-shared/model';
import type { TimelineLane } from '../../../../src-shared/model';
import type { TimelineLaneData } from '../../../../src-shared/timeline-delta';
import { describeEvent } from './describe-event';
import {
  axisHeightCss,
  band,
  clampView,
  hitTest,
  labelWidthCss,
  laneAt,
  laneHeightCss,
  minSpanMs,
  panBy,
  ticks,
  visibleLanes,
  xOf,
  zoomAt,
  type TimelineViewport,
} from './timeline-layout';

const now = 1_000_000_000;
const windowMs = 600_000;

function lane(id: number, rows: number[][]): TimelineLaneData {
  const meta: TimelineLane = {
    id,
    address: '10.0.0.1',
    port: 6881,
    client: 'qBittorrent 4.6',
    transport: 'tcp',
    encrypted: false,
    incoming: false,
    openedAt: now - 60_000,
    closedAt: null,
    closeReason: null,
  };
  const data = new Float64Array(rows.length * timelineRowStride);
  rows.forEach((r, i) => data.set([id, i + 1, ...r], i * timelineRowStride));
  return { meta, rows: data, count: rows.length };
}

// 1000 px of plot for 10 s: 100 px a second.
const vp: TimelineViewport = {
  widthCss: labelWidthCss + 1000,
  heightCss: 400,
  scrollTop: 0,
  start: now - 10_000,
  end: now,
};

describe('timeline layout', () => {
  it('maps times to x across the plot', () => {
    expect(xOf(vp, now - 10_000)).toBe(labelWidthCss);
    expect(xOf(vp, now)).toBe(labelWidthCss + 1000);
    expect(xOf(vp, now - 5_000)).toBe(labelWidthCss + 500);
  });

  it('ticks at a round step, at least the minimum spacing apart', () => {
    const { step, times } = ticks(vp, 84);
    expect(step).toBe(1_000); // 100 px a second
    expect(times[0]).toBe(now - 10_000);
    expect(times).toHaveLength(11);
    expect(ticks({ ...vp, start: now - 600_000 }, 84).step).toBe(60_000);
  });

  it('virtualises lanes: only those on screen, from the scroll position', () => {
    expect(visibleLanes(vp, 200)).toEqual([0, 16]);
    expect(visibleLanes({ ...vp, scrollTop: 100 * laneHeightCss }, 200)).toEqual([100, 116]);
    expect(visibleLanes({ ...vp, scrollTop: 195 * laneHeightCss }, 200)).toEqual([195, 200]);
    expect(laneAt(vp, axisHeightCss - 1, 5)).toBeNull();
    expect(laneAt({ ...vp, scrollTop: 3 * laneHeightCss }, axisHeightCss + 1, 5)).toBe(3);
  });

  it('clamps zoom between two seconds and the window, and never past now', () => {
    const tiny = zoomAt({ start: now - 3_000, end: now }, 0.01, now - 1_000, now, windowMs);
    expect(tiny.end - tiny.start).toBe(minSpanMs);
    const huge = zoomAt({ start: now - 300_000, end: now }, 100, now, now, windowMs);
    expect(huge).toEqual({ start: now - windowMs, end: now });
    // Zooming keeps the anchor's time under the pointer.
    const z = zoomAt({ start: now - 10_000, end: now }, 0.5, now - 5_000, now, windowMs);
    expect(z).toEqual({ start: now - 7_500, end: now - 2_500 });
    expect(panBy({ start: now - 10_000, end: now }, 5_000, now, windowMs)).toEqual({
      start: now - 10_000,
      end: now,
    });
    expect(clampView(now - 900_000, now - 890_000, now, windowMs)).toEqual({
      start: now - windowMs,
      end: now - windowMs + 10_000,
    });
  });

  it('finds the event under the pointer: markers over runs over bands', () => {
    const l = lane(1, [
      [TimelineKind.peerUnchoke, now - 9_000, timelineOpen, 0, 0, 0],
      [TimelineKind.run, now - 6_000, now - 4_000, 42, 1 << 20, 1],
      [TimelineKind.have, now - 5_000, now - 5_000, 7, 1, 0],
    ]);
    const top = axisHeightCss;
    const barY = top + band.bar.y + 2;
    // On the run, away from the have marker.
    expect(hitTest(vp, [l], xOf(vp, now - 5_800), barY, now)).toMatchObject({
      kind: TimelineKind.run,
      row: 1,
      id: 2,
    });
    // The have marker wins within a few pixels of it.
    expect(hitTest(vp, [l], xOf(vp, now - 5_000) + 2, barY, now)?.kind).toBe(TimelineKind.have);
    // The open unchoke band counts only on its strip, and runs to now.
    const bandY = top + band.peerUnchoke.y + 1;
    expect(hitTest(vp, [l], xOf(vp, now - 1_000), bandY, now)?.kind).toBe(TimelineKind.peerUnchoke);
    expect(hitTest(vp, [l], xOf(vp, now - 1_000), barY, now)).toBeNull();
    // The label column and the axis hit nothing.
    expect(hitTest(vp, [l], 10, barY, now)).toBeNull();
    expect(hitTest(vp, [l], xOf(vp, now - 5_800), 5, now)).toBeNull();
  });

  it('describes a run with the piece a click selects, and a close with its reason', () => {
    const l = lane(1, [
      [TimelineKind.run, now - 2_000, now - 1_000, 42, 1 << 20, 3],
      [TimelineKind.close, now, now, 0, 0, 0],
    ]);
    l.meta.closeReason = 'keepalive-timeout';
    const run = describeEvent(l, 0, now);
    expect(run.piece).toBe(42);
    expect(run.title).toBe('Piece 42 (+2 more)');
    expect(run.detail).toContain('1.00 MiB received');
    expect(describeEvent(l, 1, now)).toMatchObject({
      title: 'Closed',
      detail: 'keepalive-timeout',
      piece: null,
    });
  });
});
