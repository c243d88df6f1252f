/**
 * The swarm graph benchmark's page script (bundled by bench/suites/swarm-graph.ts, never by the
 * app). It drives the app's own model, d3-force layout and painter on a real canvas in Chromium:
 * 200 peers in six client groups, most with bytes flowing both ways; the model is rebuilt at the
 * host's update rate with new rates and one peer replaced each time, and every frame ticks the
 * simulation and redraws (the animated dashes need a redraw per frame).
 *
 * Invariants: peers, rates and churn come from a seeded generator, so runs are comparable; every
 * loop is bounded by the frame count.
 */
import type { PeerSnapshot } from '../../../../src-shared/model';
import type { SwarmGraphBenchConfig, SwarmGraphBenchResult } from './bench-types';
import { buildGraphModel } from './graph-model';
import { SwarmLayout } from './graph-layout';
import { drawGraph, graphColors } from './graph-painter';

declare global {
  interface Window {
    runSwarmGraphBench?: (config: SwarmGraphBenchConfig) => Promise<SwarmGraphBenchResult>;
  }
}

/** xorshift32 scaled to [0, 1): the page must not depend on Math.random. */
function seeded(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
}

const clients = [
  'libtorrent (Rasterbar) 2.0.9',
  'Transmission 4.0.5',
  'qBittorrent 4.6.2',
  'Deluge 2.1.1',
  'μTorrent 3.5.5',
  'Swarmscope 0.1.0',
];

function makePeer(i: number, random: () => number): PeerSnapshot {
  const flowing = random() < 0.8;
  return {
    key: `10.${(i >> 8) & 255}.${i & 255}.1:${6881 + (i % 1000)}`,
    address: `10.${(i >> 8) & 255}.${i & 255}.1`,
    port: 6881 + (i % 1000),
    client: clients[Math.floor(random() * clients.length)] as string,
    peerIdHex: '',
    flags: {
      amChoking: false,
      amInterested: true,
      peerChoking: false,
      peerInterested: true,
      optimistic: false,
      snubbed: false,
      incoming: false,
      encrypted: false,
      fast: true,
      extended: true,
    },
    progress: random(),
    downRateBps: flowing ? random() * 4e6 : 0,
    upRateBps: flowing && random() < 0.6 ? random() * 1e6 : 0,
    downloadedBytes: 0,
    uploadedBytes: 0,
    requestsInFlight: 0,
    connectedAt: 0,
    source: 'tracker',
    transport: 'tcp',
  };
}

const nextFrame = (): Promise<number> => new Promise((resolve) => requestAnimationFrame(resolve));

async function runSwarmGraphBench(config: SwarmGraphBenchConfig): Promise<SwarmGraphBenchResult> {
  const canvas = document.createElement('canvas');
  document.body.replaceChildren(canvas);
  const dpr = window.devicePixelRatio || 1;
  canvas.width = config.cssWidth * dpr;
  canvas.height = config.cssHeight * dpr;
  canvas.style.width = `${config.cssWidth}px`;
  canvas.style.height = `${config.cssHeight}px`;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2d context');
  const random = seeded(config.seed);
  let next = 0;
  const peers: PeerSnapshot[] = [];
  for (; next < config.peers; next++) peers.push(makePeer(next, random));
  const trackers = [
    {
      url: 'udp://tracker.example:6969/announce',
      tier: 0,
      state: 'working' as const,
      lastAnnounceAt: null,
      nextAnnounceAt: null,
      seeders: null,
      leechers: null,
      downloaded: null,
      lastError: null,
      warning: null,
    },
  ];
  const self = { progress: 0.4, downRateBps: 2e7, upRateBps: 5e6 };
  const layout = new SwarmLayout();
  let model = buildGraphModel(peers, trackers, self);
  layout.update(model);
  const view = { widthCss: config.cssWidth, heightCss: config.cssHeight, dpr };
  const colors = graphColors.light;
  const groupIndex = new Map(model.groups.map((g, i) => [g.name, i] as const));
  const framesPerUpdate = Math.max(1, Math.round(60 / config.updatesPerSec));
  const frameMs: number[] = [];
  const tickMs: number[] = [];
  const updateMs: number[] = [];
  const drawMs: number[] = [];
  const frameIntervalMs: number[] = [];
  let last = await nextFrame();
  for (let f = 0; f < config.frames; f++) {
    const now = await nextFrame();
    frameIntervalMs.push(now - last);
    last = now;
    const t0 = performance.now();
    if (f % framesPerUpdate === 0) {
      // New rates for everyone, and one peer replaced by a newcomer (churn).
      for (let i = 0; i < peers.length; i++) {
        const p = peers[i] as PeerSnapshot;
        peers[i] = {
          ...p,
          downRateBps: p.downRateBps > 0 ? random() * 4e6 : 0,
          upRateBps: p.upRateBps > 0 ? random() * 1e6 : 0,
        };
      }
      peers[Math.floor(random() * peers.length)] = makePeer(next++, random);
      model = buildGraphModel(peers, trackers, self);
      model.groups.forEach((g, i) => groupIndex.set(g.name, i));
      layout.update(model);
      updateMs.push(performance.now() - t0);
    }
    const t1 = performance.now();
    layout.tick();
    const t2 = performance.now();
    drawGraph(ctx, layout, model, view, {
      timeMs: now,
      colors,
      groupIndex,
      highlightId: peers[0]?.key ?? null,
    });
    const t3 = performance.now();
    tickMs.push(t2 - t1);
    drawMs.push(t3 - t2);
    frameMs.push(t3 - t0);
  }
  return {
    nodes: model.nodes.length,
    edges: model.edges.length,
    dpr,
    frameMs,
    updateMs,
    tickMs,
    drawMs,
    frameIntervalMs,
  };
}

window.runSwarmGraphBench = runSwarmGraphBench;
