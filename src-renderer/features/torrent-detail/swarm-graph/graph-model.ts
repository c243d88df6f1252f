/**
 * The swarm graph's model (issue 19), built from the Peers and Trackers views: us in the middle,
 * one node per peer grouped by client, one per tracker; an edge per direction in which bytes flow.
 *
 * Invariants:
 * - Pure: plain data in, plain data out; the layout and the painter only read it.
 * - Node ids are stable: `self`, the peer's `address:port` key, `tracker:<url>`. The layout keeps
 *   positions by id, so a peer that stays keeps its place while others come and go.
 * - Client groups are ordered by name, and each takes a sector of the circle in proportion to
 *   its peers (with a gap between groups); its peers' anchors are spread over the sector by key,
 *   so a client's peers cluster together and one group alone still surrounds us.
 * - An edge exists only while its rate is above zero; its width grows with the log of the rate,
 *   between edgeMinWidth and edgeMaxWidth.
 */
import type { PeerSnapshot, TrackerStatus } from '../../../../src-shared/model';
import { formatRate as rate } from '../../../lib/format';

export type GraphNodeKind = 'self' | 'peer' | 'tracker';

export interface GraphNode {
  id: string;
  kind: GraphNodeKind;
  /** What a label and the node list say. */
  label: string;
  /** The client family (peers); '' for us and trackers. */
  group: string;
  /** 0..1 of the pieces it has (peers); 1 for us when complete. */
  progress: number;
  /** Bytes per second it sends us, and we send it. */
  downRateBps: number;
  upRateBps: number;
  /** Peers: it has every piece. Trackers: the last announce worked. */
  ok: boolean;
  /** Where the layout pulls it (unit circle coordinates, us at 0,0). */
  anchorX: number;
  anchorY: number;
  /** Radius in layout units (peers grow a little with their traffic). */
  radius: number;
}

/** 'down': bytes from the peer to us; 'up': from us to the peer; 'announce': us to a tracker. */
export type EdgeDirection = 'down' | 'up' | 'announce';

export interface GraphEdge {
  id: string;
  /** The peer or tracker end; the other end is always us. */
  nodeId: string;
  direction: EdgeDirection;
  rateBps: number;
  /** Line width in CSS pixels. */
  width: number;
}

export interface ClientGroup {
  name: string;
  peers: number;
  /** Its sector of the circle, radians: from `startAngle`, `sweep` wide. */
  startAngle: number;
  sweep: number;
  /** The sector's middle (where its name is drawn). */
  angle: number;
}

export interface GraphModel {
  nodes: GraphNode[];
  edges: GraphEdge[];
  groups: ClientGroup[];
  summary: string;
}

/** Where client groups sit: this far from us, in layout units (the painter scales them). */
export const anchorRadius = 190;
/** Trackers sit on a smaller arc above us. */
export const trackerRadius = 90;
export const edgeMinWidth = 1;
export const edgeMaxWidth = 8;
/** Rates at and below this draw the thinnest edge; each tenfold above adds the same width. */
const edgeFloorBps = 1024;
const edgeCeilingBps = 64 * 1024 * 1024;

export const selfRadius = 14;
export const peerRadius = 6;
export const trackerNodeRadius = 8;

/**
 * "libtorrent 2.0.8" and "libtorrent/2.0.8.0" (a BEP 10 `v`) → "libtorrent"; an id we cannot
 * decode → "Unknown client".
 */
export function clientFamily(client: string): string {
  const name = client.trim().replace(/[\s/]+v?\d[\w.\-+]*$/, '');
  if (!name || name.toLowerCase() === 'unknown') return 'Unknown client';
  return name;
}

export function edgeWidth(rateBps: number): number {
  if (rateBps <= edgeFloorBps) return edgeMinWidth;
  const span = Math.log10(edgeCeilingBps / edgeFloorBps);
  const share = Math.min(1, Math.log10(rateBps / edgeFloorBps) / span);
  return edgeMinWidth + share * (edgeMaxWidth - edgeMinWidth);
}

/** Radians left empty between two client groups' sectors. */
const groupGapRad = 0.18;

/** Groups by client family, by name, each given a sector in proportion to its peers. */
export function clientGroups(peers: readonly PeerSnapshot[]): ClientGroup[] {
  const counts = new Map<string, number>();
  for (const p of peers) {
    const g = clientFamily(p.client);
    counts.set(g, (counts.get(g) ?? 0) + 1);
  }
  const names = [...counts.keys()].sort((a, b) => a.localeCompare(b));
  const gap = names.length > 1 ? groupGapRad : 0;
  const room = 2 * Math.PI - gap * names.length;
  // From the top, clockwise: the first group starts beside the trackers.
  let at = -Math.PI / 2 + gap / 2;
  return names.map((name) => {
    const n = counts.get(name) as number;
    const sweep = (room * n) / peers.length;
    const group = { name, peers: n, startAngle: at, sweep, angle: at + sweep / 2 };
    at += sweep + gap;
    return group;
  });
}

function trackerHost(url: string): string {
  try {
    return new URL(url).host || url;
  } catch {
    return url;
  }
}

export interface SelfInfo {
  progress: number;
  downRateBps: number;
  upRateBps: number;
}

