/**
 * The canvas piece map. React renders only the canvas, its box and the tooltip; the pixels are
 * drawn by a PieceMapPainter on requestAnimationFrame, so 100k pieces never become React state
 * or DOM nodes, and several updates between two frames cost one redraw.
 *
 * The arrays may be mutated in place between renders: `version` says they changed, `changed`
 * (when it covers exactly one version step) says where.
 */
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { KeyboardEvent, PointerEvent } from 'react';
import { cellAtPoint, cellRectCss, moveCell, piecesOfCell } from './layout';
import { cellsOfPiece } from './layout'; // --- timeline (issue 19)
import type { PieceRange } from './layout';
import { createPalette } from './palette';
import type { ColorScheme, PiecePalette } from './palette';
import { PieceMapPainter } from './piece-map-painter';
import type { PieceMapOverlay } from './rasterize';
import { describeRange, summarizeRange } from './range-summary';
import { useColorScheme } from './use-color-scheme';
import './piece-map.css';

export interface PieceMapProps {
  states: Uint8Array;
  availability: Uint16Array;
  /** Bumps whenever the arrays' contents change. */
  version: number;
  /** Pieces changed by the last version step (state or availability). */
  changed?: Uint32Array | undefined;
  overlay: PieceMapOverlay;
  /** Follows the OS theme when absent. */
  scheme?: ColorScheme;
  /** Height budget in CSS pixels; the map shrinks to its rows below it. */
  maxHeightCss?: number;
  // --- piece origins (issue 19) ---
  /**
   * Colour keys to paint instead of the states (one byte per piece, mutated in place like the
   * states), through `palette`; the tooltip still reads the states. The origin mode uses it.
   */
  paint?: Uint8Array | undefined;
  palette?: PiecePalette | undefined;
  /** One more tooltip line for the pieces under the pointer (the origin mode's "from"). */
  describeExtra?: ((range: PieceRange) => string | null) | undefined;
  // --- timeline (issue 19) ---
  /** A piece picked elsewhere (a run on the Timeline tab): ringed and scrolled into view. */
  selectedPiece?: number | null;
}

interface Hover {
  cell: number;
  range: PieceRange;
  /** Where the tooltip points, in CSS pixels relative to the map box (the canvas's corner). */
  x: number;
  y: number;
  /** A keyboard focus also draws a ring around the cell. */
  byKeyboard: boolean;
}

/** Tooltip offset from the pointer, and the width past which it flips to the pointer's left. */
const tooltipOffsetCss = 12;
const tooltipFlipWidthCss = 220;

