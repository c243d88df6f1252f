import { describe, expect, it } from 'vitest';
import type { PeerSnapshot, TrackerStatus } from '../../../../src-shared/model';
import {
  anchorRadius,
  buildGraphModel,
  clientFamily,
  describeNode,
  edgeMaxWidth,
  edgeMinWidth,
  edgeWidth,
} from './graph-model';
import { SwarmLayout } from './graph-layout';

function peer(key: string, client: string, over: Partial<PeerSnapshot> = {}): PeerSnapshot {
  const [address, port] = key.split(':');
  return {
    key,
    address: address!,
    port: Number(port),
    client,
    peerIdHex: '',
    flags: {
      amChoking: true,
      amInterested: false,
      peerChoking: true,
      peerInterested: false,
      optimistic: false,
      snubbed: false,
      incoming: false,
      encrypted: false,
      fast: false,
      extended: false,
    },
    progress: 0.5,
    downRateBps: 0,
    upRateBps: 0,
    downloadedBytes: 0,
    uploadedBytes: 0,
    requestsInFlight: 0,
    connectedAt: 0,
    source: 'tracker',
    transport: 'tcp',
    ...over,
  };
}

const tracker = (url: string, state: TrackerStatus['state'] = 'working'): TrackerStatus => ({
  url,
  tier: 0,
  state,
  lastAnnounceAt: null,
  nextAnnounceAt: null,
  seeders: null,
  leechers: null,
  downloaded: null,
  lastError: state === 'error' ? 'timed out' : null,
  warning: null,
});

const self = { progress: 0.25, downRateBps: 3 * 1024 * 1024, upRateBps: 0 };

describe('swarm graph model', () => {
  it('names client families without their versions', () => {
    expect(clientFamily('libtorrent 2.0.8')).toBe('libtorrent');
    expect(clientFamily('libtorrent/2.0.8.0')).toBe('libtorrent');
    expect(clientFamily('libtorrent (Rasterbar) 2.0.8')).toBe('libtorrent (Rasterbar)');
    expect(clientFamily('Transmission 4.0.5')).toBe('Transmission');
    expect(clientFamily('qBittorrent v4.6.2')).toBe('qBittorrent');
    expect(clientFamily('unknown')).toBe('Unknown client');
    expect(clientFamily('')).toBe('Unknown client');
  });

  it('groups peers by client, each group with its own anchor on the circle', () => {
    const m = buildGraphModel(
      [
        peer('10.0.0.1:1', 'libtorrent 2.0.8'),
        peer('10.0.0.2:1', 'Transmission 4.0.5'),
        peer('10.0.0.3:1', 'libtorrent 1.2.19'),
      ],
      [],
      self,
    );
    expect(m.groups.map((g) => [g.name, g.peers])).toEqual([
      ['libtorrent', 2],
      ['Transmission', 1],
    ]);
    const node = (id: string) => m.nodes.find((n) => n.id === id)!;
    // Each peer's anchor lies on the circle, inside its group's sector; sectors do not overlap.
    const inSector = (id: string, name: string) => {
      const g = m.groups.find((x) => x.name === name)!;
      const n = node(id);
      expect(Math.hypot(n.anchorX, n.anchorY)).toBeCloseTo(anchorRadius);
      let a = Math.atan2(n.anchorY, n.anchorX);
      while (a < g.startAngle) a += 2 * Math.PI;
      expect(a).toBeLessThanOrEqual(g.startAngle + g.sweep);
    };
    inSector('10.0.0.1:1', 'libtorrent');
    inSector('10.0.0.3:1', 'libtorrent');
    inSector('10.0.0.2:1', 'Transmission');
    const [lt, tr] = m.groups;
    // Two peers against one: twice the sector, with a gap between them.
    expect(lt!.sweep).toBeCloseTo(2 * tr!.sweep);
    expect(tr!.startAngle).toBeGreaterThan(lt!.startAngle + lt!.sweep);
    expect(node('self')).toMatchObject({ kind: 'self', anchorX: 0, anchorY: 0, progress: 0.25 });
  });

  it('draws an edge per direction while bytes flow, none when idle, width by rate', () => {
    const m = buildGraphModel(
      [
        peer('10.0.0.1:1', 'a', { downRateBps: 2 * 1024 * 1024 }),
        peer('10.0.0.2:1', 'a', { upRateBps: 10 * 1024, downRateBps: 1024 * 1024 }),
        peer('10.0.0.3:1', 'a'),
      ],
      [],
      self,
    );
    expect(m.edges.map((e) => [e.nodeId, e.direction])).toEqual([
      ['10.0.0.1:1', 'down'],
      ['10.0.0.2:1', 'down'],
      ['10.0.0.2:1', 'up'],
    ]);
    const [fast, slower, up] = m.edges;
    expect(fast!.width).toBeGreaterThan(slower!.width);
    expect(slower!.width).toBeGreaterThan(up!.width);
    expect(edgeWidth(1)).toBe(edgeMinWidth);
    expect(edgeWidth(1e12)).toBe(edgeMaxWidth);
    expect(edgeWidth(100 * 1024)).toBeGreaterThan(edgeMinWidth);
    expect(edgeWidth(100 * 1024)).toBeLessThan(edgeMaxWidth);
  });

  it('fills a node with its peer progress and marks seeds', () => {
    const m = buildGraphModel(
      [peer('10.0.0.1:1', 'a', { progress: 1 }), peer('10.0.0.2:1', 'a', { progress: 0.3 })],
      [],
      self,
    );
    expect(m.nodes.slice(1).map((n) => [n.progress, n.ok])).toEqual([
      [1, true],
      [0.3, false],
    ]);
    expect(describeNode(m.nodes[2]!)).toBe('a · 10.0.0.2:1, has 30%, idle');
  });

  it('adds trackers once each, with an announce edge, and sums it up in words', () => {
    const m = buildGraphModel(
      [peer('10.0.0.1:1', 'libtorrent 2.0', { downRateBps: 1024 })],
      [
        tracker('http://t.example:80/announce'),
        tracker('udp://u.example:6969', 'error'),
        tracker('http://t.example:80/announce'),
      ],
      self,
    );
    const trackers = m.nodes.filter((n) => n.kind === 'tracker');
    expect(trackers.map((t) => [t.label, t.ok])).toEqual([
      ['Tracker t.example', true],
      ['Tracker u.example:6969 (timed out)', false],
    ]);
    expect(m.edges.filter((e) => e.direction === 'announce')).toHaveLength(2);
    expect(m.summary).toBe(
      '1 peer from libtorrent (1); downloading from 1 at 3.00 MiB/s, uploading to 0; 2 trackers (1 working).',
    );
    expect(buildGraphModel([], [], { progress: 0, downRateBps: 0, upRateBps: 0 }).summary).toBe(
      'No peers connected; downloading from 0, uploading to 0; 0 trackers.',
    );
  });
});

