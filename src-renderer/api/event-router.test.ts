import { beforeEach, describe, expect, it } from 'vitest';
import {
  eventNames,
  type DetailUpdate,
  type EventName,
  type Events,
  type Snapshot,
  type UiCommand,
} from '../../src-shared/contract';
import type { Alert, TorrentSummary, TrackerServerStats } from '../../src-shared/model';
import { pieceBuffer } from '../store/detail-slice';
import { useStore } from '../store/store';
import type { HostClient } from './client';
import { startEventRouter } from './event-router';

const session = { downRateBps: 0, upRateBps: 0, listenPort: 1, peers: 0, trackerRunning: false };
const torrent = (id: string, name: string) => ({ id, name }) as unknown as TorrentSummary;
const trackerStats = (patch: Partial<TrackerServerStats>) =>
  ({ running: false, error: null, announceUrls: [], ...patch }) as unknown as TrackerServerStats;
const alert: Alert = {
  kind: 'download-completed',
  level: 'info',
  torrentId: null,
  title: 'Download complete',
  message: 'ubuntu.iso',
  at: 0,
};

/** A host that answers snapshots and tracker status from queues and lets the test push events. */
function fakeHost(snapshots: Snapshot[], statuses: TrackerServerStats[] = []) {
  const listeners = new Map<string, (payload: unknown) => void>();
  let connection: ((s: 'open' | 'closed') => void) | null = null;
  const calls: string[] = [];
  const client: HostClient = {
    transport: 'websocket',
    invoke: (async (name: string) => {
      calls.push(name);
      if (name === 'sync.snapshot') {
        const snap = snapshots.shift();
        if (!snap) throw { code: 'internal', message: 'no more snapshots' };
        return snap;
      }
      if (name === 'tracker.status') {
        const stats = statuses.shift();
        if (!stats) throw { code: 'internal', message: 'no status' };
        return stats;
      }
      if (name === 'lab.get') return { lab: null }; // --- swarm lab (issue 19)
      throw new Error(`unexpected ${name}`);
    }) as HostClient['invoke'],
    on: ((name: string, fn: (payload: unknown) => void) => {
      if (listeners.has(name)) throw new Error(`${name} subscribed twice`);
      listeners.set(name, fn);
      return () => listeners.delete(name);
    }) as HostClient['on'],
    onConnection: (fn) => {
      connection = fn;
      return () => (connection = null);
    },
  };
  return {
    client,
    emit<K extends EventName>(name: K, payload: Events[K]) {
      listeners.get(name)?.(payload);
    },
    connect: (s: 'open' | 'closed') => connection?.(s),
    calls: (name: string) => calls.filter((c) => c === name).length,
    subscribed: () => [...listeners.keys()].sort(),
    hasConnectionListener: () => connection !== null,
  };
}

const settle = () => new Promise((r) => setTimeout(r, 0));
const quiet = { warn: () => undefined };

beforeEach(() => {
  useStore.setState({
    torrents: new Map(),
    seq: -1,
    session: null,
    toasts: [],
    jobs: new Map(),
    tracker: null,
    trackerError: null,
    connection: 'connecting',
  });
  useStore.getState().setSelection(new Set(), null, null);
});

