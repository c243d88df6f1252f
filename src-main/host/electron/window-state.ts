/**
 * The main window's size, position and maximized state, remembered in the user-data folder
 * (`window-state.json`) across restarts (issue 6).
 *
 * Invariants:
 * - Whatever the file holds (missing, corrupt, hand-edited, from a monitor since unplugged),
 *   `parseWindowState` returns a usable state: sizes clamped to the minimum and to the largest
 *   display, and a position only if the window's top edge lands on a display the user still
 *   has (otherwise the OS centres it).
 * - Saving is debounced while the user drags or resizes, and done synchronously on close, so
 *   the last state is on disk before the app quits. Only normal (unmaximized) bounds are saved.
 * - Works over structural types, so tests use plain fakes and never load 'electron'.
 */
import fs from 'node:fs';
import path from 'node:path';
import { systemClock, type Clock, type TimerHandle } from '../../engine';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  /** Absent when the OS should place the window. */
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

export const windowStateFileName = 'window-state.json';
/** Matches createMainWindow's defaults and minimums. */
export const defaultWindowSize = { width: 1200, height: 760 } as const;
export const minWindowSize = { width: 720, height: 420 } as const;
/** Resize and move events come many a second while dragging: save after they settle. */
export const windowStateSaveDelayMs = 500;
/** How much of the window's top edge must be on a display to keep the saved position. */
const minVisibleTitleBarPx = 48;

function finite(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(Math.max(v, lo), Math.max(lo, hi));
}

/** True when a strip along the window's top edge overlaps a display work area. */
function titleBarVisible(win: Rect, displays: readonly Rect[]): boolean {
  return displays.some((d) => {
    const overlapX = Math.min(win.x + win.width, d.x + d.width) - Math.max(win.x, d.x);
    const topInside = win.y >= d.y && win.y < d.y + d.height - minVisibleTitleBarPx / 2;
    return overlapX >= minVisibleTitleBarPx && topInside;
  });
}

/** Reads a saved state defensively (see the module invariants). */
export function parseWindowState(text: string | null, displays: readonly Rect[]): WindowState {
  const fallback: WindowState = { ...defaultWindowSize, maximized: false };
  if (text === null) return fallback;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    // A corrupt file (a crash mid-write) only costs the saved geometry: start from defaults.
    return fallback;
  }
  if (typeof raw !== 'object' || raw === null) return fallback;
  const o = raw as Record<string, unknown>;
  const maxWidth = Math.max(minWindowSize.width, ...displays.map((d) => d.width));
  const maxHeight = Math.max(minWindowSize.height, ...displays.map((d) => d.height));
  const width = finite(o.width)
    ? clamp(Math.round(o.width), minWindowSize.width, maxWidth)
    : fallback.width;
  const height = finite(o.height)
    ? clamp(Math.round(o.height), minWindowSize.height, maxHeight)
    : fallback.height;
  const state: WindowState = { width, height, maximized: o.maximized === true };
  if (finite(o.x) && finite(o.y)) {
    const at = { x: Math.round(o.x), y: Math.round(o.y), width, height };
    if (titleBarVisible(at, displays)) {
      state.x = at.x;
      state.y = at.y;
    }
  }
  return state;
}

export function loadWindowState(userDataDir: string, displays: readonly Rect[]): WindowState {
  const file = path.join(userDataDir, windowStateFileName);
  let text: string | null = null;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as { code?: unknown }).code !== 'ENOENT') {
      console.warn(`window state: cannot read ${file}:`, err);
    }
  }
  return parseWindowState(text, displays);
}

/** The parts of a BrowserWindow that restoring needs. */
export interface RestorableWindow {
  setBounds(bounds: Partial<Rect>): void;
  center(): void;
  maximize(): void;
}

/** Applies a loaded state to a window not yet shown (so it never jumps on screen). */
export function applyWindowState(win: RestorableWindow, state: WindowState): void {
  if (state.x !== undefined && state.y !== undefined) {
    win.setBounds({ x: state.x, y: state.y, width: state.width, height: state.height });
  } else {
    win.setBounds({ width: state.width, height: state.height });
    win.center();
  }
  if (state.maximized) win.maximize();
}

/** The parts of a BrowserWindow that tracking needs. */
export interface TrackedWindow {
  getNormalBounds(): Rect;
  isMaximized(): boolean;
  isDestroyed(): boolean;
  on(event: 'resize' | 'move' | 'maximize' | 'unmaximize' | 'close', fn: () => void): unknown;
  removeListener(event: string, fn: () => void): unknown;
}

export interface TrackOptions {
  userDataDir: string;
  clock?: Clock;
  /** Where write failures go (they never throw into Electron's event loop). */
  onError?: (err: unknown) => void;
}

export function currentWindowState(win: TrackedWindow): WindowState {
  const b = win.getNormalBounds();
  return { x: b.x, y: b.y, width: b.width, height: b.height, maximized: win.isMaximized() };
}

/**
 * Saves the window's state as it changes (debounced) and when it closes. Writes go to a
 * temporary file renamed into place, so a crash never leaves half a JSON file. Returns dispose.
 */
export function trackWindowState(win: TrackedWindow, opts: TrackOptions): () => void {
  const clock = opts.clock ?? systemClock;
  const file = path.join(opts.userDataDir, windowStateFileName);
  const onError = opts.onError ?? ((err) => console.warn('window state: cannot save:', err));
  let timer: TimerHandle | null = null;

  const saveNow = (): void => {
    timer?.cancel();
    timer = null;
    if (win.isDestroyed()) return;
    const tmp = `${file}.tmp`;
    try {
      fs.mkdirSync(opts.userDataDir, { recursive: true });
      fs.writeFileSync(tmp, JSON.stringify(currentWindowState(win)));
      fs.renameSync(tmp, file);
    } catch (err) {
      onError(err);
    }
  };
  const saveSoon = (): void => {
    timer?.cancel();
    timer = clock.setTimeout(saveNow, windowStateSaveDelayMs);
  };

  const events = ['resize', 'move', 'maximize', 'unmaximize'] as const;
  for (const e of events) win.on(e, saveSoon);
  win.on('close', saveNow);
  return () => {
    timer?.cancel();
    timer = null;
    for (const e of events) win.removeListener(e, saveSoon);
    win.removeListener('close', saveNow);
  };
}
