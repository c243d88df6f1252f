/**
 * One swarm lab (issue 19): its content, torrent, tracker and peer processes, and the state the
 * CLI prints and the app's Lab view draws.
 *
 * Lifecycle: `start()` makes a temp folder, writes or reads the content, starts a tracker on
 * 127.0.0.1, creates the torrent and spawns the seeders and corrupt peers at once and the
 * leechers and freeloaders at their arrival times. Children report about four times a second;
 * the lab is `complete` when every honest leecher's copy hashed to the original. `close()` stops
 * every child (SIGKILL by PID after a grace period), the tracker and the timers, and removes the
 * temp folder. Every action is refused with a reason rather than half-done.
 *
 * Invariants:
 * - At most LAB_MAX_* peers of each role, however many are added later.
 * - The original seeder (peer 0) may be removed only once every piece is held by another honest
 *   peer that is running (`piecesOutInSwarm`), so removing it never strands the swarm.
 * - A child that exits unasked is marked failed with its reason; the lab goes on.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createTorrent, HashWritePool, TrackerServer } from '../engine';
import type { Clock, Random, TimerHandle } from '../engine';
import {
  bitfieldBytes,
  ContractError,
  countPieces,
  defaultTrackerServerSettings,
  LAB_MAX_CORRUPT,
  LAB_MAX_FREELOADERS,
  LAB_MAX_LEECHERS,
  LAB_MAX_SEEDERS,
  LAB_MAX_SIZE_MIB,
  labConfigError,
  piecesOutInSwarm,
} from '../../src-shared/model';
import type {
  LabAction,
  LabBan,
  LabConfig,
  LabPeerState,
  LabRole,
  LabState,
} from '../../src-shared/model';
import { fileContent, generateContent } from './lab-content';
import type { LabContent } from './lab-content';
import type { LabChild, SpawnLabChild } from './lab-child';
import type { FromLabPeer } from './lab-protocol';

/** About four reports a second: smooth enough to watch, cheap for 60 processes. */
export const LAB_REPORT_MS = 250;
/** A peer that left by churn comes back after this long. */
export const LAB_CHURN_AWAY_MS = 5_000;
/** How long a child gets to close its session cleanly before it is killed. */
export const LAB_STOP_GRACE_MS = 2_000;
/** Short announce intervals, so late arrivals and returning peers are found quickly. */
const LAB_TRACKER_INTERVAL_SEC = 15;
const LAB_TRACKER_MIN_INTERVAL_SEC = 5;

/**
 * Pieces of at least 64 KiB, and at most about 512 of them: the matrix stays one screen wide,
 * and up to 60 processes on one machine do not spend their time on per-piece hashing and haves.
 */
export function labPieceLength(sizeBytes: number): number {
  let len = 64 * 1024;
  while (sizeBytes / len > 512) len *= 2;
  return len;
}

const ROLE_CAPS: Record<LabRole, number> = {
  seeder: LAB_MAX_SEEDERS,
  leecher: LAB_MAX_LEECHERS,
  freeloader: LAB_MAX_FREELOADERS,
  corrupt: LAB_MAX_CORRUPT,
};

export interface LabControllerOptions {
  config: LabConfig;
  spawn: SpawnLabChild;
  clock: Clock;
  random: Random;
  /** Parent of the lab's temp folder (the system temp folder by default). */
  tempRoot?: string;
  reportMs?: number;
  /** Called after every change of the state (reports, actions, exits); hosts throttle it. */
  onChange?: () => void;
}

interface PeerSlot {
  state: LabPeerState;
  child: LabChild | null;
  savePath: string;
  /** Set while we stop it on purpose, so its exit is not a failure. */
  stopping: boolean;
  timers: TimerHandle[];
  /** Its arrival time, until the seeders are up and it is scheduled (seedersSettled). */
  arriveInMs: number | null;
}

export class LabController {
  private readonly opts: LabControllerOptions;
  private readonly config: LabConfig;
  private readonly peers: PeerSlot[] = [];
  private readonly bans: LabBan[] = [];
  private status: LabState['status'] = 'starting';
  private message: string | null = null;
  private startedAt = 0;
  private fullDistributionMs: number | null = null;
  private originalSeederRemoved = false;
  private dir: string | null = null;
  private content: LabContent | null = null;
  private tracker: TrackerServer | null = null;
  private announceUrl = '';
  private torrent: { file: Uint8Array; name: string; infoHashHex: string } | null = null;
  private pieceCount = 0;
  private pieceLength = 0;
  private readonly timers: TimerHandle[] = [];
  private closed = false;
  private arrivalsScheduled = false;

