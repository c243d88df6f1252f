/**
 * Writes the torrents' resume files (resume-file.ts), batched and off the hot path.
 *
 * Invariants:
 * - Batched: a timer every `intervalMs` (RESUME_SAVE_INTERVAL_MS) writes the files of torrents
 *   whose resume data moved since their last write, one torrent after another; nothing else
 *   writes on its own. Changes that matter (a torrent completed, paused, removed; shutdown)
 *   call `saveNow`/`forget`/`close`, which write (or delete) at once.
 * - A verified piece costs a bit set in the completion store and nothing here: no write, no
 *   stat, no encode per piece (the bench must not see resume data).
 * - One writer per file: a save asked for while one of the same torrent runs is coalesced into
 *   exactly one more, made from the state at that time (as AtomicFile does).
 * - Every write is atomic (atomic-file.ts: temp, fsync, rename, `.bak`); a failed write is
 *   logged and retried at the next tick, never raised (the data is safe, only a restart slower).
 * - After `close()` no timer runs and nothing is written.
 */
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Clock, TimerHandle } from '../time/clock';
import { RESUME_SAVE_INTERVAL_MS } from '../limits';
import { DATA_DIR_MODE, backupPath, writeFileAtomic } from './atomic-file';
import { encodeResume } from './resume-file';
import type { ResumeData } from './resume-file';

/** What the writer needs of one torrent. */
export interface ResumeSource {
  /** The file's name inside the resume folder (resumeFileName). */
  fileName: string;
  /** Moves whenever the resume data would differ; compared, never interpreted. */
  version(): string;
  produce(): Promise<ResumeData>;
}

interface Entry {
  source: ResumeSource;
  /** The version the last successful write held; null: never written this run. */
  savedVersion: string | null;
  running: Promise<void> | null;
  again: boolean;
}

export interface ResumeWriterOptions {
  dir: string;
  clock: Clock;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
  intervalMs?: number;
}

/** Resume files written at once at shutdown. */
const CLOSE_WRITES_IN_FLIGHT = 16;
/** Temp names writeFileAtomic leaves when a process dies mid-write. */
const LEFTOVER_TEMP_FILE = /\.\d+\.\d+\.tmp$/;

export class ResumeWriter {
  readonly dir: string;
  private readonly entries = new Map<string, Entry>();
  private timer: TimerHandle | null = null;
  private closed = false;
  /** The timer's batch while it runs: one at a time. */
  private batch: Promise<void> | null = null;
  /** Files written so far, for tests. */
  writes = 0;

  constructor(private readonly opts: ResumeWriterOptions) {
    this.dir = opts.dir;
  }

  /** Make the folder (owner-only) and drop temp files a killed process left behind. */
  async prepare(): Promise<void> {
    await fsp.mkdir(this.dir, { recursive: true, mode: DATA_DIR_MODE });
    for (const name of await fsp.readdir(this.dir)) {
      if (LEFTOVER_TEMP_FILE.test(name)) await fsp.rm(path.join(this.dir, name), { force: true });
    }
    this.timer = this.opts.clock.setInterval(() => {
      if (this.batch) return;
      this.batch = this.saveChanged().finally(() => (this.batch = null));
    }, this.opts.intervalMs ?? RESUME_SAVE_INTERVAL_MS);
  }

  file(fileName: string): string {
    return path.join(this.dir, fileName);
  }

  track(id: string, source: ResumeSource): void {
    this.entries.set(id, { source, savedVersion: source.version(), running: null, again: false });
  }

  /**
   * Write this torrent's file now (it completed or paused). Resolves once a write made after
   * the call has landed, or failed (logged).
   */
  saveNow(id: string): Promise<void> {
    const e = this.entries.get(id);
    if (!e || this.closed) return Promise.resolve();
    return this.save(e);
  }

  /** The file on disk already holds this torrent's data as it is now (a trusting restart). */
  markSaved(id: string): void {
    const e = this.entries.get(id);
    if (e && e.running === null) e.savedVersion = e.source.version();
  }

  /** Stop writing this torrent's file; `deleteFile` removes it and its backup (removed). */
  async forget(id: string, deleteFile: boolean): Promise<void> {
    const e = this.entries.get(id);
    this.entries.delete(id);
    if (!e) return;
    // A write in flight would land after the delete and bring the file back.
    while (e.running) await e.running;
    if (!deleteFile) return;
    const file = this.file(e.source.fileName);
    // `.broken` is where a damaged copy was set aside (readJsonWithBackup).
    await Promise.all(
      [file, backupPath(file), `${file}.broken`].map((f) => fsp.rm(f, { force: true })),
    );
  }

  /** The batch: every torrent whose resume data moved since its last write, one at a time. */
  async saveChanged(): Promise<void> {
    for (const e of [...this.entries.values()]) {
      if (this.closed) return;
      if (e.running === null && e.source.version() !== e.savedVersion) await this.save(e);
    }
  }

  /** Resolves once no batch and no write is running. */
  async idle(): Promise<void> {
    while (this.batch) await this.batch;
    for (const e of this.entries.values()) while (e.running) await e.running;
  }

  /** Session shutdown: write what moved, then stop. Torrents are stopped first by the caller. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.timer?.cancel();
    this.timer = null;
    while (this.batch) await this.batch;
    // In parallel, a few at a time: 1,000 synced writes one after another held a shutdown for
    // many seconds.
    const due = [...this.entries.values()].filter(
      (e) => e.running !== null || e.source.version() !== e.savedVersion,
    );
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < due.length) await this.save(due[next++] as Entry);
    };
    await Promise.all(Array.from({ length: CLOSE_WRITES_IN_FLIGHT }, worker));
    this.closed = true;
    for (const e of this.entries.values()) while (e.running) await e.running;
  }

  private save(e: Entry): Promise<void> {
    if (e.running) {
      // One more round of the running drain, with the state of then; it resolves after it.
      e.again = true;
      return e.running;
    }
    e.running = this.drain(e);
    return e.running;
  }

  private async drain(e: Entry): Promise<void> {
    try {
      do {
        e.again = false;
        const version = e.source.version();
        try {
          const data = await e.source.produce();
          await writeFileAtomic(this.file(e.source.fileName), encodeResume(data), {
            keepBackup: true,
          });
          e.savedVersion = version;
          this.writes++;
        } catch (err) {
          this.opts.log(
            'error',
            `writing ${e.source.fileName} failed: ${err instanceof Error ? err.message : String(err)}`,
          );
        }
      } while (e.again && !this.closed);
    } finally {
      e.running = null;
    }
  }
}
