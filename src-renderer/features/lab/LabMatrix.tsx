/**
 * The peers × pieces matrix on a canvas (issue 19): drawn outside React's render loop (the
 * pure layout and raster, redraws coalesced to one animation frame), sized to its box, with the
 * peer and pieces under the pointer shown beside it. The canvas is an image with a text summary
 * for screen readers; the rows' names, progress and actions are the list beside it.
 */
import { useEffect, useRef, useState } from 'react';
import { hasPiece, labRow, type LabView } from '../../../src-shared/model';
import { useColorScheme } from '../../components/piece-map/use-color-scheme';
import { hitTest, matrixLayout, tooltipPlacement, type MatrixLayout } from './matrix-layout';
import { darkMatrixPalette, lightMatrixPalette, rasterizeMatrix } from './matrix-raster';

interface Hover {
  x: number;
  y: number;
  /** The box's width when hovered: the label goes left of the pointer in its right half. */
  boxWidth: number;
  text: string;
}

export function LabMatrix({ lab }: { lab: LabView }) {
  const box = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const layoutRef = useRef<MatrixLayout | null>(null);
  const [width, setWidth] = useState(600);
  const [hover, setHover] = useState<Hover | null>(null);
  const scheme = useColorScheme();

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(Math.max(50, el.clientWidth)));
    ro.observe(el);
    setWidth(Math.max(50, el.clientWidth));
    return () => ro.disconnect();
  }, []);

  useEffect(() => {
    const frame = requestAnimationFrame(() => {
      const c = canvas.current;
      if (!c) return;
      const layout = matrixLayout(lab.peers.length, lab.pieceCount, width);
      layoutRef.current = layout;
      const rows = lab.peers.map((p, r) => ({
        role: p.role,
        faded: p.status !== 'running' && p.status !== 'starting',
        have: labRow(lab, r),
      }));
      const pixels = rasterizeMatrix(
        layout,
        rows,
        scheme === 'dark' ? darkMatrixPalette : lightMatrixPalette,
      );
      c.width = layout.width;
      c.height = layout.height;
      // Stretched to the box: columns grow to fill it (pixelated), rows keep their height.
      c.style.width = `${Math.max(layout.width, width)}px`;
      c.style.height = `${layout.height}px`;
      c.getContext('2d')?.putImageData(new ImageData(pixels, layout.width, layout.height), 0, 0);
    });
    return () => cancelAnimationFrame(frame);
  }, [lab, width, scheme]);

  const onMove = (e: React.PointerEvent<HTMLCanvasElement>) => {
    const layout = layoutRef.current;
    if (!layout) return;
    const rect = e.currentTarget.getBoundingClientRect();
    const x = e.clientX - rect.left;
    const y = e.clientY - rect.top;
    // The canvas is stretched to its box: back to canvas pixels for the hit test.
    const hit = hitTest(layout, (x * layout.width) / Math.max(1, rect.width), y);
    const peer = hit ? lab.peers[hit.row] : undefined;
    if (!hit || !peer) {
      setHover(null);
      return;
    }
    const bits = labRow(lab, hit.row);
    let had = 0;
    for (let i = hit.firstPiece; i <= hit.lastPiece; i++) if (hasPiece(bits, i)) had++;
    const span = hit.lastPiece - hit.firstPiece + 1;
    const text =
      span === 1
        ? `${peer.name} · piece ${hit.firstPiece}: ${had ? 'has it' : 'missing'}`
        : `${peer.name} · pieces ${hit.firstPiece}–${hit.lastPiece}: has ${had} of ${span}`;
    setHover({ x, y, boxWidth: rect.width, text });
  };

  const done = lab.peers.filter((p) => p.haveCount === lab.pieceCount).length;
  return (
    <div className="lab-matrix" ref={box}>
      <canvas
        ref={canvas}
        role="img"
        aria-label={`Peers by pieces: ${lab.peers.length} peers, ${lab.pieceCount} pieces; ${done} peers have every piece, ${lab.piecesOut} pieces are out in the swarm`}
        data-testid="lab-matrix"
        onPointerMove={onMove}
        onPointerLeave={() => setHover(null)}
      />
      {hover && (
        <div
          className="lab-tooltip"
          role="status"
          style={tooltipPlacement(hover.x, hover.y, hover.boxWidth)}
          data-testid="lab-tooltip"
        >
          {hover.text}
        </div>
      )}
    </div>
  );
}