  constructor(opts: LabControllerOptions) {
    const problem = labConfigError(opts.config);
    if (problem) throw new ContractError('bad-request', problem);
    this.opts = opts;
    this.config = { ...opts.config };
  }

  /** The lab's temp folder (the observer's save folder goes under it). */
  get workDir(): string | null {
    return this.dir;
  }

  get torrentFile(): Uint8Array | null {
    return this.torrent?.file ?? null;
  }

  get infoHashHex(): string | null {
    return this.torrent?.infoHashHex ?? null;
  }

  /** The folder a peer keeps its copy in (for tests and "show in folder"). */
  peerSavePath(id: number): string | null {
    return this.peers[id]?.savePath ?? null;
  }

  /** The process ids of the children still running. */
  childPids(): number[] {
    return this.peers.flatMap((p) => (p.child?.pid != null ? [p.child.pid] : []));
  }

  /** The SHA-256 every honest copy must have. */
  get contentSha256(): string | null {
    return this.content?.sha256Hex ?? null;
  }

  async start(): Promise<void> {
    try {
      await this.prepare();
    } catch (err) {
      this.status = 'failed';
      this.message = err instanceof Error ? err.message : String(err);
      await this.close();
      throw err instanceof ContractError ? err : new ContractError('bad-request', this.message);
    }
    this.startedAt = this.opts.clock.now();
    this.status = 'running';
    const n = this.config;
    for (let i = 0; i < n.seeders; i++) this.addSlot('seeder', 0);
    for (let i = 0; i < n.corrupt; i++) this.addSlot('corrupt', 0);
    const arriving = n.leechers + n.freeloaders;
    for (let i = 0; i < arriving; i++) {
      const at = arriving > 1 ? (n.arrivalSpreadSec * 1000 * i) / (arriving - 1) : 0;
      this.addSlot(i < n.leechers ? 'leecher' : 'freeloader', Math.round(at), false);
    }
    this.changed();
  }

  /**
   * Arrivals count from the moment every seeder has announced (or failed): on a busy machine
   * the peers' processes start slowly, and a leecher that announced before any seeder would
   * wait a whole announce interval to hear of one.
   */
  private seedersSettled(): void {
    if (this.arrivalsScheduled) return;
    const holders = this.peers.filter((p) => p.state.role === 'seeder');
    if (holders.some((p) => p.state.status === 'starting' || p.state.status === 'waiting')) return;
    this.arrivalsScheduled = true;
    for (const slot of this.peers) {
      if (slot.arriveInMs === null) continue;
      const at = slot.arriveInMs;
      slot.arriveInMs = null;
      if (at <= 0) this.launch(slot);
      else slot.timers.push(this.opts.clock.setTimeout(() => this.launch(slot), at));
    }
    const n = this.config;
    if (n.churnPerMin > 0) {
      this.timers.push(
        this.opts.clock.setInterval(() => this.churn(), Math.round(60_000 / n.churnPerMin)),
      );
    }
  }

