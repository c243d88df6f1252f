import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../engine/time/clock';
import {
  applyWindowState,
  loadWindowState,
  parseWindowState,
  trackWindowState,
  windowStateFileName,
  windowStateSaveDelayMs,
  type Rect,
  type TrackedWindow,
} from './window-state';

const laptop: Rect = { x: 0, y: 0, width: 1440, height: 900 };
const external: Rect = { x: 1440, y: 0, width: 2560, height: 1440 };

class FakeWindow implements TrackedWindow {
  bounds: Rect = { x: 100, y: 80, width: 1000, height: 700 };
  maximized = false;
  destroyed = false;
  listeners = new Map<string, Set<() => void>>();
  getNormalBounds = (): Rect => ({ ...this.bounds });
  isMaximized = (): boolean => this.maximized;
  isDestroyed = (): boolean => this.destroyed;
  on(event: string, fn: () => void): void {
    if (!this.listeners.has(event)) this.listeners.set(event, new Set());
    this.listeners.get(event)!.add(fn);
  }
  removeListener(event: string, fn: () => void): void {
    this.listeners.get(event)?.delete(fn);
  }
  emit(event: string): void {
    for (const fn of this.listeners.get(event) ?? []) fn();
  }
  count(): number {
    return [...this.listeners.values()].reduce((n, s) => n + s.size, 0);
  }
}

let dir = '';
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarmscope-winstate-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('parseWindowState', () => {
  it('keeps a saved position that is still on a display', () => {
    const text = JSON.stringify({ x: 1600, y: 100, width: 1300, height: 800, maximized: true });
    expect(parseWindowState(text, [laptop, external])).toEqual({
      x: 1600,
      y: 100,
      width: 1300,
      height: 800,
      maximized: true,
    });
  });

  it('drops the position when its display is gone, and clamps the size to what is left', () => {
    const text = JSON.stringify({ x: 1600, y: 100, width: 2400, height: 1300 });
    expect(parseWindowState(text, [laptop])).toEqual({
      width: 1440,
      height: 900,
      maximized: false,
    });
  });

  it('never goes below the minimum size', () => {
    const state = parseWindowState(JSON.stringify({ width: 10, height: -5 }), [laptop]);
    expect(state).toMatchObject({ width: 720, height: 420 });
  });

  it('falls back to defaults for missing, corrupt or foreign content', () => {
    const defaults = { width: 1200, height: 760, maximized: false };
    expect(parseWindowState(null, [laptop])).toEqual(defaults);
    expect(parseWindowState('{"width":', [laptop])).toEqual(defaults);
    expect(parseWindowState('[1,2]', [laptop])).toMatchObject(defaults);
    expect(parseWindowState('"x"', [laptop])).toEqual(defaults);
    expect(parseWindowState(JSON.stringify({ width: 'wide', x: 'left' }), [laptop])).toEqual(
      defaults,
    );
  });

  it('refuses a position whose title bar is above the screen', () => {
    const text = JSON.stringify({ x: 100, y: -400, width: 1000, height: 700 });
    expect(parseWindowState(text, [laptop]).x).toBeUndefined();
  });
});

describe('trackWindowState', () => {
  it('saves once the moves settle, and immediately on close', () => {
    const clock = new ManualClock();
    const win = new FakeWindow();
    const dispose = trackWindowState(win, { userDataDir: dir, clock });
    const file = path.join(dir, windowStateFileName);

    win.emit('move');
    win.bounds = { x: 200, y: 120, width: 1000, height: 700 };
    win.emit('move');
    clock.advance(windowStateSaveDelayMs - 1);
    expect(fs.existsSync(file)).toBe(false);
    clock.advance(1);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toMatchObject({ x: 200, y: 120 });

    win.maximized = true;
    win.emit('maximize');
    win.emit('close');
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toMatchObject({ maximized: true });
    expect(clock.pending).toBe(0);

    dispose();
    expect(win.count()).toBe(0);
    // What was saved comes back on the next start.
    expect(loadWindowState(dir, [laptop])).toEqual({
      x: 200,
      y: 120,
      width: 1000,
      height: 700,
      maximized: true,
    });
  });

  it('reports a write failure instead of throwing', () => {
    const clock = new ManualClock();
    const blocked = path.join(dir, 'not-a-folder');
    fs.writeFileSync(blocked, 'x');
    const errors: unknown[] = [];
    const win = new FakeWindow();
    const dispose = trackWindowState(win, {
      userDataDir: blocked,
      clock,
      onError: (e) => errors.push(e),
    });
    win.emit('close');
    expect(errors).toHaveLength(1);
    dispose();
  });
});

describe('applyWindowState', () => {
  it('places, or centres when there is no position, then maximizes', () => {
    const log: string[] = [];
    const win = {
      setBounds: (b: Partial<Rect>) => log.push(`bounds ${JSON.stringify(b)}`),
      center: () => log.push('center'),
      maximize: () => log.push('maximize'),
    };
    applyWindowState(win, { width: 900, height: 600, maximized: true });
    applyWindowState(win, { x: 5, y: 6, width: 900, height: 600, maximized: false });
    expect(log).toEqual([
      'bounds {"width":900,"height":600}',
      'center',
      'maximize',
      'bounds {"x":5,"y":6,"width":900,"height":600}',
    ]);
  });
});
