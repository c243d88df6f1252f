/**
 * Draws the swarm graph on a 2D canvas (issue 19): edges first (animated dashes moving in the
 * direction bytes travel, one colour for download and one for upload, width by rate, with an
 * arrowhead at the receiving end), then nodes (a peer's fill is a pie of its progress in its
 * client group's colour), then client group names and the label of the hovered or focused node.
 *
 * Invariants: draws only from the layout's positions and the model; allocates nothing per node;
 * the transform maps layout units (us at 0,0) to device pixels, so hit-testing uses the same
 * `GraphView`. No DOM access but the context handed in.
 */
import type { ColorScheme } from '../../../components/piece-map/palette';
import type { GraphEdge, GraphModel, GraphNode } from './graph-model';
import { anchorRadius, selfRadius } from './graph-model';
import type { LayoutNode, SwarmLayout } from './graph-layout';

export interface GraphColors {
  background: string;
  text: string;
  textMuted: string;
  labelBackground: string;
  down: string;
  up: string;
  announce: string;
  self: string;
  track: string;
  trackerOk: string;
  trackerBad: string;
  focus: string;
  groups: readonly string[];
}

/** Download blue and upload orange stay apart for the common colour-vision deficiencies. */
export const graphColors: Record<ColorScheme, GraphColors> = {
  light: {
    background: '#ffffff',
    text: '#1d2430',
    textMuted: '#5b6472',
    labelBackground: 'rgba(255,255,255,0.92)',
    down: '#1f6fd1',
    up: '#e0690b',
    announce: '#9aa3ae',
    self: '#1d2430',
    track: '#e3e7ec',
    trackerOk: '#1f9d63',
    trackerBad: '#d1394b',
    focus: '#7c3aed',
    groups: [
      '#009e73',
      '#cc79a7',
      '#56b4e9',
      '#b39800',
      '#882255',
      '#6b7280',
      '#44aa99',
      '#aa4499',
    ],
  },
  dark: {
    background: '#1b1f25',
    text: '#e8ecf1',
    textMuted: '#a3acb9',
    labelBackground: 'rgba(27,31,37,0.92)',
    down: '#4d9bf0',
    up: '#f28c38',
    announce: '#5f6873',
    self: '#e8ecf1',
    track: '#363d47',
    trackerOk: '#3ec486',
    trackerBad: '#f06a7a',
    focus: '#b794f6',
    groups: [
      '#19b88a',
      '#d98cb8',
      '#7fcaf0',
      '#f0e442',
      '#c0507e',
      '#9ca3af',
      '#66ccbb',
      '#cc66bb',
    ],
  },
};

export interface GraphView {
  widthCss: number;
  heightCss: number;
  dpr: number;
}

/** Layout units to CSS pixels: the anchors' circle, plus room for its groups, fits the canvas. */
export function viewScale(v: GraphView): number {
  const fit = Math.min(v.widthCss, v.heightCss) / 2 / (anchorRadius + 70);
  return Math.max(0.2, fit);
}

/** The node under a point in CSS pixels (relative to the canvas), or null. */
export function hitNode(
  layout: SwarmLayout,
  v: GraphView,
  xCss: number,
  yCss: number,
): string | null {
  const s = viewScale(v);
  const x = (xCss - v.widthCss / 2) / s;
  const y = (yCss - v.heightCss / 2) / s;
  let best: string | null = null;
  let bestD = Infinity;
  for (const n of layout.nodes) {
    const d = Math.hypot(n.x - x, n.y - y);
    if (d <= n.node.radius + 4 / s && d < bestD) {
      best = n.id;
      bestD = d;
    }
  }
  return best;
}

export interface DrawOptions {
  timeMs: number;
  colors: GraphColors;
  /** Group name → index into colors.groups. */
  groupIndex: ReadonlyMap<string, number>;
  highlightId: string | null;
}

