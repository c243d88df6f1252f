import { afterAll, afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import type { JobProgress, TrackerServerStats } from '../../../src-shared/model';
import { HashWritePool } from '../hash';
import type { Metainfo } from '../metainfo';
import { systemClock } from '../time/clock';
import { tempDir, waitFor, writeFile } from '../../testing/fixtures';
import { SeedJobs } from './seed-jobs';
import type { SeedJobsDeps } from './seed-jobs';

const pool = new HashWritePool({ threads: 1 });
let dir: string | null = null;
afterAll(() => pool.close());
afterEach(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  dir = null;
});

const stopped = { running: false, announceUrls: [] } as unknown as TrackerServerStats;

function jobs(over: Partial<SeedJobsDeps> = {}): {
  jobs: SeedJobs;
  events: JobProgress[];
  added: { meta: Metainfo; savePath?: string; complete: boolean }[];
} {
  const events: JobProgress[] = [];
  const added: { meta: Metainfo; savePath?: string; complete: boolean }[] = [];
  const j = new SeedJobs({
    clock: systemClock,
    hashWritePool: pool,
    createdBy: 'test',
    trackerStats: () => stopped,
    has: () => false,
    addMeta: (meta, opts, complete) => {
      added.push({ meta, savePath: opts.savePath, complete });
      return Promise.resolve(meta.infoHashHex);
    },
    progressed: (p) => events.push(p),
    ...over,
  });
  return { jobs: j, events, added };
}

function finals(events: JobProgress[]): JobProgress[] {
  return events.filter((e) => e.state !== 'running');
}

describe('SeedJobs', () => {
  it('hashes the file, adds it as complete beside itself, and ends with one done event', async () => {
    dir = tempDir('seed');
    const file = path.join(dir, 'data.bin');
    writeFile(file, 300_000);
    const { jobs: j, events, added } = jobs();
    const { jobId } = j.start({ path: file, pieceLength: 16 * 1024, trackers: ['http://t/a'] });
    expect(j.running).toBe(1);
    await waitFor(() => finals(events).length > 0, 'the job to end', 10_000);
    const [done] = finals(events);
    expect(finals(events)).toHaveLength(1);
    expect(done).toMatchObject({ jobId, state: 'done', doneBytes: 300_000, totalBytes: 300_000 });
    expect(done?.result?.announceUrls).toEqual(['http://t/a']);
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ savePath: dir, complete: true });
    expect(added[0]?.meta.totalLength).toBe(300_000);
    expect(j.running).toBe(0);
  });

  it('a torrent already in the session is reported, not added twice', async () => {
    dir = tempDir('seed');
    const file = path.join(dir, 'data.bin');
    writeFile(file, 1000);
    const { jobs: j, events, added } = jobs({ has: () => true });
    j.start({ path: file });
    await waitFor(() => finals(events).length > 0, 'the job to end', 10_000);
    expect(finals(events)[0]?.state).toBe('done');
    expect(added).toEqual([]);
  });

  it('fails with a reason when the embedded tracker is wanted but stopped', async () => {
    dir = tempDir('seed');
    const file = path.join(dir, 'data.bin');
    writeFile(file, 1000);
    const { jobs: j, events } = jobs();
    j.start({ path: file, useEmbeddedTracker: true });
    await waitFor(() => finals(events).length > 0, 'the job to end', 10_000);
    expect(finals(events)[0]).toMatchObject({
      state: 'failed',
      error: 'the embedded tracker is not running',
    });
  });

  it('cancel ends the job as cancelled; an unknown job id is an error', async () => {
    dir = tempDir('seed');
    const file = path.join(dir, 'big.bin');
    writeFile(file, 8 << 20);
    const { jobs: j, events, added } = jobs();
    const { jobId } = j.start({ path: file, pieceLength: 16 * 1024 });
    j.cancel(jobId);
    await waitFor(() => finals(events).length > 0, 'the job to end', 10_000);
    expect(finals(events)[0]).toMatchObject({ state: 'cancelled', error: 'cancelled' });
    expect(added).toEqual([]);
    expect(() => j.cancel(jobId)).toThrow(/no running job/);
  });
});
