/**
 * Turns the engine's events into the contract's events for ONE client (a window, a socket).
 *
 * - `torrent-changed/added/removed` are coalesced per torrent into `sync.delta` at a bounded
 *   rate (at most one every `syncIntervalMs`, only when something changed), as libtorrent's
 *   post_torrent_updates and Transmission's recently-active do. `seq` grows by exactly one per
 *   delta, so the client can detect a gap and ask for a new snapshot.
 * - Job progress, alerts and tracker server stats are forwarded as they come (the engine already
 *   rate-limits job progress).
 * - `view.watch` subscriptions are served at `viewIntervalMs` (~4 Hz) with only the watched
 *   topics, and only what changed: pieces as a full map then deltas, the log as new entries.
 *
 * Invariants: timers run only while there is work (pending changes or a watch); `close()`
 * removes every engine listener and timer.
 */
import type { DetailTopic, DetailUpdate, EventName, Events } from '../../src-shared/contract';
import type { PeerEvent, PieceMapFull, TorrentId } from '../../src-shared/model';
import type { EngineApi } from '../engine';
import { systemClock, type Clock, type TimerHandle } from '../engine';
import type { ClientChannel } from './api';
import { copyPieceMap, nextPieceUpdate } from './piece-delta';

export type EmitEvent = <K extends EventName>(name: K, payload: Events[K]) => void;

export interface EventBridgeOptions {
  /** docs/ARCHITECTURE.md section 2: deltas at 4-10 Hz; 200 ms is 5 Hz. */
  syncIntervalMs?: number;
  /** Detail views refresh at about 4 Hz. */
  viewIntervalMs?: number;
  /** Log entries buffered per watched torrent between updates; older ones are dropped. */
  maxLogEntries?: number;
}

export interface EventBridge extends ClientChannel {
  close(): void;
}

interface Watch {
  topics: Set<DetailTopic>;
  lastPieces: PieceMapFull | null;
  /** JSON of the last value sent per plain topic, to send only changes. */
  lastJson: Map<DetailTopic, string>;
  log: PeerEvent[];
  logPrimed: boolean;
  // --- explainer (issue 19) ---
  /** Peers closed since the last update, while the peers topic is watched. */
  closes?: PeerEvent[];
  // --- timeline (issue 19) ---
  /** The cursor of the last timeline view sent; 0 asks for a full one. */
  timelineCursor: number;
  /** Ticks in a row whose views failed (a magnet becoming a torrent is briefly neither). */
  failedTicks?: number;
}

const plainTopics = ['peers', 'trackers', 'files', 'seeding'] as const;

