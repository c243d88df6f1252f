/**
 * Renderer bench (issue 6): the real store and torrent list, built (out/renderer), in headless
 * Chromium, with 1,000 torrents. The host is faked in the page (`window.swarmscope`, as the
 * Electron preload would expose it): `sync.snapshot` returns 1,000 summaries and `sync.delta`
 * arrives at 10 Hz with 10% of the torrents changed each time, as a busy session sends.
 *
 * Reports: first contentful paint, the time until the 1,000-torrent list is painted, and frame
 * times and long tasks (PerformanceObserver 'longtask', > 50 ms) while deltas arrive, with the list
 * alone and with the details panel open. The page code is passed as strings: this file is
 * type-checked without the DOM library.
 *
 * Invariants: the static server and the browser are closed in `finally`; every wait is bounded.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { log, median, round } from './util';
import { runSwarmGraphBench } from './swarm-graph'; // --- swarm graph (issue 19)

const torrentCount = 1000;
const deltaHz = 10;
/** Share of torrents changed per delta. */
const changedShare = 0.1;
const measureMs = 5000;
const pageTimeoutMs = 30_000;

const mimeTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

/** Serves a copy of out/renderer (a concurrent build may empty out/). */
function serveStatic(root: string): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const rel = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname.slice(1));
    const file = path.resolve(root, rel);
    if (
      !file.startsWith(root + path.sep) ||
      !fs.existsSync(file) ||
      fs.statSync(file).isDirectory()
    ) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      'content-type': mimeTypes[path.extname(file)] ?? 'application/octet-stream',
    });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

