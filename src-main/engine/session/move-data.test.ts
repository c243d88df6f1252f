import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EngineError } from '../errors';
import { moveFiles } from './move-data';

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'swarmscope-move-'));
});
afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

function put(file: string, size: number, seed: number): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(
    file,
    new Uint8Array(size).map((_, i) => (i * seed) & 0xff),
  );
}

function items(from: string, to: string, names: string[]) {
  return names.map((n) => ({ from: path.join(from, n), to: path.join(to, n) }));
}

describe('moveFiles', () => {
  it('moves the files that exist, reports progress, and removes the folders they left', async () => {
    const from = path.join(root, 'old');
    const to = path.join(root, 'new');
    put(path.join(from, 't', 'a.bin'), 3_000, 3);
    put(path.join(from, 't', 'sub', 'b.bin'), 5_000, 5);
    const progress: [number, number][] = [];
    const moved = await moveFiles(
      items(from, to, ['t/a.bin', 't/sub/b.bin', 't/never-downloaded.bin']),
      { fromRoot: from, toRoot: to, onProgress: (d, t) => progress.push([d, t]) },
    );
    expect(moved).toBe(8_000);
    expect(progress.at(0)).toEqual([0, 8_000]);
    expect(progress.at(-1)).toEqual([8_000, 8_000]);
    expect(fs.statSync(path.join(to, 't', 'sub', 'b.bin')).size).toBe(5_000);
    expect(fs.existsSync(path.join(from, 't'))).toBe(false);
    expect(fs.existsSync(from)).toBe(true);
  });

  it('never overwrites a file at the target: nothing moves', async () => {
    const from = path.join(root, 'old');
    const to = path.join(root, 'new');
    put(path.join(from, 'a'), 10, 1);
    put(path.join(from, 'b'), 10, 2);
    put(path.join(to, 'b'), 4, 9);
    const err = await moveFiles(items(from, to, ['a', 'b']), { fromRoot: from, toRoot: to }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).code).toBe('already-exists');
    expect(fs.existsSync(path.join(from, 'a'))).toBe(true);
    expect(fs.statSync(path.join(to, 'b')).size).toBe(4);
  });

  it('puts back what it moved when a later file cannot move', async () => {
    const from = path.join(root, 'old');
    const to = path.join(root, 'new');
    put(path.join(from, 'a'), 10, 1);
    put(path.join(from, 'd', 'b'), 10, 2);
    put(path.join(to, 'd'), 1, 1); // a file where the folder d must go
    const err = await moveFiles(items(from, to, ['a', 'd/b']), {
      fromRoot: from,
      toRoot: to,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(fs.existsSync(path.join(from, 'a'))).toBe(true);
    expect(fs.existsSync(path.join(to, 'a'))).toBe(false);
    expect(fs.existsSync(path.join(from, 'd', 'b'))).toBe(true);
  });

  const other = (() => {
    const dir = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'swarmscope-dev-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir], { stdio: 'pipe' });
      return { dir };
    } catch (e) {
      fs.rmSync(dir, { recursive: true, force: true });
      const reason = e instanceof Error ? e.message.split('\n')[0] : String(e);
      console.warn(`skipping the cross-device move: cannot mount a tmpfs (${reason})`);
      return null;
    }
  })();
  afterAll(() => {
    if (other === null) return;
    execFileSync('umount', [other.dir], { stdio: 'pipe' });
    fs.rmSync(other.dir, { recursive: true, force: true });
  });

  it.skipIf(other === null)(
    'copies then unlinks across devices (EXDEV), leaving no temporary file',
    async () => {
      const dir = other!.dir;
      const from = path.join(root, 'old');
      put(path.join(from, 'x', 'big.bin'), 300_000, 7);
      const before = fs.readFileSync(path.join(from, 'x', 'big.bin'));
      const progress: number[] = [];
      await moveFiles(items(from, dir, ['x/big.bin']), {
        fromRoot: from,
        toRoot: dir,
        onProgress: (d) => progress.push(d),
      });
      expect(fs.readFileSync(path.join(dir, 'x', 'big.bin')).equals(before)).toBe(true);
      expect(fs.existsSync(path.join(from, 'x'))).toBe(false);
      expect(fs.readdirSync(path.join(dir, 'x'))).toEqual(['big.bin']);
      expect(progress.at(-1)).toBe(300_000);
    },
  );
});
