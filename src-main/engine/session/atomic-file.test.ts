import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '../../testing/fixtures';
import {
  AtomicFile,
  DATA_FILE_MODE,
  backupPath,
  readJsonWithBackup,
  writeFileAtomic,
} from './atomic-file';

let dir: string | null = null;
afterEach(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  dir = null;
});

function isCounter(v: unknown): v is { n: number } {
  return typeof v === 'object' && v !== null && typeof (v as { n?: unknown }).n === 'number';
}

describe('writeFileAtomic', () => {
  it('concurrent writes to one file never collide on a temp name and leave one whole version', async () => {
    dir = tempDir('atomic');
    const file = path.join(dir, 'list.json');
    const bodies = Array.from({ length: 200 }, (_, i) =>
      JSON.stringify({ n: i, pad: 'x'.repeat(i * 7) }),
    );
    await Promise.all(bodies.map((b) => writeFileAtomic(file, b, { keepBackup: true })));
    expect(bodies).toContain(fs.readFileSync(file, 'utf8'));
    expect(fs.readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('keeps the previous version as the backup', async () => {
    dir = tempDir('atomic');
    const file = path.join(dir, 'a.json');
    await writeFileAtomic(file, '{"n":1}', { keepBackup: true });
    expect(fs.existsSync(backupPath(file))).toBe(false);
    await writeFileAtomic(file, '{"n":2}', { keepBackup: true });
    expect(fs.readFileSync(file, 'utf8')).toBe('{"n":2}');
    expect(fs.readFileSync(backupPath(file), 'utf8')).toBe('{"n":1}');
  });

  it.runIf(process.platform !== 'win32')('creates files readable by their owner only', async () => {
    dir = tempDir('atomic');
    const file = path.join(dir, 'a.json');
    await writeFileAtomic(file, '{}');
    expect(fs.statSync(file).mode & 0o777).toBe(DATA_FILE_MODE);
  });
});

describe('AtomicFile', () => {
  it('coalesces saves asked for while one runs into exactly one more, with the latest state', async () => {
    dir = tempDir('atomic');
    let state = 0;
    const f = new AtomicFile(path.join(dir, 's.json'), () => JSON.stringify({ n: state }));
    const saves: Promise<void>[] = [];
    for (let i = 1; i <= 300; i++) {
      state = i;
      saves.push(f.save());
    }
    await Promise.all(saves);
    // The first save started at once; the 299 asked for meanwhile became one more.
    expect(f.writes).toBe(2);
    expect(JSON.parse(fs.readFileSync(f.file, 'utf8'))).toEqual({ n: 300 });
  });

  it('a save resolves only after a write that saw its change', async () => {
    dir = tempDir('atomic');
    let state = 0;
    const f = new AtomicFile(path.join(dir, 's.json'), () => JSON.stringify({ n: state }));
    void f.save();
    state = 7;
    await f.save();
    expect(JSON.parse(fs.readFileSync(f.file, 'utf8'))).toEqual({ n: 7 });
  });

  it('a failed write rejects its savers, and later saves still work', async () => {
    dir = tempDir('atomic');
    const f = new AtomicFile(path.join(dir, 'missing-folder', 's.json'), () => '{}');
    await expect(f.save()).rejects.toThrow(/ENOENT/);
    fs.mkdirSync(path.join(dir, 'missing-folder'));
    await f.save();
    expect(fs.readFileSync(f.file, 'utf8')).toBe('{}');
  });
});

describe('readJsonWithBackup', () => {
  it('reads the backup when the file is damaged, and keeps the damaged one aside', async () => {
    dir = tempDir('atomic');
    const file = path.join(dir, 's.json');
    fs.writeFileSync(file, '{"n":2}}}}}');
    fs.writeFileSync(backupPath(file), '{"n":1}');
    const read = await readJsonWithBackup(file, isCounter);
    expect(read).toEqual({ kind: 'ok', value: { n: 1 }, from: 'backup' });
    expect(fs.readFileSync(`${file}.broken`, 'utf8')).toBe('{"n":2}}}}}');
  });

  it('reports a damaged file with no usable backup, and a missing one as missing', async () => {
    dir = tempDir('atomic');
    const file = path.join(dir, 's.json');
    expect(await readJsonWithBackup(file, isCounter)).toEqual({ kind: 'missing' });
    fs.writeFileSync(file, '{"wrong":"shape"}');
    const read = await readJsonWithBackup(file, isCounter);
    expect(read.kind).toBe('damaged');
  });
});
