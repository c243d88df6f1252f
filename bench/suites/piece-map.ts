/**
 * Bench suite: the canvas piece map in Chromium (issue 6, "Speed / Renderer"): 100k pieces, 1% of
 * them changing per frame for 300 frames; the median and p95 time of a frame (the app's
 * PieceMapPainter: setData + rasterizeDelta + putImageData, timed in the page with
 * performance.now). Target: median <= 8 ms.
 *
 * The page script (src-renderer/components/piece-map/bench-page.ts) is bundled with esbuild into a
 * temp dir at bench time and opened from file://. esbuild and Playwright are loaded from the
 * project's node_modules at run time, not bundled into the bench (neither can be bundled).
 *
 * Invariants: the browser is closed, and killed by PID if it outlives close(), in a finally; the
 * temp dir is removed; every wait in the page has a deadline.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type {
  PieceMapBenchConfig,
  PieceMapBenchResult,
} from '../../src-renderer/components/piece-map/bench-types';

/** Issue 6: "100k pieces, 1% changing per frame: median frame time <= 8 ms in Chromium". */
const TARGET_MEDIAN_FRAME_MS = 8;
const PAGE_DEADLINE_MS = 120_000;
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

export interface PieceMapBenchOptions {
  pieces?: number;
  frames?: number;
  /** The repository root (holds node_modules and src-renderer); found from the cwd when absent. */
  root?: string;
  log?: (line: string) => void;
}

interface Scenario {
  name: string;
  dpr: number;
  config: Omit<PieceMapBenchConfig, 'pieces' | 'frames'>;
}

const scenarios: Scenario[] = [
  // A 1000 CSS px wide details panel: 100k pieces fit as 1 px cells (1000 x 100).
  {
    name: 'cells-dpr1',
    dpr: 1,
    config: {
      cssWidth: 1000,
      maxHeightCss: 320,
      overlay: 'none',
      changeFraction: 0.01,
      fullFrames: 30,
      seed: 1,
    },
  },
  // The same panel on a HiDPI display: 3 px cells, a 2000 x 453 image.
  {
    name: 'cells-dpr2',
    dpr: 2,
    config: {
      cssWidth: 1000,
      maxHeightCss: 320,
      overlay: 'none',
      changeFraction: 0.01,
      fullFrames: 30,
      seed: 2,
    },
  },
  // The availability overlay, whose counts change with the states.
  {
    name: 'availability-dpr1',
    dpr: 1,
    config: {
      cssWidth: 1000,
      maxHeightCss: 320,
      overlay: 'availability',
      changeFraction: 0.01,
      fullFrames: 30,
      seed: 3,
    },
  },
  // A narrow panel: 72k pixels for 100k pieces, so every cell mixes ~1.4 pieces by coverage.
  {
    name: 'downsample-dpr1',
    dpr: 1,
    config: {
      cssWidth: 600,
      maxHeightCss: 120,
      overlay: 'none',
      changeFraction: 0.01,
      fullFrames: 30,
      seed: 4,
    },
  },
];

function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] as number;
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

export function findRoot(from: string): string {
  let dir = path.resolve(from);
  for (let depth = 0; depth < 12; depth++) {
    const pkg = path.join(dir, 'package.json');
    if (
      fs.existsSync(pkg) &&
      (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string }).name === 'swarmscope'
    ) {
      return dir;
    }
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new Error(`piece-map bench: no swarmscope package.json above ${from}`);
}

export async function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`piece-map bench: ${what} took over ${ms} ms`)),
          ms,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

async function buildPage(root: string, dir: string): Promise<string> {
  const requireFromRoot = createRequire(path.join(root, 'package.json'));
  const esbuild = requireFromRoot('esbuild') as typeof import('esbuild');
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: [path.join(root, 'src-renderer/components/piece-map/bench-page.ts')],
    outfile: path.join(dir, 'page.js'),
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    minify: true,
    logLevel: 'warning',
  });
  const html = path.join(dir, 'index.html');
  fs.writeFileSync(
    html,
    '<!doctype html><html><head><meta charset="utf-8"><title>piece map bench</title>' +
      '<style>body{margin:0}</style></head><body><script src="page.js"></script></body></html>\n',
  );
  return pathToFileURL(html).href;
}

