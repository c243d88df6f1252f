/**
 * A torrent's transfer counters: bytes up and down (all-time and this run), their rates, the
 * upload-rate history for the seeding chart and the distinct peers served.
 *
 * Invariants:
 * - Totals are all-time: they start from the totals of earlier runs (the resume file, else
 *   session.json), so ratios survive restarts; `thisRun()` leaves those out, because trackers
 *   must hear this run's only. This object is the one source of truth while the torrent is
 *   loaded; both files are written from it.
 * - Seconds active count the time the torrent was started (checking, downloading or seeding),
 *   across runs, by the injected clock.
 * - The history holds at most `historySamples` samples, one per `sampleUpRate()`.
 * - Clocked: rates and served peers read the injected clock.
 */
import type { Clock } from '../time/clock';
import { RateMeter } from '../net/rate-meter';
import { RATE_HISTORY_SAMPLES } from '../limits';
import { ServedPeers } from './served-peers';
import { pushSample } from './status';

export interface TransferTotals {
  uploadedBytes: number;
  downloadedBytes: number;
  /** Absent in totals saved before seconds active were kept. */
  activeSeconds?: number;
}

export class TransferCounters {
  private uploaded: number;
  private downloaded: number;
  private readonly down: RateMeter;
  private readonly up: RateMeter;
  private readonly served = new ServedPeers();
  private readonly upHistory: number[] = [];
  /** Active time of earlier runs and of this run's finished stretches, in ms. */
  private activeMs: number;
  /** When the current active stretch began; null while stopped. */
  private activeSince: number | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly prior: TransferTotals = { uploadedBytes: 0, downloadedBytes: 0 },
    private readonly historySamples = RATE_HISTORY_SAMPLES,
  ) {
    this.uploaded = prior.uploadedBytes;
    this.downloaded = prior.downloadedBytes;
    this.activeMs = (prior.activeSeconds ?? 0) * 1000;
    this.down = new RateMeter(clock);
    this.up = new RateMeter(clock);
  }

  /** `bytes` of piece data sent to the peer `peerKey`. */
  sent(peerKey: string, bytes: number): void {
    this.uploaded += bytes;
    this.served.add(peerKey, this.clock.now());
    this.up.add(bytes);
  }

  received(bytes: number): void {
    this.downloaded += bytes;
    this.down.add(bytes);
  }

  /** The torrent started (true) or stopped (false): seconds active count while started. */
  setActive(active: boolean): void {
    const now = this.clock.now();
    if (active && this.activeSince === null) this.activeSince = now;
    if (!active && this.activeSince !== null) {
      this.activeMs += Math.max(0, now - this.activeSince);
      this.activeSince = null;
    }
  }

  /** Whole seconds the torrent has been active, across runs. */
  get activeSeconds(): number {
    const running =
      this.activeSince === null ? 0 : Math.max(0, this.clock.now() - this.activeSince);
    return Math.floor((this.activeMs + running) / 1000);
  }

  /** Once a tick: the upload rate now, for the seeding chart. */
  sampleUpRate(): void {
    pushSample(this.upHistory, this.up.rateBps(), this.historySamples);
  }

  /** What trackers hear: this run's bytes, without earlier runs'. */
  thisRun(): { uploaded: number; downloaded: number } {
    return {
      uploaded: this.uploaded - this.prior.uploadedBytes,
      downloaded: this.downloaded - this.prior.downloadedBytes,
    };
  }

  get uploadedBytes(): number {
    return this.uploaded;
  }

  get downloadedBytes(): number {
    return this.downloaded;
  }

  get peersServed(): number {
    return this.served.size;
  }

  get upRateHistoryBps(): readonly number[] {
    return this.upHistory;
  }

  downRateBps(): number {
    return this.down.rateBps();
  }

  upRateBps(): number {
    return this.up.rateBps();
  }
}