/** The fake host, injected before the app's scripts run. */
const fakeHostScript = `(() => {
  const N = ${torrentCount};
  const listeners = new Map();
  const states = ['downloading', 'seeding', 'paused', 'downloading', 'seeding', 'queued', 'checking', 'error'];
  let x = 12345;
  const rnd = () => ((x = (x * 1103515245 + 12345) >>> 0) / 4294967296);
  const words = ['ubuntu', 'debian', 'fedora', 'arch', 'movie', 'album', 'dataset', 'backup', 'photos', 'podcast'];
  const torrents = [];
  for (let i = 0; i < N; i++) {
    const state = states[i % states.length];
    const size = Math.floor(1e6 + rnd() * 8e9);
    const progress = state === 'seeding' ? 1 : rnd();
    torrents.push({
      id: i.toString(16).padStart(40, '0'),
      name: words[i % words.length] + '-' + i + '-' + Math.floor(rnd() * 1e6) + '.iso',
      sizeBytes: size, progress, state, error: state === 'error' ? 'disk full' : null,
      checkProgress: state === 'checking' ? rnd() : 0,
      downRateBps: state === 'downloading' ? rnd() * 5e6 : 0,
      upRateBps: state === 'seeding' ? rnd() * 1e6 : 0,
      downloadedBytes: size * progress, uploadedBytes: rnd() * size,
      etaSec: state === 'downloading' ? rnd() * 7200 : null,
      peers: Math.floor(rnd() * 50), seeds: Math.floor(rnd() * 20), ratio: rnd() * 3,
      pieceCount: Math.ceil(size / 1048576), pieceLength: 1048576,
      verifiedPieces: Math.floor(Math.ceil(size / 1048576) * progress),
      savePath: '/downloads', addedAt: 1700000000000 + i * 1000, completedAt: null,
      magnet: '', private: false,
    });
  }
  const session = () => ({ downRateBps: rnd() * 5e7, upRateBps: rnd() * 1e7, listenPort: 6881, peers: 400, trackerRunning: false });
  let seq = 0;
  window.__bench = { deltas: 0, applied: [] };
  const emit = (name, payload) => { for (const l of listeners.get(name) ?? []) l(payload); };
  const startDeltas = () => setInterval(() => {
    const upserts = [];
    const n = Math.floor(N * ${changedShare});
    for (let k = 0; k < n; k++) {
      const t = torrents[Math.floor(rnd() * N)];
      const next = { ...t, downRateBps: t.state === 'downloading' ? rnd() * 5e6 : 0,
        upRateBps: rnd() * 1e6, peers: Math.floor(rnd() * 50),
        progress: t.state === 'downloading' ? Math.min(1, t.progress + 0.001) : t.progress };
      torrents[torrents.indexOf(t)] = next;
      upserts.push(next);
    }
    seq += 1;
    const t0 = performance.now();
    emit('sync.delta', { seq, upserts, removed: [], session: session() });
    window.__bench.deltas += 1;
    // React renders in a MessageChannel task of its scheduler, posted during emit; a message
    // posted now runs after it. (A timer would be clamped to 4 ms inside an interval.)
    const ch = new MessageChannel();
    ch.port1.onmessage = () => { window.__bench.applied.push(performance.now() - t0); ch.port1.close(); };
    ch.port2.postMessage(null);
  }, ${Math.round(1000 / deltaHz)});
  window.swarmscope = {
    invoke(name, req) {
      if (name === 'sync.snapshot') {
        setTimeout(startDeltas, 0);
        return Promise.resolve({ seq, torrents: torrents.slice(), session: session() });
      }
      if (name === 'tracker.status') return Promise.resolve({ running: false, error: null, httpPort: null, udpPort: null, mode: 'allow-list', announceUrls: [], swarms: [], peers: 0, announcesPerSec: 0, scrapesPerSec: 0, rejected: {} });
      // No lab is open (the router asks when it connects, issue 19).
      if (name === 'lab.get') return Promise.resolve({ lab: null });
      return Promise.resolve(undefined);
    },
    on(name, listener) {
      if (!listeners.has(name)) listeners.set(name, new Set());
      listeners.get(name).add(listener);
      return () => listeners.get(name).delete(listener);
    },
  };
  // When the list is first on screen: the frame after rows exist.
  window.__listPaintMs = null;
  const poll = () => {
    if (document.querySelector('tr.torrent-row')) {
      requestAnimationFrame(() => { window.__listPaintMs = performance.now(); });
      return;
    }
    requestAnimationFrame(poll);
  };
  requestAnimationFrame(poll);
  window.__longTasks = [];
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, ms: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch (e) { window.__longTasksUnsupported = String(e); }
})();`;

/** Records frame intervals for `ms`, then returns them with the long tasks in that window. */
const measureFramesScript = (ms: number) => `new Promise((resolve) => {
  const frames = [];
  const t0 = performance.now();
  const deltas0 = window.__bench.deltas;
  const applied0 = window.__bench.applied.length;
  let last = t0;
  const tick = (now) => {
    frames.push(now - last);
    last = now;
    if (now - t0 < ${ms}) requestAnimationFrame(tick);
    else resolve({
      frames,
      deltas: window.__bench.deltas - deltas0,
      applyMs: window.__bench.applied.slice(applied0),
      longTasks: window.__longTasks.filter((t) => t.start >= t0),
      rows: document.querySelectorAll('tr.torrent-row').length,
    });
  };
  requestAnimationFrame((now) => { last = now; requestAnimationFrame(tick); });
})`;

interface FrameWindow {
  frames: number[];
  deltas: number;
  applyMs: number[];
  longTasks: { start: number; ms: number }[];
  rows: number;
}

function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function summarize(w: FrameWindow): Record<string, unknown> {
  const frames = w.frames.slice(1);
  return {
    frames: frames.length,
    medianFrameMs: round(median(frames), 2),
    p95FrameMs: round(percentile(frames, 95), 2),
    maxFrameMs: round(Math.max(...frames), 2),
    framesOver25Ms: frames.filter((f) => f > 25).length,
    deltasApplied: w.deltas,
    medianDeltaToRenderedMs: round(median(w.applyMs), 2),
    p95DeltaToRenderedMs: round(percentile(w.applyMs, 95), 2),
    longTasks: w.longTasks.length,
    longTaskTotalMs: round(
      w.longTasks.reduce((s, t) => s + t.ms, 0),
      1,
    ),
    rowsInDom: w.rows,
  };
}