/** Pixels a dash moves per second: fast enough to read the direction, calm enough to watch. */
const dashSpeedPxPerSec = 24;
const dashPattern = [6, 5];

export function drawGraph(
  ctx: CanvasRenderingContext2D,
  layout: SwarmLayout,
  model: GraphModel,
  v: GraphView,
  o: DrawOptions,
): void {
  const s = viewScale(v);
  ctx.setTransform(v.dpr, 0, 0, v.dpr, 0, 0);
  ctx.fillStyle = o.colors.background;
  ctx.fillRect(0, 0, v.widthCss, v.heightCss);
  ctx.translate(v.widthCss / 2, v.heightCss / 2);
  const self = layout.get('self');
  const sx = (self?.x ?? 0) * s;
  const sy = (self?.y ?? 0) * s;
  const dashShift = ((o.timeMs / 1000) * dashSpeedPxPerSec) % (dashPattern[0]! + dashPattern[1]!);
  ctx.lineCap = 'butt';
  for (const e of model.edges) {
    const n = layout.get(e.nodeId);
    if (n) drawEdge(ctx, e, n, sx, sy, s, dashShift, o.colors);
  }
  ctx.setLineDash([]);
  drawGroupNames(ctx, model, s, o);
  for (const n of layout.nodes) drawNode(ctx, n, s, o);
  if (o.highlightId) {
    const n = layout.get(o.highlightId);
    if (n) drawLabel(ctx, n, s, o.colors);
  }
  ctx.setTransform(1, 0, 0, 1, 0, 0);
}

function drawEdge(
  ctx: CanvasRenderingContext2D,
  e: GraphEdge,
  n: LayoutNode,
  sx: number,
  sy: number,
  s: number,
  dashShift: number,
  c: GraphColors,
): void {
  const px = n.x * s;
  const py = n.y * s;
  const dx = px - sx;
  const dy = py - sy;
  const len = Math.hypot(dx, dy);
  if (len < 1) return;
  const ux = dx / len;
  const uy = dy / len;
  if (e.direction === 'announce') {
    ctx.strokeStyle = c.announce;
    ctx.lineWidth = 1;
    ctx.setLineDash([2, 4]);
    ctx.lineDashOffset = 0;
    ctx.beginPath();
    ctx.moveTo(sx, sy);
    ctx.lineTo(px, py);
    ctx.stroke();
    return;
  }
  // Both directions may flow at once: each keeps to its own side of the line.
  const side = e.direction === 'down' ? 1 : -1;
  const off = (e.width / 2 + 1) * side;
  const ox = -uy * off;
  const oy = ux * off;
  // From the sender to the receiver: down is peer → us, up is us → peer.
  const [x0, y0, x1, y1] =
    e.direction === 'down'
      ? [px + ox, py + oy, sx + ox, sy + oy]
      : [sx + ox, sy + oy, px + ox, py + oy];
  const color = e.direction === 'down' ? c.down : c.up;
  ctx.strokeStyle = color;
  ctx.lineWidth = e.width;
  ctx.setLineDash(dashPattern);
  // A negative offset moves the pattern forward along the path: from sender to receiver.
  ctx.lineDashOffset = -dashShift;
  ctx.beginPath();
  ctx.moveTo(x0, y0);
  ctx.lineTo(x1, y1);
  ctx.stroke();
  // An arrowhead just outside the receiving node.
  const receiverRadius = (e.direction === 'down' ? selfRadius : n.node.radius) * s + 3;
  const dirX = e.direction === 'down' ? -ux : ux;
  const dirY = e.direction === 'down' ? -uy : uy;
  const tipX = x1 - dirX * receiverRadius;
  const tipY = y1 - dirY * receiverRadius;
  const head = 4 + e.width;
  ctx.fillStyle = color;
  ctx.beginPath();
  ctx.moveTo(tipX, tipY);
  ctx.lineTo(tipX - dirX * head - dirY * head * 0.5, tipY - dirY * head + dirX * head * 0.5);
  ctx.lineTo(tipX - dirX * head + dirY * head * 0.5, tipY - dirY * head - dirX * head * 0.5);
  ctx.closePath();
  ctx.fill();
}