export function createEventBridge(
  engine: EngineApi,
  emit: EmitEvent,
  clock: Clock = systemClock,
  options: EventBridgeOptions = {},
): EventBridge {
  const syncIntervalMs = options.syncIntervalMs ?? 200;
  const viewIntervalMs = options.viewIntervalMs ?? 250;
  /** Failed view ticks in a row before a watch is given up (about 2 s at 4 Hz). */
  const viewFailuresBeforeStop = 8;
  const maxLogEntries = options.maxLogEntries ?? 500;
  /** --- explainer (issue 19): closes kept between two updates (peers leave in bursts). */
  const maxPeerCloses = 64;

  let seq = 0;
  let closed = false;
  const changed = new Set<TorrentId>();
  const removed = new Set<TorrentId>();
  let lastSessionJson = '';
  let lastSyncAt = Number.NEGATIVE_INFINITY;
  let syncTimer: TimerHandle | null = null;

  const watches = new Map<TorrentId, Watch>();
  let viewTimer: TimerHandle | null = null;
  let primeTimer: TimerHandle | null = null;

  const armSync = (): void => {
    if (closed || syncTimer !== null) return;
    const delayMs = Math.max(0, lastSyncAt + syncIntervalMs - clock.now());
    syncTimer = clock.setTimeout(flushSync, delayMs);
  };

  function flushSync(): void {
    syncTimer = null;
    if (closed) return;
    const upserts = [];
    for (const id of changed) {
      const summary = engine.summary(id);
      if (summary) upserts.push(summary);
      else removed.add(id);
    }
    changed.clear();
    const session = engine.sessionStats();
    const sessionJson = JSON.stringify(session);
    if (upserts.length === 0 && removed.size === 0 && sessionJson === lastSessionJson) return;
    lastSessionJson = sessionJson;
    seq += 1;
    lastSyncAt = clock.now();
    const gone = [...removed];
    removed.clear();
    emit('sync.delta', { seq, upserts, removed: gone, session });
  }

  const onChanged = (id: TorrentId): void => {
    removed.delete(id);
    changed.add(id);
    armSync();
  };
  const onRemoved = (id: TorrentId): void => {
    changed.delete(id);
    removed.add(id);
    stopWatching(id);
    armSync();
  };
  const onSessionChanged = (): void => armSync();
  const onPeerEvent = ({ id, event }: { id: TorrentId; event: PeerEvent }): void => {
    const w = watches.get(id);
    // --- explainer (issue 19): the close that names the reason (not its "requests dropped").
    if (w?.topics.has('peers') && event.type === 'close' && !event.detail.endsWith(' dropped')) {
      const closes = (w.closes ??= []);
      closes.push(event);
      if (closes.length > maxPeerCloses) closes.splice(0, closes.length - maxPeerCloses);
    }
    if (!w || !w.topics.has('log') || !w.logPrimed) return;
    w.log.push(event);
    if (w.log.length > maxLogEntries) w.log.splice(0, w.log.length - maxLogEntries);
  };

  const unsubscribe = [
    engine.on('torrent-changed', onChanged),
    engine.on('torrent-added', onChanged),
    engine.on('torrent-removed', onRemoved),
    engine.on('settings-changed', onSessionChanged),
    engine.on('dht-changed', onSessionChanged), // DHT status line (issue 17)
    engine.on('port-mapping-changed', onSessionChanged), // port mapping status (issue 18)
    engine.on('tracker-server-changed', (stats) => {
      emit('tracker.stats', stats);
      onSessionChanged();
    }),
    engine.on('job-progressed', (progress) => emit('job.progress', progress)),
    engine.on('alert-raised', (alert) => emit('alert', alert)),
    engine.on('peer-event', onPeerEvent),
  ];

  function updateFor(id: TorrentId, w: Watch): DetailUpdate | null {
    const update: DetailUpdate = { id };
    let any = false;
    for (const topic of plainTopics) {
      if (!w.topics.has(topic)) continue;
      const value =
        topic === 'peers'
          ? engine.peers(id)
          : topic === 'trackers'
            ? engine.trackers(id)
            : topic === 'files'
              ? engine.files(id)
              : engine.seedingStats(id);
      const json = JSON.stringify(value);
      if (w.lastJson.get(topic) === json) continue;
      w.lastJson.set(topic, json);
      Object.assign(update, { [topic]: value });
      any = true;
    }
    if (w.topics.has('pieces')) {
      const map = engine.pieceMap(id);
      const pieces = nextPieceUpdate(w.lastPieces, map);
      if (pieces !== null) {
        w.lastPieces = 'full' in pieces ? copyPieceMap(pieces.full) : copyPieceMap(map);
        update.pieces = pieces;
        any = true;
      }
    }
    // --- explainer (issue 19) ---
    if (w.closes && w.closes.length > 0) {
      update.peerCloses = w.closes;
      w.closes = [];
      any = true;
    }
    if (w.topics.has('log')) {
      if (!w.logPrimed) {
        w.logPrimed = true;
        update.log = engine.recentLog(id).slice(-maxLogEntries);
        any = true;
      } else if (w.log.length > 0) {
        update.log = w.log;
        w.log = [];
        any = true;
      }
    }
    // --- timeline (issue 19): a full view first, then only new or changed rows.
    if (w.topics.has('timeline')) {
      const view = engine.timeline(id, w.timelineCursor);
      if (
        view.full ||
        view.events.length > 0 ||
        view.lanes.length > 0 ||
        view.removedLanes.length > 0
      ) {
        w.timelineCursor = view.cursor;
        update.timeline = view;
        any = true;
      }
    }
    return any ? update : null;
  }

  function tickViews(): void {
    if (closed) return;
    for (const [id, w] of [...watches]) {
      let update: DetailUpdate | null;
      try {
        update = updateFor(id, w);
      } catch (err) {
        // A removed torrent's watch ends with its removal (onRemoved), so a failure here is
        // either passing (a magnet becoming a torrent is neither for a moment) or lasting: a
        // few ticks in a row, and only then, stop watching and say so.
        w.failedTicks = (w.failedTicks ?? 0) + 1;
        if (w.failedTicks < viewFailuresBeforeStop) continue;
        stopWatching(id);
        emit('alert', {
          kind: 'info',
          level: 'warn',
          torrentId: id,
          title: 'Detail view stopped',
          message: err instanceof Error ? err.message : String(err),
          at: clock.now(),
        });
        continue;
      }
      w.failedTicks = 0;
      if (update) emit('view.update', update);
    }
  }

  function stopWatching(id: TorrentId): void {
    watches.delete(id);
    if (watches.size === 0 && viewTimer !== null) {
      viewTimer.cancel();
      viewTimer = null;
    }
  }

  return {
    // A snapshot taken now already holds every pending change; the deltas after it still apply
    // cleanly because upserts are idempotent.
    currentSeq: () => seq,
    watch(id, topics) {
      if (closed) return;
      watches.set(id, {
        topics: new Set(topics),
        lastPieces: null,
        lastJson: new Map(),
        log: [],
        logPrimed: false,
        timelineCursor: 0, // --- timeline (issue 19)
      });
      // The first update goes out on the next turn, then at the view rate.
      primeTimer ??= clock.setTimeout(() => {
        primeTimer = null;
        tickViews();
      }, 0);
      viewTimer ??= clock.setInterval(tickViews, viewIntervalMs);
    },
    unwatch(id) {
      stopWatching(id);
    },
    close() {
      if (closed) return;
      closed = true;
      for (const off of unsubscribe) off();
      syncTimer?.cancel();
      syncTimer = null;
      viewTimer?.cancel();
      viewTimer = null;
      primeTimer?.cancel();
      primeTimer = null;
      watches.clear();
    },
  };
}