  private async prepare(): Promise<void> {
    const c = this.config;
    this.dir = await fsp.mkdtemp(path.join(this.opts.tempRoot ?? os.tmpdir(), 'swarmscope-lab-'));
    const contentDir = path.join(this.dir, 'content');
    if (c.filePath !== null) {
      const content = await fileContent(c.filePath);
      if (content.sizeBytes > LAB_MAX_SIZE_MIB * 1024 * 1024)
        throw new ContractError('bad-request', `the file is larger than ${LAB_MAX_SIZE_MIB} MiB`);
      // A hard link (or copy) in the lab folder: seeders read it there, and the user's file is
      // never written to.
      await fsp.mkdir(contentDir, { recursive: true });
      const linked = path.join(contentDir, path.basename(content.filePath));
      try {
        await fsp.link(content.filePath, linked);
      } catch {
        await fsp.copyFile(content.filePath, linked);
      }
      this.content = { ...content, filePath: linked };
    } else {
      await this.checkFreeSpace(c.sizeMiB * 1024 * 1024);
      this.content = await generateContent(contentDir, c.sizeMiB, c.seed);
    }
    const tracker = new TrackerServer({ clock: this.opts.clock, random: this.opts.random });
    this.tracker = tracker;
    const stats = await tracker.start({
      ...defaultTrackerServerSettings,
      enabled: true,
      http: true,
      udp: false,
      host: '127.0.0.1',
      httpPort: 0,
      mode: 'open',
      intervalSec: LAB_TRACKER_INTERVAL_SEC,
      minIntervalSec: LAB_TRACKER_MIN_INTERVAL_SEC,
    });
    if (!stats.running || stats.httpPort === null)
      throw new Error(`the lab tracker did not start: ${stats.error ?? 'no port'}`);
    this.announceUrl = `http://127.0.0.1:${stats.httpPort}/announce`;
    const pool = new HashWritePool({ threads: 1, mainThreadHelps: true });
    try {
      const { torrentFile, meta } = await createTorrent(this.content.filePath, {
        pieceLength: labPieceLength(this.content.sizeBytes),
        trackers: [[this.announceUrl]],
        comment: 'Swarmscope lab',
        // Private (BEP 27): the lab's peers come from its tracker only, and no lab info-hash
        // leaks to the DHT or the LAN from the app's own session.
        private: true,
        creationDate: 0,
        pool,
      });
      this.torrent = { file: torrentFile, name: meta.name, infoHashHex: meta.infoHashHex };
      this.pieceCount = meta.pieceCount;
      this.pieceLength = meta.pieceLength;
    } finally {
      await pool.close();
    }
  }

  /** Every downloading peer keeps a copy: refuse a lab the disk cannot hold. */
  private async checkFreeSpace(sizeBytes: number): Promise<void> {
    const c = this.config;
    const copies = 1 + c.leechers + c.freeloaders + 1; // content, peers, the app's own copy
    const need = sizeBytes * copies;
    const st = await fsp.statfs(this.dir as string).catch(() => null);
    if (st && st.bavail * st.bsize < need) {
      throw new ContractError(
        'bad-request',
        `not enough free disk space: the lab needs ${Math.ceil(need / 1024 / 1024)} MiB for ${copies} copies`,
      );
    }
  }

  private addSlot(role: LabRole, arriveInMs: number, now = true): PeerSlot {
    const id = this.peers.length;
    const nth = this.peers.filter((p) => p.state.role === role).length + 1;
    const holdsContent = role === 'seeder' || role === 'corrupt';
    const name = `${role === 'corrupt' ? 'corrupt peer' : role} ${nth}`;
    const slot: PeerSlot = {
      state: {
        id,
        name,
        role,
        status: 'waiting',
        port: null,
        peerIdHex: null,
        have: new Uint8Array(bitfieldBytes(this.pieceCount)).fill(holdsContent ? 0xff : 0),
        haveCount: holdsContent ? this.pieceCount : 0,
        downRateBps: 0,
        upRateBps: 0,
        downloadedBytes: 0,
        uploadedBytes: 0,
        connections: 0,
        verified: false,
        doneAtMs: null,
        error: null,
      },
      child: null,
      savePath: holdsContent
        ? path.dirname(this.content!.filePath)
        : path.join(this.dir!, 'peers', name.replace(/ /g, '-')),
      stopping: false,
      timers: [],
      arriveInMs: now ? null : arriveInMs,
    };
    this.peers.push(slot);
    if (!now) return slot;
    if (arriveInMs <= 0) this.launch(slot);
    else slot.timers.push(this.opts.clock.setTimeout(() => this.launch(slot), arriveInMs));
    return slot;
  }