export async function runPieceMapBench(
  options: PieceMapBenchOptions = {},
): Promise<Record<string, unknown>> {
  const pieces = options.pieces ?? 100_000;
  const frames = options.frames ?? 300;
  const log = options.log ?? ((line: string) => process.stderr.write(`[bench] ${line}\n`));
  const root = options.root ?? findRoot(process.cwd());
  const requireFromRoot = createRequire(path.join(root, 'package.json'));
  const { chromium } = requireFromRoot('@playwright/test') as typeof import('@playwright/test');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarmscope-piece-map-bench-'));
  let server: Awaited<ReturnType<typeof chromium.launchServer>> | undefined;
  let browser: Awaited<ReturnType<typeof chromium.connect>> | undefined;
  let browserPid: number | undefined;
  try {
    const url = await buildPage(root, dir);
    // launchServer, not launch: it exposes the browser process, so the finally can kill its PID.
    server = await chromium.launchServer({
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: CHROMIUM_ARGS,
    });
    browserPid = server.process().pid;
    browser = await chromium.connect(server.wsEndpoint());
    const version = browser.version();
    const results: Record<string, unknown> = {};
    let allOk = true;
    for (const scenario of scenarios) {
      const context = await browser.newContext({
        viewport: { width: 1200, height: 800 },
        deviceScaleFactor: scenario.dpr,
      });
      try {
        const page = await context.newPage();
        await page.goto(url);
        const config: PieceMapBenchConfig = { ...scenario.config, pieces, frames };
        const r = await withDeadline(
          page.evaluate((c) => {
            // Runs in the page, where bench-page.ts put this on window.
            const run = (
              globalThis as {
                runPieceMapBench?: (c: PieceMapBenchConfig) => Promise<PieceMapBenchResult>;
              }
            ).runPieceMapBench;
            if (!run) throw new Error('the bench page did not load');
            return run(c);
          }, config),
          PAGE_DEADLINE_MS,
          scenario.name,
        );
        const summary = summarize(r);
        allOk &&= summary.ok;
        results[scenario.name] = summary;
        log(
          `piece-map ${scenario.name}: ${r.mode} ${r.widthPx}x${r.heightPx} (cell ${r.cellPx}px), ` +
            `${r.changedPerFrame} changes/frame: median ${summary.frameMedianMs} ms, p95 ${summary.frameP95Ms} ms ` +
            `(rasterize only ${summary.rasterizeOnlyMedianMs} ms; full frame ${summary.fullFrameMedianMs} ms)`,
        );
      } finally {
        await context.close();
      }
    }
    return {
      chromium: version,
      pieces,
      frames,
      changedPerFrame: Math.round(pieces * 0.01),
      targetMedianFrameMs: TARGET_MEDIAN_FRAME_MS,
      ok: allOk,
      scenarios: results,
    };
  } finally {
    if (browser) {
      await browser
        .close()
        .catch((err: unknown) => log(`piece-map: closing chromium failed: ${String(err)}`));
    }
    if (browserPid !== undefined) killIfAlive(browserPid);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function summarize(r: PieceMapBenchResult) {
  const frameMedianMs = round3(percentile(r.frameMs, 50));
  return {
    mode: r.mode,
    widthPx: r.widthPx,
    heightPx: r.heightPx,
    cellPx: r.cellPx,
    dpr: r.dpr,
    changedPerFrame: r.changedPerFrame,
    frames: r.frameMs.length,
    frameMedianMs,
    frameP95Ms: round3(percentile(r.frameMs, 95)),
    // performance.now is coarsened to 0.1 ms in a page that is not cross-origin isolated; the
    // mean over all frames resolves finer.
    frameMeanMs: round3(r.frameMs.reduce((a, b) => a + b, 0) / r.frameMs.length),
    frameMaxMs: round3(Math.max(...r.frameMs)),
    rasterizeOnlyMedianMs: round3(percentile(r.rasterizeOnlyMs, 50)),
    rasterizeOnlyP95Ms: round3(percentile(r.rasterizeOnlyMs, 95)),
    fullFrameMedianMs: round3(percentile(r.fullFrameMs, 50)),
    fullFrameMeanMs: round3(r.fullFrameMs.reduce((a, b) => a + b, 0) / r.fullFrameMs.length),
    fullFrameP95Ms: round3(percentile(r.fullFrameMs, 95)),
    frameIntervalMedianMs: round3(percentile(r.frameIntervalMs, 50)),
    ok: frameMedianMs <= TARGET_MEDIAN_FRAME_MS,
  };
}

/** Chromium normally exits on close(); if it did not, stop it by its PID. */
export function killIfAlive(pid: number): void {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return;
    throw err;
  }
  process.kill(pid, 'SIGKILL');
}