function loadChromium(): typeof import('playwright-core').chromium {
  // Resolved at run time from the repository, not bundled: Playwright ships its own assets.
  const require = createRequire(path.join(process.cwd(), 'package.json'));
  return (require('playwright-core') as typeof import('playwright-core')).chromium;
}

export async function runRendererBench(
  opts: { rendererDir?: string; workDir?: string } = {},
): Promise<Record<string, unknown>> {
  const source = path.resolve(opts.rendererDir ?? path.join(process.cwd(), 'out', 'renderer'));
  if (!fs.existsSync(path.join(source, 'index.html'))) {
    throw new Error(`renderer bench: ${source}/index.html is missing; run node scripts/build.mjs`);
  }
  const copy = fs.mkdtempSync(path.join(opts.workDir ?? os.tmpdir(), 'swarmscope-renderer-'));
  fs.cpSync(source, copy, { recursive: true });
  let server: http.Server | null = null;
  let browser: Browser | null = null;
  try {
    server = await serveStatic(copy);
    const port = (server.address() as AddressInfo).port;
    browser = await loadChromium().launch({
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
      timeout: pageTimeoutMs,
    });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.addInitScript({ content: fakeHostScript });
    log(`renderer: loading the app with ${torrentCount} torrents`);
    await page.goto(`http://127.0.0.1:${port}/`, { timeout: pageTimeoutMs });
    await page.waitForFunction('window.__listPaintMs !== null', null, { timeout: pageTimeoutMs });
    const firstPaint = (await page.evaluate(`({
      listPaintMs: window.__listPaintMs,
      fcpMs: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
      domContentLoadedMs: performance.getEntriesByType('navigation')[0]?.domContentLoadedEventEnd ?? null,
    })`)) as { listPaintMs: number; fcpMs: number | null; domContentLoadedMs: number | null };

    log(`renderer: ${measureMs} ms of deltas at ${deltaHz} Hz, list only`);
    const listOnly = (await page.evaluate(measureFramesScript(measureMs))) as FrameWindow;

    // With the details open as well (the Peers tab of the first row; the fake host sends none).
    await page.click('tr.torrent-row');
    log(`renderer: ${measureMs} ms of deltas with the details panel open`);
    const withDetail = (await page.evaluate(measureFramesScript(measureMs))) as FrameWindow;

    // Scrolling through the whole list while deltas keep coming.
    log('renderer: scrolling the list from top to bottom');
    const scrollStart = Date.now();
    await page.evaluate(`new Promise((resolve) => {
      const el = document.querySelector('.table-scroll');
      const step = () => {
        el.scrollTop += 600;
        if (el.scrollTop + el.clientHeight >= el.scrollHeight - 1) resolve(null);
        else requestAnimationFrame(step);
      };
      requestAnimationFrame(step);
    })`);
    const scrollMs = Date.now() - scrollStart;

    if (pageErrors.length > 0)
      throw new Error(`renderer bench: page errors: ${pageErrors.join('; ')}`);
    // --- swarm graph (issue 19): 200 peers, flowing edges, in its own page.
    const swarmGraph = await runSwarmGraphBench({ log });
    return {
      torrents: torrentCount,
      deltaHz,
      changedPerDelta: Math.floor(torrentCount * changedShare),
      firstContentfulPaintMs: firstPaint.fcpMs === null ? null : round(firstPaint.fcpMs, 1),
      domContentLoadedMs:
        firstPaint.domContentLoadedMs === null ? null : round(firstPaint.domContentLoadedMs, 1),
      listFirstPaintMs: round(firstPaint.listPaintMs, 1),
      listOnly: summarize(listOnly),
      withDetail: summarize(withDetail),
      scrollWholeListMs: scrollMs,
      swarmGraph, // --- swarm graph (issue 19)
    };
  } finally {
    await browser?.close();
    if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
    fs.rmSync(copy, { recursive: true, force: true });
  }
}