export function PieceMap({
  states,
  availability,
  version,
  changed,
  overlay,
  scheme,
  maxHeightCss = 320,
  paint,
  palette: paletteOverride,
  describeExtra,
  selectedPiece = null,
}: PieceMapProps) {
  const boxRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const painterRef = useRef<PieceMapPainter | null>(null);
  const osScheme = useColorScheme();
  const palette = useMemo(
    () => paletteOverride ?? createPalette(scheme ?? osScheme),
    [scheme, osScheme, paletteOverride],
  );
  const [hover, setHover] = useState<Hover | null>(null);

  // The painter lives as long as the canvas; it follows the box's width and the display's DPR.
  useLayoutEffect(() => {
    const box = boxRef.current;
    const canvas = canvasRef.current;
    if (!box || !canvas) return;
    const painter = new PieceMapPainter(canvas, palette, maxHeightCss);
    painterRef.current = painter;
    let dprQuery: MediaQueryList | null = null;
    const measure = () => painter.setSize(box.clientWidth, window.devicePixelRatio || 1);
    // A window moved to a display with another pixel ratio fires no resize: watch the ratio.
    const watchDpr = () => {
      dprQuery?.removeEventListener('change', onDprChange);
      dprQuery = window.matchMedia(`(resolution: ${window.devicePixelRatio || 1}dppx)`);
      dprQuery.addEventListener('change', onDprChange);
    };
    const onDprChange = () => {
      watchDpr();
      measure();
    };
    const resizeObserver = new ResizeObserver(measure);
    resizeObserver.observe(box);
    watchDpr();
    measure();
    return () => {
      resizeObserver.disconnect();
      dprQuery?.removeEventListener('change', onDprChange);
      painter.dispose();
      painterRef.current = null;
    };
    // Only a new height budget recreates the painter; the palette and data follow in the
    // effects below, which run after this one in the same commit.
  }, [maxHeightCss]);

  useLayoutEffect(() => {
    painterRef.current?.setPalette(palette);
  }, [palette]);

  useLayoutEffect(() => {
    painterRef.current?.setData({
      states: paint ?? states,
      availability,
      version,
      changed,
      overlay,
    });
  }, [states, paint, availability, version, changed, overlay, maxHeightCss]);

  // Forget the hover when the map is replaced by another torrent's.
  useEffect(() => setHover(null), [states.length]);

  const onPointerMove = (e: PointerEvent<HTMLCanvasElement>) => {
    const painter = painterRef.current;
    if (!painter) return;
    const rect = e.currentTarget.getBoundingClientRect();
    const x = e.clientX - rect.left;
    const y = e.clientY - rect.top;
    const cell = cellAtPoint(painter.geometry, x, y);
    if (cell === null) {
      setHover(null);
      return;
    }
    setHover((prev) =>
      prev && prev.cell === cell && prev.x === x && prev.y === y && !prev.byKeyboard
        ? prev
        : { cell, range: piecesOfCell(painter.geometry, cell), x, y, byKeyboard: false },
    );
  };

  // Arrow keys walk the cells (the tooltip follows), so the map is readable without a mouse.
  const focusCell = (cell: number) => {
    const painter = painterRef.current;
    if (!painter) return;
    const g = painter.geometry;
    const r = cellRectCss(g, cell);
    setHover({
      cell,
      range: piecesOfCell(g, cell),
      x: r.x + r.size,
      y: r.y + r.size,
      byKeyboard: true,
    });
  };
  const onKeyDown = (e: KeyboardEvent<HTMLCanvasElement>) => {
    const painter = painterRef.current;
    if (!painter) return;
    const next = moveCell(painter.geometry, hover?.byKeyboard ? hover.cell : 0, e.key);
    if (next === null) {
      if (e.key === 'Escape') setHover(null);
      return;
    }
    e.preventDefault();
    focusCell(next);
  };

  // Re-read on every render (each version bump renders), so an open tooltip stays live.
  const text = hover ? describeRange(summarizeRange(states, availability, hover.range)) : null;
  const extra = hover && describeExtra ? describeExtra(hover.range) : null;
  const boxWidth = boxRef.current?.clientWidth ?? 0;
  const flip = hover !== null && hover.x + tooltipOffsetCss + tooltipFlipWidthCss > boxWidth;
  const count = states.length;
  const painter = painterRef.current;
  const ring =
    hover?.byKeyboard && painter && hover.cell < painter.geometry.cellCount
      ? cellRectCss(painter.geometry, hover.cell)
      : null;

  // --- timeline (issue 19): the selected piece's cell, ringed like the keyboard's.
  const selectedRef = useRef<HTMLDivElement>(null);
  const selected =
    selectedPiece !== null && painter && selectedPiece < painter.geometry.pieceCount
      ? cellRectCss(painter.geometry, cellsOfPiece(painter.geometry, selectedPiece).first)
      : null;
  useEffect(() => {
    selectedRef.current?.scrollIntoView?.({ block: 'nearest', inline: 'nearest' });
  }, [selectedPiece, selected !== null]);

  return (
    <div className="piece-map" ref={boxRef}>
      {selected && (
        <div
          ref={selectedRef}
          className="piece-map-focus piece-map-selected"
          data-testid="piece-map-selected"
          data-piece={selectedPiece}
          aria-hidden="true"
          style={{
            left: selected.x,
            top: selected.y,
            width: selected.size,
            height: selected.size,
          }}
        />
      )}
      <canvas
        ref={canvasRef}
        className="piece-map-canvas"
        role="img"
        aria-label={`Piece map of ${count.toLocaleString('en-US')} pieces`}
        data-testid="piece-map-canvas"
        tabIndex={0}
        aria-keyshortcuts="ArrowLeft ArrowRight ArrowUp ArrowDown Home End"
        onPointerMove={onPointerMove}
        onPointerLeave={() => setHover((prev) => (prev?.byKeyboard ? prev : null))}
        onFocus={() => {
          if (!hover) focusCell(0);
        }}
        onBlur={() => setHover((prev) => (prev?.byKeyboard ? null : prev))}
        onKeyDown={onKeyDown}
      />
      {hover?.byKeyboard && ring && (
        <div
          className="piece-map-focus"
          aria-hidden="true"
          style={{ left: ring.x, top: ring.y, width: ring.size, height: ring.size }}
        />
      )}
      {hover && text && (
        <div
          className="piece-map-tooltip"
          role="tooltip"
          data-testid="piece-map-tooltip"
          style={{
            top: hover.y + tooltipOffsetCss,
            ...(flip
              ? { right: boxWidth - hover.x + tooltipOffsetCss }
              : { left: hover.x + tooltipOffsetCss }),
          }}
        >
          <div className="piece-map-tooltip-title">{text.title}</div>
          <div>{text.states}</div>
          <div className="piece-map-tooltip-peers">{text.peers}</div>
          {extra && <div className="piece-map-tooltip-origin">{extra}</div>}
        </div>
      )}
    </div>
  );
}
