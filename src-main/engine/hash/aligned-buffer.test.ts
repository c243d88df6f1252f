import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { pageAlignedBytes } from './aligned-buffer';

describe('pageAlignedBytes', () => {
  let dir: string | null = null;
  afterEach(() => {
    if (dir !== null) rmSync(dir, { recursive: true, force: true });
    dir = null;
  });

  it('is exactly the bytes asked for, zeroed, at the start of its own memory', () => {
    const buf = pageAlignedBytes(100_000);
    expect(buf.length).toBe(100_000);
    expect(buf.byteOffset).toBe(0);
    // Its memory is whole 64 KiB pages, of which it shows the first `bytes`.
    expect(buf.buffer.byteLength).toBe(131_072);
    expect(buf.every((b) => b === 0)).toBe(true);
  });

  it('takes a file read as any buffer does', () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'aligned-'));
    const file = path.join(dir, 'f');
    const data = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7) & 255));
    writeFileSync(file, data);
    const buf = pageAlignedBytes(65_536);
    const fd = openSync(file, 'r');
    try {
      expect(readSync(fd, buf, 0, buf.length, 1000)).toBe(65_536);
    } finally {
      closeSync(fd);
    }
    expect(Buffer.from(buf).equals(data.subarray(1000, 1000 + 65_536))).toBe(true);
  });

  it('falls back to a plain buffer when no WebAssembly memory can be had', () => {
    // As under a `ulimit -v` too small for V8's reservation of address space.
    // The engine's TypeScript libs (no DOM) declare no WebAssembly value.
    const wasm = (globalThis as unknown as { WebAssembly: { Memory: new () => unknown } })
      .WebAssembly;
    const spy = vi.spyOn(wasm, 'Memory').mockImplementation(() => {
      throw new RangeError('WebAssembly.Memory(): could not allocate memory');
    });
    try {
      const buf = pageAlignedBytes(100_000);
      expect(spy).toHaveBeenCalledTimes(1);
      expect(buf.length).toBe(100_000);
      expect(buf.buffer.byteLength).toBe(100_000);
      expect(buf.every((b) => b === 0)).toBe(true);
    } finally {
      spy.mockRestore();
    }
  });

  it('refuses sizes that are not positive integers', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expect(() => pageAlignedBytes(bad)).toThrow(RangeError);
    }
  });
});