// --- timeline (issue 19) ---
/**
 * The Timeline tab's painter in Chromium: 200 peers over ten minutes of generated events
 * (src-renderer/features/torrent-detail/timeline/bench-page.ts, bundled here with esbuild), full
 * redraws of the whole window and frames while panning and scrolling. Budget: 8 ms a frame.
 */
const timelineBudgetMs = 8;

export async function runTimelineBench(
  opts: { peers?: number; minutes?: number; frames?: number; workDir?: string } = {},
): Promise<Record<string, unknown>> {
  const root = process.cwd();
  const requireFromRoot = createRequire(path.join(root, 'package.json'));
  const esbuild = requireFromRoot('esbuild') as typeof import('esbuild');
  const dir = fs.mkdtempSync(path.join(opts.workDir ?? os.tmpdir(), 'swarmscope-timeline-'));
  let browser: Browser | null = null;
  let pid: number | undefined;
  try {
    await esbuild.build({
      absWorkingDir: root,
      entryPoints: [path.join(root, 'src-renderer/features/torrent-detail/timeline/bench-page.ts')],
      outfile: path.join(dir, 'page.js'),
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: 'chrome120',
      minify: true,
      logLevel: 'warning',
    });
    fs.writeFileSync(
      path.join(dir, 'index.html'),
      '<!doctype html><html><head><meta charset="utf-8"><title>timeline bench</title>' +
        '<style>body{margin:0}</style></head><body><script src="page.js"></script></body></html>\n',
    );
    const chromium = loadChromium();
    // launchServer exposes the browser's process, so the finally can stop it by PID.
    const server = await chromium.launchServer({
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
      timeout: pageTimeoutMs,
    });
    pid = server.process().pid;
    browser = await chromium.connect(server.wsEndpoint());
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`file://${path.join(dir, 'index.html')}`, { timeout: pageTimeoutMs });
    const config = {
      peers: opts.peers ?? 200,
      minutes: opts.minutes ?? 10,
      frames: opts.frames ?? 120,
      seed: 19,
    };
    log(`renderer: timeline, ${config.peers} peers over ${config.minutes} min`);
    const r = (await page.evaluate(`window.runTimelineBench(${JSON.stringify(config)})`)) as {
      events: number;
      dpr: number;
      fullMs: number[];
      panMs: number[];
      fullPaintMs: number[];
      panTiles: number[];
    };
    const stats = (xs: number[]) => ({
      // The fastest frame: on a shared machine, the one least disturbed by other processes.
      minMs: round(Math.min(...xs), 2),
      p50Ms: round(percentile(xs, 50), 2),
      p99Ms: round(percentile(xs, 99), 2),
      maxMs: round(Math.max(...xs), 2),
    });
    const full = stats(r.fullMs);
    const pan = stats(r.panMs);
    return {
      peers: config.peers,
      minutes: config.minutes,
      events: r.events,
      dpr: r.dpr,
      frames: config.frames,
      budgetMs: timelineBudgetMs,
      fullRedraw: full,
      fullRedrawPainterOnly: stats(r.fullPaintMs),
      panning: pan,
      panningTilesDrawn: {
        p50: percentile(r.panTiles, 50),
        max: Math.max(...r.panTiles),
      },
      ok: full.p99Ms <= timelineBudgetMs && pan.p99Ms <= timelineBudgetMs,
    };
  } finally {
    await browser?.close().catch(() => undefined);
    if (pid !== undefined) {
      try {
        process.kill(pid);
      } catch {
        // Already gone with the browser.
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