describe('swarm graph layout', () => {
  it('keeps a peer where it was when others come and go, and clusters by client', () => {
    const a = Array.from({ length: 12 }, (_, i) => peer(`10.0.1.${i}:1`, 'libtorrent 2.0'));
    const b = Array.from({ length: 12 }, (_, i) => peer(`10.0.2.${i}:1`, 'Transmission 4.0'));
    const layout = new SwarmLayout();
    layout.update(buildGraphModel([...a, ...b], [], self));
    layout.settle();
    const mean = (ps: PeerSnapshot[]) => {
      const xs = ps.map((p) => layout.get(p.key)!);
      return [
        xs.reduce((s, n) => s + n.x, 0) / xs.length,
        xs.reduce((s, n) => s + n.y, 0) / xs.length,
      ];
    };
    const [ax, ay] = mean(a);
    const [bx, by] = mean(b);
    // Each cluster sits near its anchor, far from the other's.
    expect(Math.hypot(ax! - bx!, ay! - by!)).toBeGreaterThan(anchorRadius);
    for (const p of a) {
      const n = layout.get(p.key)!;
      expect(Math.hypot(n.x - ax!, n.y - ay!)).toBeLessThan(Math.hypot(n.x - bx!, n.y - by!));
    }
    expect(layout.get('self')).toMatchObject({ x: 0, y: 0 });
    const kept = layout.get(a[0]!.key)!;
    const before = [kept.x, kept.y];
    // One peer leaves, one arrives in the same family: the others keep their positions at once.
    layout.update(
      buildGraphModel([...a, ...b.slice(1), peer('10.0.2.99:1', 'Transmission 4.0')], [], self),
    );
    expect(layout.get(a[0]!.key)).toBe(kept);
    expect([kept.x, kept.y]).toEqual(before);
    expect(layout.get(b[0]!.key)).toBeUndefined();
    expect(layout.nodes).toHaveLength(1 + 24);
    // New rates alone do not wake a layout at rest; a newcomer does.
    layout.settle();
    expect(layout.tick()).toBe(false);
    const same = [...a, ...b.slice(1), peer('10.0.2.99:1', 'Transmission 4.0')];
    layout.update(
      buildGraphModel(
        same.map((p) => ({ ...p, downRateBps: 5000 })),
        [],
        self,
      ),
    );
    expect(layout.tick()).toBe(false);
    layout.update(buildGraphModel([...same, peer('10.0.3.1:1', 'Deluge 2.1')], [], self));
    expect(layout.tick()).toBe(true);
  });
});