export function buildGraphModel(
  peers: readonly PeerSnapshot[],
  trackers: readonly TrackerStatus[],
  self: SelfInfo,
): GraphModel {
  const groups = clientGroups(peers);
  // Each peer's place in its group's sector, by key (stable while the group's size holds).
  const byGroup = new Map<string, PeerSnapshot[]>();
  for (const p of peers) {
    const g = clientFamily(p.client);
    const list = byGroup.get(g);
    if (list) list.push(p);
    else byGroup.set(g, [p]);
  }
  const angleOf = new Map<string, number>();
  for (const g of groups) {
    const list = (byGroup.get(g.name) ?? []).sort((a, b) => (a.key < b.key ? -1 : 1));
    list.forEach((p, i) => angleOf.set(p.key, g.startAngle + (g.sweep * (i + 0.5)) / list.length));
  }
  const nodes: GraphNode[] = [
    {
      id: 'self',
      kind: 'self',
      label: 'This client',
      group: '',
      progress: self.progress,
      downRateBps: self.downRateBps,
      upRateBps: self.upRateBps,
      ok: true,
      anchorX: 0,
      anchorY: 0,
      radius: selfRadius,
    },
  ];
  const edges: GraphEdge[] = [];
  let downloading = 0;
  let uploading = 0;
  for (const p of peers) {
    const group = clientFamily(p.client);
    const angle = angleOf.get(p.key) ?? 0;
    const flow = p.downRateBps + p.upRateBps;
    nodes.push({
      id: p.key,
      kind: 'peer',
      label: `${p.client} · ${p.key}`,
      group,
      progress: Math.min(1, Math.max(0, p.progress)),
      downRateBps: p.downRateBps,
      upRateBps: p.upRateBps,
      ok: p.progress >= 1,
      anchorX: Math.cos(angle) * anchorRadius,
      anchorY: Math.sin(angle) * anchorRadius,
      radius: peerRadius + (flow > 0 ? Math.min(4, Math.log10(1 + flow / 16384)) : 0),
    });
    if (p.downRateBps > 0) {
      downloading++;
      edges.push({
        id: `${p.key}>down`,
        nodeId: p.key,
        direction: 'down',
        rateBps: p.downRateBps,
        width: edgeWidth(p.downRateBps),
      });
    }
    if (p.upRateBps > 0) {
      uploading++;
      edges.push({
        id: `${p.key}>up`,
        nodeId: p.key,
        direction: 'up',
        rateBps: p.upRateBps,
        width: edgeWidth(p.upRateBps),
      });
    }
  }
  // Trackers on an arc above us, spread evenly.
  const seen = new Set<string>();
  const uniqueTrackers = trackers.filter((t) => !seen.has(t.url) && seen.add(t.url));
  uniqueTrackers.forEach((t, i) => {
    const spread = uniqueTrackers.length === 1 ? 0 : (i / (uniqueTrackers.length - 1) - 0.5) * 1.6;
    const angle = -Math.PI / 2 + spread;
    const id = `tracker:${t.url}`;
    const working = t.state === 'working';
    nodes.push({
      id,
      kind: 'tracker',
      label: `Tracker ${trackerHost(t.url)}${t.lastError ? ` (${t.lastError})` : ''}`,
      group: '',
      progress: 0,
      downRateBps: 0,
      upRateBps: 0,
      ok: working,
      anchorX: Math.cos(angle) * trackerRadius,
      anchorY: Math.sin(angle) * trackerRadius,
      radius: trackerNodeRadius,
    });
    edges.push({ id: `${id}>announce`, nodeId: id, direction: 'announce', rateBps: 0, width: 1 });
  });
  const n = peers.length;
  const parts = [
    n === 0 ? 'No peers connected' : `${n} ${n === 1 ? 'peer' : 'peers'}`,
    ...(groups.length > 0
      ? [`from ${groups.map((g) => `${g.name} (${g.peers})`).join(', ')}`]
      : []),
  ];
  const flows = [
    `downloading from ${downloading}${self.downRateBps > 0 ? ` at ${rate(self.downRateBps)}` : ''}`,
    `uploading to ${uploading}${self.upRateBps > 0 ? ` at ${rate(self.upRateBps)}` : ''}`,
  ];
  const t = uniqueTrackers.length;
  const summary =
    `${parts.join(' ')}; ${flows.join(', ')}; ` +
    `${t} ${t === 1 ? 'tracker' : 'trackers'}` +
    (t > 0 ? ` (${uniqueTrackers.filter((x) => x.state === 'working').length} working)` : '') +
    '.';
  return { nodes, edges, groups, summary };
}

/** What the node list and a screen reader say about one node. */
export function describeNode(n: GraphNode): string {
  if (n.kind === 'tracker') return `${n.label}, ${n.ok ? 'working' : 'not working'}`;
  const pct = `${Math.floor(n.progress * 100)}%`;
  const flow =
    n.downRateBps > 0 || n.upRateBps > 0
      ? `, down ${rate(n.downRateBps)}, up ${rate(n.upRateBps)}`
      : ', idle';
  if (n.kind === 'self') return `${n.label}, ${pct}${flow}`;
  return `${n.label}, has ${pct}${flow}`;
}
