import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '../../testing/fixtures';
import { ManualClock } from '../time/clock';
import { RESUME_SAVE_INTERVAL_MS } from '../limits';
import { ResumeWriter } from './resume-writer';
import { readResumeFile } from './resume-file';
import type { ResumeData } from './resume-file';

const dirs: string[] = [];
const writers: ResumeWriter[] = [];
afterEach(async () => {
  for (const w of writers.splice(0)) await w.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const id = '12'.repeat(20);

/** A torrent whose resume data is its uploaded count; `bump` changes it. */
function torrent() {
  let uploaded = 0;
  let produced = 0;
  return {
    bump: () => void uploaded++,
    get produced() {
      return produced;
    },
    source: {
      fileName: `${id}.resume`,
      version: () => String(uploaded),
      produce: async (): Promise<ResumeData> => {
        produced++;
        return {
          infoHash: id,
          savePath: path.resolve('/x'),
          pieceCount: 1,
          verified: new Uint8Array(1),
          files: [null],
          paused: false,
          uploadedBytes: uploaded,
          downloadedBytes: 0,
          activeSeconds: 0,
          priorities: ['normal'],
          peers: [],
          trackers: [],
          savedAt: 0,
        };
      },
    },
  };
}

async function writer(): Promise<{ w: ResumeWriter; clock: ManualClock; dir: string }> {
  const dir = path.join(tempDir('resume-writer'), 'resume');
  dirs.push(path.dirname(dir));
  const clock = new ManualClock();
  const w = new ResumeWriter({ dir, clock, log: () => {} });
  writers.push(w);
  await w.prepare();
  return { w, clock, dir };
}

async function uploadedOnDisk(dir: string): Promise<number | null> {
  const r = await readResumeFile(path.join(dir, `${id}.resume`), {
    infoHash: id,
    pieceCount: 1,
    fileCount: 1,
    savePath: '/x',
  });
  return r.kind === 'ok' ? r.data.uploadedBytes : null;
}

/** Lets the batch the clock started run to its end (it writes real files). */
async function settle(w: ResumeWriter): Promise<void> {
  await w.idle();
}

describe('ResumeWriter', () => {
  it('writes in batches: nothing before the interval, once after it, nothing when unchanged', async () => {
    const { w, clock, dir } = await writer();
    const t = torrent();
    w.track(id, t.source);
    for (let i = 0; i < 1000; i++) t.bump();
    clock.advance(RESUME_SAVE_INTERVAL_MS - 1);
    expect(t.produced).toBe(0);
    clock.advance(1);
    await settle(w);
    expect(w.writes).toBe(1);
    expect(await uploadedOnDisk(dir)).toBe(1000);
    clock.advance(RESUME_SAVE_INTERVAL_MS);
    await settle(w);
    expect(w.writes).toBe(1);
  });

  it('writes at once when asked (completed, paused), and coalesces asks during a write', async () => {
    const { w, dir } = await writer();
    const t = torrent();
    w.track(id, t.source);
    t.bump();
    const first = w.saveNow(id);
    t.bump();
    const second = w.saveNow(id);
    t.bump();
    const third = w.saveNow(id);
    await Promise.all([first, second, third]);
    expect(w.writes).toBe(2);
    expect(await uploadedOnDisk(dir)).toBe(3);
  });

  it('deletes the file and its backup when the torrent is removed', async () => {
    const { w, dir } = await writer();
    const t = torrent();
    w.track(id, t.source);
    t.bump();
    await w.saveNow(id);
    t.bump();
    await w.saveNow(id);
    expect(fs.existsSync(path.join(dir, `${id}.resume.bak`))).toBe(true);
    await w.forget(id, true);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('writes what moved at shutdown, then nothing more', async () => {
    const { w, clock, dir } = await writer();
    const t = torrent();
    w.track(id, t.source);
    t.bump();
    await w.close();
    expect(await uploadedOnDisk(dir)).toBe(1);
    t.bump();
    clock.advance(RESUME_SAVE_INTERVAL_MS * 2);
    await w.saveNow(id);
    expect(w.writes).toBe(1);
    expect(clock.pending).toBe(0);
  });

  it('drops temp files a killed writer left behind', async () => {
    const { dir } = await writer();
    fs.writeFileSync(path.join(dir, `${id}.resume.4242.7.tmp`), 'half');
    const again = new ResumeWriter({ dir, clock: new ManualClock(), log: () => {} });
    writers.push(again);
    await again.prepare();
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
