/**
 * The lab as a host serves it to the app (issue 19): at most one lab at a time, shared by every
 * window or browser tab. Our own session joins the lab torrent as an observing leecher (added
 * like any torrent, announcing to the lab tracker, saved in the lab's temp folder), so the app's
 * usual views - peers, pieces, trackers, log and the rest - watch the lab. State goes to
 * subscribers at most every LAB_REPORT_MS; closing removes the observer torrent and its data.
 */
import path from 'node:path';
import { systemClock, systemRandom } from '../engine';
import type { Clock, EngineApi, Random, TimerHandle } from '../engine';
import { ContractError, toLabView } from '../../src-shared/model';
import type { LabAction, LabConfig, LabView } from '../../src-shared/model';
import { forkLabChild } from './lab-child';
import type { SpawnLabChild } from './lab-child';
import { LAB_REPORT_MS, LabController } from './lab-controller';

export interface LabHostOptions {
  engine: EngineApi;
  spawn?: SpawnLabChild;
  clock?: Clock;
  random?: Random;
  tempRoot?: string;
}

type Listener = (lab: LabView | null) => void;

export class LabHost {
  private lab: LabController | null = null;
  private creating = false;
  private observerId: string | null = null;
  private readonly listeners = new Set<Listener>();
  private pending: TimerHandle | null = null;
  private readonly clock: Clock;

  constructor(private readonly opts: LabHostOptions) {
    this.clock = opts.clock ?? systemClock;
  }

  view(): LabView | null {
    return this.lab ? toLabView(this.lab.state()) : null;
  }

  subscribe(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  async create(config: LabConfig): Promise<LabView> {
    if (this.lab || this.creating)
      throw new ContractError('already-exists', 'a lab is already open: close it first');
    this.creating = true;
    try {
      const lab = new LabController({
        config,
        spawn: this.opts.spawn ?? forkLabChild(),
        clock: this.clock,
        random: this.opts.random ?? systemRandom,
        tempRoot: this.opts.tempRoot,
        onChange: () => this.changed(),
      });
      await lab.start();
      this.lab = lab;
      try {
        this.observerId = await this.opts.engine.addTorrent(
          { torrentFile: lab.torrentFile as Uint8Array },
          { savePath: path.join(lab.workDir as string, 'observer') },
        );
      } catch (err) {
        // Already in the list (a lab of the same content), or the engine refused: the lab runs
        // on, watched only through its own view.
        this.observerId = null;
        if (!(err instanceof Error && /already/.test(err.message))) throw err;
      }
    } catch (err) {
      await this.close();
      throw err;
    } finally {
      this.creating = false;
    }
    this.changed();
    return this.view() as LabView;
  }

  async act(action: LabAction): Promise<LabView> {
    if (!this.lab) throw new ContractError('not-found', 'no lab is open');
    await this.lab.act(action);
    return this.view() as LabView;
  }

  async close(): Promise<void> {
    const lab = this.lab;
    const observer = this.observerId;
    this.lab = null;
    this.observerId = null;
    this.pending?.cancel();
    this.pending = null;
    if (observer && this.opts.engine.summary(observer)) {
      await this.opts.engine.remove(observer, true).catch(() => undefined);
    }
    await lab?.close();
    for (const fn of this.listeners) fn(null);
  }

  /** Coalesces changes: one state a report interval at most. */
  private changed(): void {
    if (this.pending || !this.lab) return;
    this.pending = this.clock.setTimeout(() => {
      this.pending = null;
      const v = this.view();
      for (const fn of this.listeners) fn(v);
    }, LAB_REPORT_MS);
  }
}
