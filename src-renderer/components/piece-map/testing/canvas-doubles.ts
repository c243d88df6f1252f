/**
 * Test doubles for the piece-map painter: a canvas that keeps the last uploaded pixels, and
 * animation frames that run only when the test says so.
 */
import type { FrameScheduler } from '../piece-map-painter';

/** A canvas double: records putImageData calls and keeps the last uploaded pixels. */
export function fakeCanvas() {
  const puts: { dirty: number[] | null }[] = [];
  let screen = new Uint32Array(0);
  const context = {
    createImageData(width: number, height: number) {
      return { data: new Uint8ClampedArray(width * height * 4), width, height };
    },
    putImageData(image: { data: Uint8ClampedArray }, _x: number, _y: number, ...dirty: number[]) {
      puts.push({ dirty: dirty.length ? dirty : null });
      screen = new Uint32Array(Uint8ClampedArray.from(image.data).buffer);
    },
  };
  const canvas = {
    width: 0,
    height: 0,
    style: { width: '', height: '' },
    getContext: () => context,
  };
  return { canvas: canvas as unknown as HTMLCanvasElement, puts, screen: () => screen };
}

/** Frames run only when the test says so. */
export function manualFrames() {
  const queue = new Map<number, () => void>();
  let next = 1;
  const scheduler: FrameScheduler = {
    request(cb) {
      queue.set(next, cb);
      return next++;
    },
    cancel(handle) {
      queue.delete(handle);
    },
  };
  return {
    scheduler,
    pending: () => queue.size,
    run() {
      const cbs = [...queue.values()];
      queue.clear();
      for (const cb of cbs) cb();
    },
  };
}
