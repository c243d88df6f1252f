/**
 * The swarm graph's canvas (issue 19). React renders the canvas, the node list and the legend;
 * the simulation is ticked and the canvas drawn in a requestAnimationFrame loop outside React.
 *
 * The loop runs while the layout moves or bytes flow (the dashes move), and stops otherwise; it
 * is paused while the page is hidden (the tab itself unmounts when another tab is chosen), and
 * restarted by a new model, a resize, a hover or a focus.
 */
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { PointerEvent } from 'react';
import type { ColorScheme } from '../../../components/piece-map/palette';
import { describeNode } from './graph-model';
import type { GraphModel } from './graph-model';
import { SwarmLayout } from './graph-layout';
import { drawGraph, graphColors, hitNode } from './graph-painter';
import type { GraphView } from './graph-painter';

export interface SwarmGraphProps {
  model: GraphModel;
  scheme: ColorScheme;
}

export function SwarmGraph({ model, scheme }: SwarmGraphProps) {
  const boxRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const layoutRef = useRef<SwarmLayout | null>(null);
  layoutRef.current ??= new SwarmLayout();
  const [hoverId, setHoverId] = useState<string | null>(null);
  const [focusId, setFocusId] = useState<string | null>(null);
  const viewRef = useRef<GraphView>({ widthCss: 0, heightCss: 0, dpr: 1 });
  const frameRef = useRef<number | null>(null);
  const drawRef = useRef<() => void>(() => undefined);
  const groupIndex = useMemo(
    () => new Map(model.groups.map((g, i) => [g.name, i] as const)),
    [model.groups],
  );
  const colors = graphColors[scheme];
  const highlightId = focusId ?? hoverId;
  const flowing = model.edges.some((e) => e.direction !== 'announce');

  // The frame function reads the latest props through this ref; the loop itself never restarts
  // React work.
  drawRef.current = () => {
    frameRef.current = null;
    const canvas = canvasRef.current;
    const layout = layoutRef.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !layout || !ctx || document.hidden) return;
    const moving = layout.tick();
    drawGraph(ctx, layout, model, viewRef.current, {
      timeMs: performance.now(),
      colors,
      groupIndex,
      highlightId,
    });
    if (moving || flowing) frameRef.current = requestAnimationFrame(() => drawRef.current());
  };
  const schedule = (): void => {
    frameRef.current ??= requestAnimationFrame(() => drawRef.current());
  };

  useLayoutEffect(() => {
    layoutRef.current?.update(model);
    schedule();
  }, [model]);
  useEffect(() => schedule(), [highlightId, scheme]);

  useLayoutEffect(() => {
    const box = boxRef.current;
    const canvas = canvasRef.current;
    if (!box || !canvas) return;
    const measure = () => {
      const dpr = window.devicePixelRatio || 1;
      const widthCss = box.clientWidth;
      const heightCss = box.clientHeight;
      viewRef.current = { widthCss, heightCss, dpr };
      canvas.width = Math.max(1, Math.round(widthCss * dpr));
      canvas.height = Math.max(1, Math.round(heightCss * dpr));
      canvas.style.width = `${widthCss}px`;
      canvas.style.height = `${heightCss}px`;
      schedule();
    };
    const observer = new ResizeObserver(measure);
    observer.observe(box);
    measure();
    // Hidden page: the frame function returns without drawing; visible again: draw again.
    const onVisibility = () => {
      if (!document.hidden) schedule();
    };
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      observer.disconnect();
      document.removeEventListener('visibilitychange', onVisibility);
      if (frameRef.current !== null) cancelAnimationFrame(frameRef.current);
      frameRef.current = null;
    };
  }, []);

  const onPointerMove = (e: PointerEvent<HTMLCanvasElement>) => {
    const layout = layoutRef.current;
    if (!layout) return;
    const rect = e.currentTarget.getBoundingClientRect();
    const id = hitNode(layout, viewRef.current, e.clientX - rect.left, e.clientY - rect.top);
    setHoverId((prev) => (prev === id ? prev : id));
  };

  const hovered = highlightId ? model.nodes.find((n) => n.id === highlightId) : undefined;

  return (
    <div className="swarm-graph">
      <div className="swarm-graph-canvas-box" ref={boxRef}>
        <canvas
          ref={canvasRef}
          className="swarm-graph-canvas"
          role="img"
          aria-label={`Swarm graph: ${model.summary}`}
          data-testid="swarm-graph-canvas"
          onPointerMove={onPointerMove}
          onPointerLeave={() => setHoverId(null)}
        />
        {hovered && (
          <div className="swarm-graph-detail" data-testid="swarm-graph-detail" aria-hidden="true">
            {describeNode(hovered)}
          </div>
        )}
      </div>
      <ul className="swarm-graph-nodes" aria-label="Nodes of the swarm graph">
        {model.nodes.map((n) => (
          <li key={n.id}>
            <button
              type="button"
              className="swarm-graph-node"
              data-node-kind={n.kind}
              onFocus={() => setFocusId(n.id)}
              onBlur={() => setFocusId((prev) => (prev === n.id ? null : prev))}
              onMouseEnter={() => setHoverId(n.id)}
              onMouseLeave={() => setHoverId(null)}
            >
              {describeNode(n)}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
