/**
 * The Timeline tab (issue 19): one lane per peer along a time axis, drawn on a canvas outside
 * React's render loop (TimelinePainter, one redraw per animation frame). React renders the
 * toolbar, the scroll box (its height virtualises the lanes: only those on screen are painted)
 * and the tooltip; the lanes live in `timelineBuffer`, outside the store.
 *
 * Controls: the wheel, the +/− keys and buttons zoom; dragging and the arrow keys pan; "Follow
 * now" keeps the right edge at the present. Up/Down move the keyboard focus between lanes, [ and
 * ] (or Shift+Left/Right) between a lane's events, showing each in the tooltip; a click or Enter
 * on a piece run selects that piece on the Pieces tab's map.
 */
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { KeyboardEvent, PointerEvent } from 'react';
import { TimelineKind, timelineRowStride } from '../../../../src-shared/model';
import type { TimelineLaneData } from '../../../../src-shared/timeline-delta';
import { useColorScheme } from '../../../components/piece-map/use-color-scheme';
import { timelineBuffer } from '../../../store/detail-slice';
import { useStore } from '../../../store/store';
import { describeEvent, describeLane } from './describe-event';
import {
  clampView,
  contentHeight,
  eventSpan,
  hitTest,
  laneHeightCss,
  laneOrder,
  laneTop,
  panBy,
  stepEvent,
  timeAt,
  zoomAt,
  band,
  labelWidthCss,
  type TimelineViewport,
} from './timeline-layout';
import { timelinePalette, type TimelineScene } from './timeline-paint';
import { TimelinePainter } from './timeline-painter';
import { firstOpenedAt, followSpan } from './follow-span';
import './timeline.css';

/** The view when the tab opens: the last two minutes. */
const initialSpanMs = 120_000;
const zoomStep = 1.5;
/** While following, the clock moves the view this often. */
const followRedrawMs = 500;

interface Focus {
  lane: number;
  /** A row of that lane, or -1 for the lane itself. */
  row: number;
  x: number;
  y: number;
  byKeyboard: boolean;
  /** The middle of the event's bar on the canvas (the tests point there). */
  cx?: number;
  cy?: number;
}

