import { beforeEach, describe, expect, it } from 'vitest';
import type { EventName, Events, Snapshot } from '../../src-shared/contract';
import type { TorrentSummary } from '../../src-shared/model';
import { useStore } from '../store/store';
import type { HostClient } from './client';
import { startSync } from './sync';

const session = { downRateBps: 0, upRateBps: 0, listenPort: 1, peers: 0, trackerRunning: false };
const torrent = (id: string, name: string) => ({ id, name }) as unknown as TorrentSummary;

/** A host that answers snapshots from a queue and lets the test push events. */
function fakeHost(snapshots: Snapshot[]) {
  const listeners = new Map<string, (payload: unknown) => void>();
  let connection: ((s: 'open' | 'closed') => void) | null = null;
  let snapshotCalls = 0;
  const client: HostClient = {
    transport: 'websocket',
    invoke: (async (name: string) => {
      if (name !== 'sync.snapshot') throw new Error(`unexpected ${name}`);
      snapshotCalls++;
      const snap = snapshots.shift();
      if (!snap) throw { code: 'internal', message: 'no more snapshots' };
      return snap;
    }) as HostClient['invoke'],
    on: ((name: string, fn: (payload: unknown) => void) => {
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
    snapshotCalls: () => snapshotCalls,
    listenerCount: () => listeners.size,
  };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

beforeEach(() => {
  useStore.setState({ torrents: new Map(), seq: -1, session: null, toasts: [], jobs: new Map() });
});

describe('startSync', () => {
  it('takes a snapshot on connect, applies deltas, and re-snapshots on a gap', async () => {
    const host = fakeHost([
      { seq: 3, torrents: [torrent('a', 'A')], session },
      { seq: 9, torrents: [torrent('a', 'A'), torrent('c', 'C')], session },
    ]);
    const stop = startSync(host.client);
    host.connect('open');
    await settle();
    expect(useStore.getState().seq).toBe(3);
    expect(useStore.getState().connection).toBe('open');

    host.emit('sync.delta', { seq: 4, upserts: [torrent('b', 'B')], removed: [], session });
    expect([...useStore.getState().torrents.keys()]).toEqual(['a', 'b']);

    host.emit('sync.delta', { seq: 7, upserts: [], removed: ['a'], session });
    await settle();
    expect(host.snapshotCalls()).toBe(2);
    expect(useStore.getState().seq).toBe(9);
    expect([...useStore.getState().torrents.keys()]).toEqual(['a', 'c']);

    host.connect('closed');
    expect(useStore.getState().connection).toBe('reconnecting');
    stop();
    expect(host.listenerCount()).toBe(0);
  });

  it('turns alerts into toasts and a failed snapshot into an error toast', async () => {
    const host = fakeHost([]);
    startSync(host.client);
    host.emit('alert', {
      kind: 'download-completed',
      level: 'info',
      torrentId: null,
      title: 'Download complete',
      message: 'ubuntu.iso',
      at: 0,
    });
    host.connect('open');
    await settle();
    expect(useStore.getState().toasts.map((t) => [t.level, t.title, t.message])).toEqual([
      ['info', 'Download complete', 'ubuntu.iso'],
      ['error', 'Cannot load the torrent list', 'no more snapshots'],
    ]);
  });
});
