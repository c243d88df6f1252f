import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../testing/fixtures';
import { forEachLimit, readSmallFile } from './small-files';

describe('small files at start-up (issue 20)', () => {
  it('readSmallFile reads a file whole, and rejects with its code when it is missing', async () => {
    const dir = tempDir('small-files-');
    try {
      fs.writeFileSync(path.join(dir, 'a'), 'hello');
      expect((await readSmallFile(path.join(dir, 'a'))).toString()).toBe('hello');
      await expect(readSmallFile(path.join(dir, 'b'))).rejects.toMatchObject({ code: 'ENOENT' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('forEachLimit visits every item once, never more than `limit` at a time', async () => {
    const items = Array.from({ length: 100 }, (_, i) => i);
    const seen: number[] = [];
    let running = 0;
    let most = 0;
    await forEachLimit(items, 7, async (i) => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setImmediate(r));
      seen.push(i);
      running--;
    });
    expect(seen.sort((a, b) => a - b)).toEqual(items);
    expect(most).toBe(7);
    await forEachLimit([], 7, () => Promise.reject(new Error('never')));
    await expect(
      forEachLimit([1, 2, 3], 2, (i) =>
        i === 2 ? Promise.reject(new Error('two')) : Promise.resolve(),
      ),
    ).rejects.toThrow('two');
  });
});