export function TimelineTab() {
  const version = useStore((s) => s.timelineVersion);
  const selectedPiece = useStore((s) => s.selectedPiece);
  const scheme = useColorScheme();
  const palette = useMemo(() => timelinePalette(scheme), [scheme]);
  const boxRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const painterRef = useRef<TimelinePainter | null>(null);
  // `fit`: the opening zoom, which fits a young history (follow-span.ts) until the user zooms.
  const view = useRef({ start: 0, end: 0, span: initialSpanMs, follow: true, fit: true });
  const [follow, setFollow] = useState(true);
  const [spanMs, setSpanMs] = useState(initialSpanMs);
  const [fit, setFit] = useState(true);
  const [focus, setFocus] = useState<Focus | null>(null);
  const focusRef = useRef<Focus | null>(null);
  focusRef.current = focus;
  // The engine's clock, estimated between updates from when the last one arrived.
  const clock = useRef({ now: 0, at: 0 });

  const lanes = useMemo(() => {
    void version;
    return laneOrder(timelineBuffer);
  }, [version]);
  const lanesRef = useRef<TimelineLaneData[]>(lanes);
  lanesRef.current = lanes;
  const sceneExtras = useRef({ palette, selectedPiece });
  sceneExtras.current = { palette, selectedPiece };

  const now = useCallback(() => clock.current.now + (performance.now() - clock.current.at), []);

  /** The viewport now: follows the clock, clamped to the kept window. */
  const viewport = useCallback((): TimelineViewport | null => {
    const painter = painterRef.current;
    const box = boxRef.current;
    if (!painter || !box || clock.current.now === 0) return null;
    const t = now();
    const windowMs = timelineBuffer.windowMs || 600_000;
    const v = view.current;
    const span = v.fit ? followSpan(v.span, firstOpenedAt(lanesRef.current), t) : v.span;
    const next = v.follow
      ? clampView(t - span, t, t, windowMs)
      : clampView(v.start, v.end, t, windowMs);
    v.start = next.start;
    v.end = next.end;
    return { ...painter.size, scrollTop: box.scrollTop, start: next.start, end: next.end };
  }, [now]);

  const scene = useCallback((): TimelineScene | null => {
    const v = viewport();
    if (!v) return null;
    const f = focusRef.current;
    return {
      viewport: v,
      lanes: lanesRef.current,
      now: now(),
      palette: sceneExtras.current.palette,
      focusLane: f?.byKeyboard ? f.lane : null,
      highlight: f && f.row >= 0 ? { lane: f.lane, row: f.row } : null,
      selectedPiece: sceneExtras.current.selectedPiece,
      version: timelineBuffer.version,
    };
  }, [viewport, now]);

  // The painter lives as long as the canvas; the canvas follows the box and the pixel ratio.
  useLayoutEffect(() => {
    const box = boxRef.current;
    const canvas = canvasRef.current;
    if (!box || !canvas) return;
    const painter = new TimelinePainter(canvas, scene);
    painterRef.current = painter;
    let dprQuery: MediaQueryList | null = null;
    const measure = () =>
      painter.setSize(box.clientWidth, box.clientHeight, window.devicePixelRatio || 1);
    const onDprChange = () => {
      watchDpr();
      measure();
    };
    const watchDpr = () => {
      dprQuery?.removeEventListener('change', onDprChange);
      dprQuery = window.matchMedia(`(resolution: ${window.devicePixelRatio || 1}dppx)`);
      dprQuery.addEventListener('change', onDprChange);
    };
    const resize = new ResizeObserver(measure);
    resize.observe(box);
    watchDpr();
    measure();
    const onScroll = () => painter.request();
    box.addEventListener('scroll', onScroll, { passive: true });
    return () => {
      resize.disconnect();
      dprQuery?.removeEventListener('change', onDprChange);
      box.removeEventListener('scroll', onScroll);
      painter.dispose();
      painterRef.current = null;
    };
  }, [scene]);

  // New data: note the engine's clock (only then: the estimate runs on from it), then redraw.
  useLayoutEffect(() => {
    if (timelineBuffer.now !== 0)
      clock.current = { now: timelineBuffer.now, at: performance.now() };
    painterRef.current?.request();
  }, [version]);
  useLayoutEffect(() => painterRef.current?.request(), [palette, selectedPiece, focus]);

  // While following, time moves even when no peer does anything.
  useEffect(() => {
    if (!follow) return;
    const timer = setInterval(() => painterRef.current?.request(), followRedrawMs);
    return () => clearInterval(timer);
  }, [follow]);

  const setView = useCallback((next: { start: number; end: number }, keepFollow = false) => {
    const v = view.current;
    v.start = next.start;
    v.end = next.end;
    v.span = next.end - next.start;
    v.fit = false;
    if (!keepFollow) v.follow = false;
    setFit(false);
    setFollow(v.follow);
    setSpanMs(v.span);
    painterRef.current?.request();
  }, []);

  const zoom = useCallback(
    (factor: number, anchor?: number) => {
      const v = viewport();
      if (!v) return;
      const t = now();
      const windowMs = timelineBuffer.windowMs || 600_000;
      const following = view.current.follow;
      // Following, the zoom keeps the right edge at now.
      const at = following ? v.end : (anchor ?? (v.start + v.end) / 2);
      setView(zoomAt(v, factor, at, t, windowMs), following);
    },
    [viewport, now, setView],
  );

  const pan = useCallback(
    (deltaMs: number) => {
      const v = viewport();
      if (!v) return;
      setView(panBy(v, deltaMs, now(), timelineBuffer.windowMs || 600_000));
    },
    [viewport, now, setView],
  );

  const followNow = useCallback(() => {
    view.current.follow = true;
    setFollow(true);
    painterRef.current?.request();
  }, []);

  // The wheel zooms around the pointer; Shift+wheel scrolls the lanes. React's wheel listener
  // is passive, so it is added by hand to be able to keep the page from scrolling.
  useEffect(() => {
    const box = boxRef.current;
    if (!box) return;
    const onWheel = (e: WheelEvent) => {
      if (e.shiftKey) {
        box.scrollTop += e.deltaY || e.deltaX;
        e.preventDefault();
        return;
      }
      const v = viewport();
      if (!v || e.deltaY === 0) return;
      e.preventDefault();
      const rect = box.getBoundingClientRect();
      const x = e.clientX - rect.left;
      zoom(e.deltaY > 0 ? zoomStep : 1 / zoomStep, x > labelWidthCss ? timeAt(v, x) : undefined);
    };
    box.addEventListener('wheel', onWheel, { passive: false });
    return () => box.removeEventListener('wheel', onWheel);
  }, [viewport, zoom]);

  const drag = useRef<{ x: number; y: number; moved: boolean; id: number } | null>(null);

  const pointAt = (e: PointerEvent<HTMLElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    return { x: e.clientX - rect.left, y: e.clientY - rect.top };
  };

  const onPointerDown = (e: PointerEvent<HTMLCanvasElement>) => {
    if (e.button !== 0) return;
    drag.current = { x: e.clientX, y: e.clientY, moved: false, id: e.pointerId };
  };

  const onPointerMove = (e: PointerEvent<HTMLCanvasElement>) => {
    const d = drag.current;
    const v = viewport();
    if (!v) return;
    if (d && (d.moved || Math.abs(e.clientX - d.x) + Math.abs(e.clientY - d.y) > 3)) {
      if (!d.moved) e.currentTarget.setPointerCapture(d.id);
      d.moved = true;
      const msPerCss = (v.end - v.start) / Math.max(1, v.widthCss - labelWidthCss);
      if (e.clientX !== d.x) pan(-(e.clientX - d.x) * msPerCss);
      if (boxRef.current) boxRef.current.scrollTop -= e.clientY - d.y;
      d.x = e.clientX;
      d.y = e.clientY;
      setFocus(null);
      return;
    }
    const { x, y } = pointAt(e);
    const hit = hitTest(v, lanesRef.current, x, y, now());
    setFocus((prev) => {
      if (!hit) return prev?.byKeyboard ? prev : null;
      if (prev && !prev.byKeyboard && prev.lane === hit.laneIndex && prev.row === hit.row)
        return { ...prev, x, y };
      return { lane: hit.laneIndex, row: hit.row, x, y, byKeyboard: false };
    });
  };

  const selectRun = (lane: number, row: number): boolean => {
    const l = lanesRef.current[lane];
    if (!l || row < 0 || row >= l.count) return false;
    const o = row * timelineRowStride;
    if (l.rows[o + 2] !== TimelineKind.run) return false;
    const state = useStore.getState();
    state.selectPiece(l.rows[o + 5]!);
    state.setDetailTab('pieces');
    return true;
  };

  const onPointerUp = (e: PointerEvent<HTMLCanvasElement>) => {
    const d = drag.current;
    drag.current = null;
    if (!d || d.moved) return;
    const v = viewport();
    if (!v) return;
    const { x, y } = pointAt(e);
    const hit = hitTest(v, lanesRef.current, x, y, now());
    if (hit) selectRun(hit.laneIndex, hit.row);
  };

  /** Moves the keyboard focus, scrolling its lane into view and panning to its event. */
  const focusAt = (lane: number, row: number) => {
    const box = boxRef.current;
    const v = viewport();
    if (!box || !v) return;
    const top = laneTop(v, lane);
    if (top < laneHeightCss) box.scrollTop = Math.max(0, box.scrollTop + top - laneHeightCss);
    else if (top + laneHeightCss > v.heightCss) box.scrollTop += top + laneHeightCss - v.heightCss;
    let x = labelWidthCss - 8;
    let cx: number | undefined;
    const l = lanesRef.current[lane];
    if (l && row >= 0) {
      const t0 = l.rows[row * timelineRowStride + 3]!;
      if (t0 < v.start || t0 > v.end) {
        const span = v.end - v.start;
        setView(clampView(t0 - span / 2, t0 + span / 2, now(), timelineBuffer.windowMs));
      }
      const after = viewport() ?? v;
      const s = eventSpan(after, l.rows, row * timelineRowStride, now());
      x = s.x0;
      cx = (s.x0 + s.x1) / 2;
    }
    const after = viewport() ?? v;
    const laneY = laneTop(after, lane);
    setFocus({
      lane,
      row,
      x,
      y: laneY + laneHeightCss,
      byKeyboard: true,
      ...(cx === undefined ? {} : { cx, cy: laneY + band.bar.y + band.bar.h / 2 }),
    });
  };

  const onKeyDown = (e: KeyboardEvent<HTMLCanvasElement>) => {
    const v = viewport();
    if (!v) return;
    const count = lanesRef.current.length;
    const f = focusRef.current?.byKeyboard ? focusRef.current : null;
    const span = v.end - v.start;
    const key = e.key;
    let handled = true;
    if (key === '+' || key === '=') zoom(1 / zoomStep);
    else if (key === '-' || key === '_') zoom(zoomStep);
    else if ((key === 'ArrowLeft' || key === 'ArrowRight') && e.shiftKey && f) {
      const lane = lanesRef.current[f.lane];
      const next = lane ? stepEvent(lane, f.row, key === 'ArrowRight' ? 1 : -1) : null;
      if (next !== null) focusAt(f.lane, next);
    } else if ((key === '[' || key === ']') && f) {
      const lane = lanesRef.current[f.lane];
      const next = lane ? stepEvent(lane, f.row, key === ']' ? 1 : -1) : null;
      if (next !== null) focusAt(f.lane, next);
    } else if (key === 'ArrowLeft') pan(-span / 10);
    else if (key === 'ArrowRight') pan(span / 10);
    else if (key === 'ArrowDown' && count > 0) focusAt(f ? Math.min(count - 1, f.lane + 1) : 0, -1);
    else if (key === 'ArrowUp' && count > 0) focusAt(f ? Math.max(0, f.lane - 1) : 0, -1);
    else if (key === 'PageDown' && count > 0) {
      const page = Math.max(1, Math.floor(v.heightCss / laneHeightCss) - 1);
      focusAt(Math.min(count - 1, (f?.lane ?? 0) + page), -1);
    } else if (key === 'PageUp' && count > 0) {
      const page = Math.max(1, Math.floor(v.heightCss / laneHeightCss) - 1);
      focusAt(Math.max(0, (f?.lane ?? 0) - page), -1);
    } else if (key === 'Home') setView(clampView(0, span, now(), timelineBuffer.windowMs));
    else if (key === 'End' || key === 'f') followNow();
    else if (key === 'Enter' && f) handled = selectRun(f.lane, f.row);
    else if (key === 'Escape') setFocus(null);
    else handled = false;
    if (handled) e.preventDefault();
  };

  // The tooltip's words, read at each render (each update renders), so it stays live.
  const tip = (() => {
    if (!focus) return null;
    const lane = lanes[focus.lane];
    if (!lane) return null;
    if (focus.row < 0) return { title: describeLane(lane.meta), detail: '', when: '', piece: null };
    if (focus.row >= lane.count) return null;
    return describeEvent(lane, focus.row, now());
  })();
  const boxWidth = boxRef.current?.clientWidth ?? 0;
  const flip = focus !== null && focus.x + 240 > boxWidth;
  const laneCount = lanes.length;
  const shownMs =
    fit && follow ? followSpan(spanMs, firstOpenedAt(lanes), timelineBuffer.now) : spanMs;
  const spanLabel =
    shownMs >= 60_000
      ? `${Math.round(shownMs / 6_000) / 10} min`
      : `${Math.round(shownMs / 1000)} s`;

  return (
    <div className="tab-body timeline-tab">
      <div className="tab-toolbar timeline-toolbar">
        <span className="tab-summary" data-testid="timeline-summary">
          <strong>{laneCount.toLocaleString('en-US')}</strong> {laneCount === 1 ? 'peer' : 'peers'}{' '}
          · {spanLabel} shown of the last 10 min
        </span>
        <span className="tab-spacer" />
        <span className="timeline-legend" aria-hidden="true">
          <span className="tl-key tl-key-peer">unchokes us</span>
          <span className="tl-key tl-key-ours">we unchoke</span>
          <span className="tl-key tl-key-run">piece run</span>
          <span className="tl-key tl-key-close">close</span>
        </span>
        <button
          type="button"
          className="button button-small"
          aria-label="Zoom out"
          title="Zoom out (−)"
          onClick={() => zoom(zoomStep)}
        >
          −
        </button>
        <button
          type="button"
          className="button button-small"
          aria-label="Zoom in"
          title="Zoom in (+)"
          onClick={() => zoom(1 / zoomStep)}
        >
          +
        </button>
        <button
          type="button"
          className="button button-small"
          aria-pressed={follow}
          title="Keep the present at the right edge (End)"
          onClick={() => (follow ? setView(view.current) : followNow())}
        >
          Follow now
        </button>
      </div>
      <div className="timeline-box" ref={boxRef} data-testid="timeline-box">
        <div className="timeline-spacer" style={{ height: contentHeight(laneCount) }}>
          <canvas
            ref={canvasRef}
            className="timeline-canvas"
            data-testid="timeline-canvas"
            role="application"
            aria-roledescription="timeline"
            aria-label={`Timeline of ${laneCount} peers`}
            aria-describedby="timeline-help"
            data-focus-x={focus?.cx}
            data-focus-y={focus?.cy}
            tabIndex={0}
            onPointerDown={onPointerDown}
            onPointerMove={onPointerMove}
            onPointerUp={onPointerUp}
            onPointerCancel={() => (drag.current = null)}
            onPointerLeave={() => setFocus((prev) => (prev?.byKeyboard ? prev : null))}
            onKeyDown={onKeyDown}
            onBlur={() => setFocus((prev) => (prev?.byKeyboard ? null : prev))}
          />
        </div>
        {laneCount === 0 && (
          <div className="timeline-empty">No peers yet: lanes appear as peers connect.</div>
        )}
      </div>
      {focus && tip && (
        <div
          className="timeline-tooltip"
          role="tooltip"
          data-testid="timeline-tooltip"
          style={{
            top: (boxRef.current?.offsetTop ?? 0) + focus.y + 12,
            ...(flip ? { right: boxWidth - focus.x + 12 } : { left: focus.x + 12 }),
          }}
        >
          <div className="timeline-tooltip-title">{tip.title}</div>
          {tip.detail && <div>{tip.detail}</div>}
          {tip.when && <div className="timeline-tooltip-when">{tip.when}</div>}
        </div>
      )}
      <p id="timeline-help" className="timeline-sr-only">
        Wheel or plus and minus zoom; drag or Left and Right arrows pan; End follows now. Up and
        Down move between peers, brackets between a peer&apos;s events; Enter on a piece run shows
        the piece on the Pieces tab.
      </p>
      <div className="timeline-sr-only" aria-live="polite" data-testid="timeline-live">
        {focus?.byKeyboard && tip ? `${tip.title}. ${tip.detail} ${tip.when}` : ''}
      </div>
    </div>
  );
}
