/**
 * Create-and-seed jobs: hash a file or folder into a new torrent (in the hash-and-write pool), then add it
 * to the session as complete, reporting progress at a bounded rate.
 *
 * Invariants: every job ends with exactly one final `job-progressed` (done, failed or
 * cancelled) and leaves the running set; `abortAll()` cancels every job still running.
 */
import path from 'node:path';
import type { JobProgress, TorrentId, TrackerServerStats } from '../../../src-shared/model';
import type { AddOptions, CreateOptions } from '../api';
import { EngineError } from '../errors';
import type { HashWritePool } from '../hash';
import type { Metainfo } from '../metainfo';
import { createTorrent, toMagnet } from '../metainfo';
import { RateMeter } from '../net/rate-meter';
import type { Clock } from '../time/clock';

/** Progress events per job are at least this far apart (the last one always goes out). */
export const JOB_PROGRESS_INTERVAL_MS = 200;
/** The rate shown is averaged over this window. */
const JOB_RATE_WINDOW_MS = 3000;

export interface SeedJobsDeps {
  clock: Clock;
  hashWritePool: HashWritePool;
  createdBy: string;
  trackerStats: () => TrackerServerStats;
  /** Already in the session? Then the job only reports it. */
  has: (id: TorrentId) => boolean;
  addMeta: (meta: Metainfo, opts: AddOptions, complete: boolean) => Promise<TorrentId>;
  progressed: (progress: JobProgress) => void;
}

interface Job {
  id: string;
  abort: AbortController;
  progress: JobProgress;
  lastEmitAt: number;
}

export class SeedJobs {
  private readonly jobs = new Map<string, Job>();
  private seq = 0;

  constructor(private readonly deps: SeedJobsDeps) {}

  get running(): number {
    return this.jobs.size;
  }

  start(opts: CreateOptions): { jobId: string } {
    const jobId = `job-${++this.seq}`;
    const job: Job = {
      id: jobId,
      abort: new AbortController(),
      lastEmitAt: 0,
      progress: {
        jobId,
        kind: 'create',
        label: path.basename(opts.path),
        doneBytes: 0,
        totalBytes: 0,
        rateBps: 0,
        etaSec: null,
        state: 'running',
        error: null,
        result: null,
      },
    };
    this.jobs.set(jobId, job);
    void this.run(job, opts);
    return { jobId };
  }

  cancel(jobId: string): void {
    const job = this.jobs.get(jobId);
    if (!job) throw new EngineError('not-found', `no running job ${jobId}`);
    job.abort.abort();
  }

  abortAll(): void {
    for (const job of this.jobs.values()) job.abort.abort();
  }

  private async run(job: Job, opts: CreateOptions): Promise<void> {
    const { clock } = this.deps;
    const started = clock.now();
    const meter = new RateMeter(clock, JOB_RATE_WINDOW_MS);
    let last = 0;
    try {
      const trackers = [...(opts.trackers ?? [])];
      // The embedded tracker's URLs are one tier: they are one tracker under several addresses.
      let embedded: string[] = [];
      if (opts.useEmbeddedTracker) {
        const stats = this.deps.trackerStats();
        if (!stats.running)
          throw new EngineError('bad-request', 'the embedded tracker is not running');
        embedded = stats.announceUrls.filter((url) => !trackers.includes(url));
      }
      const source = path.resolve(opts.path);
      const { meta } = await createTorrent(source, {
        pieceLength: opts.pieceLength,
        trackers: [...(embedded.length > 0 ? [embedded] : []), ...trackers.map((t) => [t])],
        private: opts.private,
        comment: opts.comment,
        webSeeds: opts.webSeeds,
        createdBy: this.deps.createdBy,
        signal: job.abort.signal,
        pool: this.deps.hashWritePool,
        onProgress: (done, total) => {
          meter.add(done - last);
          last = done;
          const p = job.progress;
          p.doneBytes = done;
          p.totalBytes = total;
          p.rateBps = meter.rateBps() || (done / Math.max(1, clock.now() - started)) * 1000;
          p.etaSec = p.rateBps > 0 ? Math.round((total - done) / p.rateBps) : null;
          this.emit(job, false);
        },
      });
      const savePath = path.dirname(source);
      const id = this.deps.has(meta.infoHashHex)
        ? meta.infoHashHex
        : await this.deps.addMeta(meta, { savePath }, true);
      job.progress.state = 'done';
      job.progress.doneBytes = job.progress.totalBytes = meta.totalLength;
      job.progress.etaSec = 0;
      job.progress.result = {
        id,
        name: meta.name,
        magnet: toMagnet(meta),
        announceUrls: meta.announceList.flat(),
      };
    } catch (err) {
      job.progress.state = job.abort.signal.aborted ? 'cancelled' : 'failed';
      job.progress.error = job.abort.signal.aborted ? 'cancelled' : errMessage(err);
    }
    this.jobs.delete(job.id);
    this.emit(job, true);
  }

  private emit(job: Job, force: boolean): void {
    const now = this.deps.clock.now();
    if (!force && now - job.lastEmitAt < JOB_PROGRESS_INTERVAL_MS) return;
    job.lastEmitAt = now;
    this.deps.progressed({ ...job.progress });
  }
}

function errMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