  private launch(slot: PeerSlot): void {
    if (this.closed) return;
    slot.stopping = false;
    slot.state.status = 'starting';
    slot.state.error = null;
    let child: LabChild;
    try {
      if (slot.state.role !== 'seeder' && slot.state.role !== 'corrupt')
        fs.mkdirSync(slot.savePath, { recursive: true });
      child = this.opts.spawn();
    } catch (err) {
      this.fail(slot, err instanceof Error ? err.message : String(err));
      return;
    }
    slot.child = child;
    child.onMessage((msg) => this.onMessage(slot, child, msg));
    child.onExit((reason) => this.onExit(slot, child, reason));
    child.send({
      type: 'init',
      role: slot.state.role,
      torrentFile: this.torrent!.file,
      savePath: slot.savePath,
      uploadLimitBps: this.config.uploadLimitBps,
      reportMs: this.opts.reportMs ?? LAB_REPORT_MS,
    });
    this.changed();
  }

  private onMessage(slot: PeerSlot, child: LabChild, msg: FromLabPeer): void {
    if (slot.child !== child || this.closed) return;
    const s = slot.state;
    switch (msg.type) {
      case 'ready':
        s.port = msg.port;
        s.peerIdHex = msg.peerIdHex;
        if (s.status === 'starting') s.status = 'running';
        this.seedersSettled();
        break;
      case 'report':
        if (msg.have.length === s.have.length) s.have = msg.have;
        s.haveCount = countPieces(s.have, this.pieceCount);
        s.downRateBps = msg.downRateBps;
        s.upRateBps = msg.upRateBps;
        // Totals across visits: a peer back from churn starts its counters at zero.
        s.downloadedBytes = Math.max(s.downloadedBytes, msg.downloadedBytes);
        s.uploadedBytes = Math.max(s.uploadedBytes, msg.uploadedBytes);
        s.connections = msg.connections;
        if (msg.complete && s.doneAtMs === null) s.doneAtMs = this.elapsed();
        break;
      case 'ban':
        this.bans.push({
          by: s.name,
          banned: this.nameOf(msg.peerIdHex, msg.key),
          reason: msg.reason,
          atMs: this.elapsed(),
        });
        break;
      case 'hashed':
        // A corrupt peer's file is intact (it corrupts what it sends): never call it verified.
        if (s.role === 'corrupt') break;
        if (msg.sha256Hex === this.content?.sha256Hex) s.verified = true;
        else s.error = 'its copy differs from the original (SHA-256 mismatch)';
        break;
      case 'error':
        s.error = msg.message;
        break;
    }
    this.checkComplete();
    this.changed();
  }

  private nameOf(peerIdHex: string | null, key: string): string {
    const port = Number(key.slice(key.lastIndexOf(':') + 1));
    const match =
      this.peers.find((p) => peerIdHex !== null && p.state.peerIdHex === peerIdHex) ??
      this.peers.find((p) => p.state.port === port);
    return match ? match.state.name : key;
  }

  private onExit(slot: PeerSlot, child: LabChild, reason: string | null): void {
    if (slot.child !== child) return;
    slot.child = null;
    if (this.closed) return;
    const s = slot.state;
    s.downRateBps = 0;
    s.upRateBps = 0;
    s.connections = 0;
    if (slot.stopping) {
      slot.stopping = false;
    } else {
      this.fail(slot, reason ?? 'exited');
    }
    this.changed();
  }

  private fail(slot: PeerSlot, reason: string): void {
    slot.state.status = 'failed';
    slot.state.error = reason;
    this.message = `${slot.state.name} stopped: ${reason}`;
    this.seedersSettled();
    this.changed();
  }

