/**
 * The swarm graph's layout (issue 19): a d3-force simulation (a well-kept library, rather than a
 * force layout of our own). Peers are pulled toward their client group's anchor and kept apart
 * by collision; we are pinned at the centre, trackers at their anchors.
 *
 * Invariants:
 * - Positions are kept by node id across updates: a peer that stays does not move because
 *   others came or went; a new peer starts near its group's anchor (a small deterministic
 *   offset, never Math.random, so a run is repeatable).
 * - The simulation is ticked by the caller (`tick()`, once per animation frame), never by
 *   d3's own timer: it stops when the tab is hidden, and a benchmark can drive it.
 * - An update that adds or removes a node, or moves an anchor, reheats the simulation a little,
 *   so the layout settles again then rests; new rates alone do not wake it.
 */
import { forceCollide, forceManyBody, forceSimulation, forceX, forceY } from 'd3-force';
import type { Simulation, SimulationNodeDatum } from 'd3-force';
import type { GraphModel, GraphNode } from './graph-model';

export interface LayoutNode extends SimulationNodeDatum {
  id: string;
  node: GraphNode;
  x: number;
  y: number;
}

/** Alpha an update brings the simulation back to (d3 starts at 1; a small change needs less). */
const reheatAlpha = 0.3;
/** How strongly a peer is pulled to its anchor per tick. */
const anchorStrength = 0.08;
/** Peers repel each other this much (negative: repulsion), within this distance. */
const chargeStrength = -18;
const chargeDistanceMax = 120;

/** A small, deterministic offset from an id, so new nodes of one group do not start stacked. */
function jitter(id: string): [number, number] {
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  const a = ((h >>> 0) % 6283) / 1000;
  const r = 10 + ((h >>> 16) % 30);
  return [Math.cos(a) * r, Math.sin(a) * r];
}

export class SwarmLayout {
  private readonly byId = new Map<string, LayoutNode>();
  private readonly simulation: Simulation<LayoutNode, undefined>;
  nodes: LayoutNode[] = [];

  constructor() {
    this.simulation = forceSimulation<LayoutNode>([])
      .stop()
      .force('x', forceX<LayoutNode>((d) => d.node.anchorX).strength(anchorStrength))
      .force('y', forceY<LayoutNode>((d) => d.node.anchorY).strength(anchorStrength))
      .force(
        'charge',
        forceManyBody<LayoutNode>().strength(chargeStrength).distanceMax(chargeDistanceMax),
      )
      .force(
        'collide',
        forceCollide<LayoutNode>((d) => d.node.radius + 2),
      );
  }

  /** Takes a new model: keeps the positions of known ids, places new nodes at their anchors. */
  update(model: GraphModel): void {
    const next: LayoutNode[] = [];
    const alive = new Set<string>();
    let moved = model.nodes.length !== this.nodes.length;
    for (const node of model.nodes) {
      alive.add(node.id);
      let n = this.byId.get(node.id);
      if (n && (n.node.anchorX !== node.anchorX || n.node.anchorY !== node.anchorY)) moved = true;
      if (!n) {
        moved = true;
        const [dx, dy] = jitter(node.id);
        n = { id: node.id, node, x: node.anchorX + dx, y: node.anchorY + dy };
        this.byId.set(node.id, n);
      }
      n.node = node;
      // Us and the trackers do not drift: they are the fixed frame the peers move in.
      if (node.kind !== 'peer') {
        n.fx = node.anchorX;
        n.fy = node.anchorY;
      } else {
        n.fx = null;
        n.fy = null;
      }
      next.push(n);
    }
    for (const id of [...this.byId.keys()]) if (!alive.has(id)) this.byId.delete(id);
    this.nodes = next;
    this.simulation.nodes(next);
    // Anchors are read by the forces at initialisation: re-read them for the new nodes.
    this.simulation.force('x', forceX<LayoutNode>((d) => d.node.anchorX).strength(anchorStrength));
    this.simulation.force('y', forceY<LayoutNode>((d) => d.node.anchorY).strength(anchorStrength));
    if (moved) this.simulation.alpha(Math.max(this.simulation.alpha(), reheatAlpha));
  }

  /** One step of the simulation; false once it has come to rest (nothing moves). */
  tick(): boolean {
    if (this.simulation.alpha() < this.simulation.alphaMin()) return false;
    this.simulation.tick();
    return true;
  }

  get(id: string): LayoutNode | undefined {
    return this.byId.get(id);
  }

  /** Runs until at rest, at most `maxTicks` (tests, and the first layout of a large swarm). */
  settle(maxTicks = 300): void {
    for (let i = 0; i < maxTicks && this.tick(); i++);
  }
}