describe('startEventRouter', () => {
  it('subscribes once to every event of the contract and removes every listener', () => {
    const host = fakeHost([]);
    const stop = startEventRouter(host.client, quiet);
    expect(host.subscribed()).toEqual([...eventNames].sort());
    expect(host.hasConnectionListener()).toBe(true);
    stop();
    expect(host.subscribed()).toEqual([]);
    expect(host.hasConnectionListener()).toBe(false);
  });

  it('takes a snapshot on connect, applies deltas, and re-snapshots on a gap', async () => {
    const host = fakeHost([
      { seq: 3, torrents: [torrent('a', 'A')], session },
      { seq: 9, torrents: [torrent('a', 'A'), torrent('c', 'C')], session },
    ]);
    const stop = startEventRouter(host.client, quiet);
    host.connect('open');
    await settle();
    expect(useStore.getState().seq).toBe(3);
    expect(useStore.getState().connection).toBe('open');

    host.emit('sync.delta', { seq: 4, upserts: [torrent('b', 'B')], removed: [], session });
    expect([...useStore.getState().torrents.keys()]).toEqual(['a', 'b']);

    host.emit('sync.delta', { seq: 7, upserts: [], removed: ['a'], session });
    await settle();
    expect(host.calls('sync.snapshot')).toBe(2);
    expect(useStore.getState().seq).toBe(9);
    expect([...useStore.getState().torrents.keys()]).toEqual(['a', 'c']);

    host.connect('closed');
    expect(useStore.getState().connection).toBe('reconnecting');
    stop();
  });

  it('turns alerts into toasts and notifications, and a failed snapshot into an error toast', async () => {
    const host = fakeHost([]);
    const notified: Alert[] = [];
    startEventRouter(host.client, { ...quiet, notify: (a) => notified.push(a) });
    host.emit('alert', alert);
    host.connect('open');
    await settle();
    expect(notified).toEqual([alert]);
    expect(useStore.getState().toasts.map((t) => [t.level, t.title, t.message, t.detail])).toEqual([
      ['info', 'Download complete', 'ubuntu.iso', undefined],
      [
        'error',
        'Cannot load the torrent list',
        'Something went wrong inside Swarmscope.',
        'no more snapshots',
      ],
    ]);
  });

  // --- "Open folder" on "Download complete" (issue 21) ---
  it("gives a completed download's toast an Open folder action naming the torrent", async () => {
    const host = fakeHost([]);
    useStore.setState({ toasts: [] });
    startEventRouter(host.client, quiet);
    host.emit('alert', { ...alert, torrentId: 'b'.repeat(40) });
    host.emit('alert', { ...alert, kind: 'info', torrentId: 'c'.repeat(40) });
    await settle();
    const toasts = useStore.getState().toasts.filter((t) => t.title === 'Download complete');
    expect(toasts.map((t) => t.action)).toEqual([
      { kind: 'open-folder', torrentId: 'b'.repeat(40) },
      undefined,
    ]);
  });

  it('holds the tracker stats once: the status on each connect, then the stats events', async () => {
    const host = fakeHost([], [trackerStats({ running: false }), trackerStats({ running: true })]);
    const warnings: string[] = [];
    startEventRouter(host.client, { warn: (m) => warnings.push(m) });
    host.connect('open');
    await settle();
    expect(useStore.getState().tracker?.running).toBe(false);
    host.emit('tracker.stats', trackerStats({ running: false, error: 'EADDRINUSE' }));
    expect(useStore.getState().tracker?.error).toBe('EADDRINUSE');
    expect(useStore.getState().trackerError).toBe('EADDRINUSE');
    host.connect('closed');
    host.connect('open');
    await settle();
    expect(host.calls('tracker.status')).toBe(2);
    expect(useStore.getState().tracker?.running).toBe(true);
    host.connect('open');
    await settle();
    expect(warnings).toEqual(['tracker.status failed: no status']);
  });

  it('routes view updates to the detail slice and job progress to the jobs slice', () => {
    const host = fakeHost([]);
    startEventRouter(host.client, quiet);
    const id = 'a'.repeat(40);
    useStore.getState().setSelection(new Set([id]), id, id);
    const update: DetailUpdate = {
      id,
      pieces: { full: { states: Uint8Array.of(4, 0), availability: Uint16Array.of(1, 2) } },
    };
    host.emit('view.update', update);
    expect([...pieceBuffer.states]).toEqual([4, 0]);
    host.emit('job.progress', { jobId: 'j1' } as Events['job.progress']);
    expect([...useStore.getState().jobs.keys()]).toEqual(['j1']);
  });

  it('hands desktop menu commands to the effect that runs them', () => {
    const host = fakeHost([]);
    const ran: UiCommand[] = [];
    startEventRouter(host.client, { ...quiet, runUiCommand: (c) => ran.push(c) });
    host.emit('ui.command', { command: 'settings' });
    expect(ran).toEqual(['settings']);
  });
});

// --- swarm lab (issue 19) ---
describe('event router: the swarm lab', () => {
  it('routes lab.state to the lab slice, shows a new lab and hides a closed one', () => {
    const host = fakeHost([]);
    startEventRouter(host.client, { warn: () => undefined });
    const lab = { status: 'running', peers: [], matrix: new Uint8Array(0) } as never;
    host.emit('lab.state', { lab });
    expect(useStore.getState().lab).toBe(lab);
    expect(useStore.getState().labViewShown).toBe(true);
    useStore.getState().showLabView(false);
    host.emit('lab.state', { lab });
    expect(useStore.getState().labViewShown).toBe(false);
    host.emit('lab.state', { lab: null });
    expect(useStore.getState().lab).toBeNull();
  });
});