function groupColor(o: DrawOptions, group: string): string {
  const i = o.groupIndex.get(group) ?? 0;
  return o.colors.groups[i % o.colors.groups.length] as string;
}

function drawNode(ctx: CanvasRenderingContext2D, n: LayoutNode, s: number, o: DrawOptions): void {
  const node = n.node;
  const x = n.x * s;
  const y = n.y * s;
  const r = Math.max(3, node.radius * s);
  const c = o.colors;
  if (node.kind === 'tracker') {
    // A diamond: trackers are not peers.
    ctx.fillStyle = c.background;
    ctx.strokeStyle = node.ok ? c.trackerOk : c.trackerBad;
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.moveTo(x, y - r);
    ctx.lineTo(x + r, y);
    ctx.lineTo(x, y + r);
    ctx.lineTo(x - r, y);
    ctx.closePath();
    ctx.fill();
    ctx.stroke();
  } else {
    const color = node.kind === 'self' ? c.self : groupColor(o, node.group);
    pie(ctx, x, y, r, node.progress, color, c.track);
    ctx.strokeStyle = color;
    ctx.lineWidth = node.kind === 'self' ? 2.5 : 1.5;
    ctx.beginPath();
    ctx.arc(x, y, r, 0, Math.PI * 2);
    ctx.stroke();
  }
  if (o.highlightId === node.id) {
    ctx.strokeStyle = c.focus;
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.arc(x, y, r + 4, 0, Math.PI * 2);
    ctx.stroke();
  }
}

/** A disc whose filled wedge, clockwise from the top, is `share` of it. */
function pie(
  ctx: CanvasRenderingContext2D,
  x: number,
  y: number,
  r: number,
  share: number,
  fill: string,
  track: string,
): void {
  ctx.fillStyle = track;
  ctx.beginPath();
  ctx.arc(x, y, r, 0, Math.PI * 2);
  ctx.fill();
  if (share <= 0) return;
  ctx.fillStyle = fill;
  ctx.beginPath();
  if (share >= 1) {
    ctx.arc(x, y, r, 0, Math.PI * 2);
  } else {
    const start = -Math.PI / 2;
    ctx.moveTo(x, y);
    ctx.arc(x, y, r, start, start + share * Math.PI * 2);
    ctx.closePath();
  }
  ctx.fill();
}

function drawGroupNames(
  ctx: CanvasRenderingContext2D,
  model: GraphModel,
  s: number,
  o: DrawOptions,
): void {
  ctx.font = '12px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  for (const g of model.groups) {
    const r = (anchorRadius + 52) * s;
    const x = Math.cos(g.angle) * r;
    const y = Math.sin(g.angle) * r;
    ctx.textAlign =
      Math.abs(Math.cos(g.angle)) < 0.3 ? 'center' : Math.cos(g.angle) > 0 ? 'left' : 'right';
    ctx.fillStyle = groupColor(o, g.name);
    ctx.fillText(`${g.name} (${g.peers})`, x, y);
  }
}

function drawLabel(ctx: CanvasRenderingContext2D, n: LayoutNode, s: number, c: GraphColors): void {
  const node: GraphNode = n.node;
  const x = n.x * s;
  const y = n.y * s - node.radius * s - 10;
  ctx.font = '12px system-ui, sans-serif';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  const w = ctx.measureText(node.label).width + 10;
  ctx.fillStyle = c.labelBackground;
  ctx.fillRect(x - w / 2, y - 9, w, 18);
  ctx.strokeStyle = c.textMuted;
  ctx.lineWidth = 1;
  ctx.strokeRect(x - w / 2, y - 9, w, 18);
  ctx.fillStyle = c.text;
  ctx.fillText(node.label, x, y);
}