  /** Asks a child to stop, and kills it by PID if it has not gone after the grace period. */
  private stopChild(slot: PeerSlot): Promise<void> {
    const child = slot.child;
    if (!child) return Promise.resolve();
    slot.stopping = true;
    return new Promise((resolve) => {
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        grace.cancel();
        resolve();
      };
      const grace = this.opts.clock.setTimeout(() => {
        child.kill();
        finish();
      }, LAB_STOP_GRACE_MS);
      child.onExit(() => finish());
      if (child.pid === null) finish();
      else child.send({ type: 'stop' });
    });
  }

  private churn(): void {
    const movable = this.peers.filter(
      (p) =>
        (p.state.role === 'leecher' || p.state.role === 'freeloader') &&
        p.state.status === 'running' &&
        p.child,
    );
    if (movable.length === 0) return;
    const slot = movable[this.opts.random.int(movable.length)]!;
    slot.state.status = 'away';
    void this.stopChild(slot).then(() => {
      if (this.closed || slot.state.status !== 'away') return;
      slot.timers.push(this.opts.clock.setTimeout(() => this.launch(slot), LAB_CHURN_AWAY_MS));
    });
    this.changed();
  }

  private checkComplete(): void {
    if (this.status !== 'running') return;
    const honest = this.peers.filter((p) => p.state.role === 'leecher');
    if (honest.length > 0 && honest.every((p) => p.state.verified)) {
      this.status = 'complete';
      this.fullDistributionMs = this.elapsed();
    }
  }

  private elapsed(): number {
    return this.startedAt === 0 ? 0 : this.opts.clock.now() - this.startedAt;
  }

  private changed(): void {
    this.opts.onChange?.();
  }

  /** Pieces held by an honest running peer other than the original seeder. */
  piecesOut(): number {
    return piecesOutInSwarm(
      this.peers.map((p) => p.state),
      this.pieceCount,
      new Set(this.originalSeederRemoved ? [] : [0]),
    );
  }

  state(): LabState {
    return {
      status: this.status,
      message: this.message,
      config: { ...this.config },
      name: this.torrent?.name ?? '',
      infoHashHex: this.torrent?.infoHashHex ?? '',
      sizeBytes: this.content?.sizeBytes ?? 0,
      pieceLength: this.pieceLength,
      pieceCount: this.pieceCount,
      announceUrl: this.announceUrl,
      elapsedMs: this.elapsed(),
      piecesOut: this.piecesOut(),
      fullDistributionMs: this.fullDistributionMs,
      originalSeederRemoved: this.originalSeederRemoved,
      bans: this.bans.map((b) => ({ ...b })),
      peers: this.peers.map((p) => ({ ...p.state })),
    };
  }

  /** Runs one action, or throws a ContractError saying why not. */
  async act(action: LabAction): Promise<void> {
    if (this.closed || this.status === 'starting' || this.status === 'failed')
      throw new ContractError('bad-request', `the lab is ${this.closed ? 'closed' : this.status}`);
    switch (action.kind) {
      case 'remove-original-seeder': {
        if (this.originalSeederRemoved)
          throw new ContractError('bad-request', 'the original seeder is already gone');
        const out = this.piecesOut();
        if (out < this.pieceCount) {
          throw new ContractError(
            'bad-request',
            `only ${out} of ${this.pieceCount} pieces are out in the swarm: the original seeder is still the only source of the rest`,
          );
        }
        const slot = this.peers[0]!;
        this.originalSeederRemoved = true;
        slot.state.status = 'removed';
        for (const t of slot.timers) t.cancel();
        await this.stopChild(slot);
        break;
      }
      case 'pause':
      case 'resume': {
        const slot = this.peers[action.peer];
        if (!slot) throw new ContractError('not-found', `no lab peer ${action.peer}`);
        const want = action.kind === 'pause' ? 'running' : 'paused';
        if (slot.state.status !== want || !slot.child)
          throw new ContractError(
            'bad-request',
            `${slot.state.name} is ${slot.state.status}, not ${want}`,
          );
        slot.child.send({ type: action.kind });
        slot.state.status = action.kind === 'pause' ? 'paused' : 'running';
        break;
      }
      case 'add': {
        const have = this.peers.filter(
          (p) => p.state.role === action.role && p.state.status !== 'removed',
        ).length;
        if (have >= ROLE_CAPS[action.role])
          throw new ContractError(
            'bad-request',
            `the lab already has ${ROLE_CAPS[action.role]} peers of role ${action.role}, the most it takes`,
          );
        this.addSlot(action.role, 0);
        // A new honest leecher has yet to finish: the lab is running again.
        if (action.role === 'leecher' && this.status === 'complete') {
          this.status = 'running';
          this.fullDistributionMs = null;
        }
        break;
      }
    }
    this.message = null;
    this.changed();
  }

  /** Stops every child (by PID if need be), the tracker and the timers; removes the temp folder. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) t.cancel();
    for (const p of this.peers) for (const t of p.timers) t.cancel();
    await Promise.all(this.peers.map((p) => this.stopChild(p)));
    if (this.status !== 'failed') this.status = 'closed';
    await this.tracker?.stop();
    this.tracker = null;
    if (this.dir) await fsp.rm(this.dir, { recursive: true, force: true });
  }
}
