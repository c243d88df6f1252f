import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import type { Alert } from '../../../src-shared/model';
import { defaultSettings } from '../../../src-shared/model';
import { tempDir } from '../../testing/fixtures';
import { buildTorrent } from '../metainfo/test-fixtures';
import { parseTorrent } from '../metainfo';
import { SessionStore } from './persistence';
import type { PersistedTorrent } from './persistence';
import { restoreTorrentList } from './restore-list';
import type { RestoreDeps } from './restore-list';

let dir: string | null = null;
afterEach(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  dir = null;
});

function torrentBytes(i: number): Uint8Array {
  return buildTorrent({
    name: `r-${i}`,
    pieceLength: 16,
    single: true,
    files: [{ path: [], data: new TextEncoder().encode(`restore ${i}`) }],
  }).torrentFile;
}

/** A data folder with `n` torrents on disk and `list` as what session.json will hold. */
async function setUp(
  n: number,
  list: (ids: string[]) => PersistedTorrent[],
): Promise<{ store: SessionStore; ids: string[]; current: PersistedTorrent[] }> {
  dir = tempDir('restore');
  await SessionStore.prepare(dir);
  const current: PersistedTorrent[] = [];
  const store = new SessionStore(
    dir,
    () => current,
    () => defaultSettings('/dl'),
  );
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const bytes = torrentBytes(i);
    const id = parseTorrent(bytes).infoHashHex;
    ids.push(id);
    await store.saveTorrentFile(id, bytes);
  }
  current.push(...list(ids));
  await store.saveList();
  return { store, ids, current };
}

function deps(current: PersistedTorrent[]): RestoreDeps & {
  added: PersistedTorrent[];
  alerts: Omit<Alert, 'at'>[];
} {
  const added: PersistedTorrent[] = [];
  const alerts: Omit<Alert, 'at'>[] = [];
  return {
    added,
    alerts,
    add: (_meta, entry) => {
      added.push(entry);
      current.push(entry);
      return Promise.resolve();
    },
    raise: (a) => alerts.push(a),
    log: () => {},
    defaultSavePath: '/default',
    now: () => 42,
  };
}

const entry = (id: string, paused: boolean): PersistedTorrent => ({
  id,
  savePath: `/saved/${id.slice(0, 4)}`,
  addedAt: 7,
  paused,
  skipFiles: [1],
  uploadedBytes: 100,
  downloadedBytes: 200,
});

describe('restoreTorrentList', () => {
  it('adds every listed torrent as it was, without alerts', async () => {
    const { store, ids } = await setUp(3, (ids) => ids.map((id, i) => entry(id, i === 1)));
    const d = deps([]);
    expect(await restoreTorrentList(store, d)).toBe(3);
    expect(d.added).toEqual(ids.map((id, i) => entry(id, i === 1)));
    expect(d.alerts).toEqual([]);
  });

  it('a listed torrent whose file is gone raises its own alert; the others still load', async () => {
    const { store, ids } = await setUp(3, (ids) => ids.map((id) => entry(id, false)));
    fs.rmSync(store.torrentFile(ids[1] as string));
    const d = deps([]);
    expect(await restoreTorrentList(store, d)).toBe(2);
    expect(d.alerts.map((a) => a.title)).toEqual(['A torrent could not be restored']);
    expect(d.alerts[0]?.message).toContain(ids[1]);
  });

  it('a damaged list is rebuilt from torrents/, paused in the default folder, saved, with one alert', async () => {
    const { store, ids, current } = await setUp(4, () => []);
    fs.writeFileSync(path.join(store.dataDir, 'session.json'), '{"version":1,"torr');
    fs.rmSync(path.join(store.dataDir, 'session.json.bak'), { force: true });
    const d = deps(current);
    expect(await restoreTorrentList(store, d)).toBe(4);
    expect(d.added.map((e) => e.id)).toEqual([...ids].sort());
    for (const e of d.added) {
      expect(e).toMatchObject({ savePath: '/default', paused: true, addedAt: 42, skipFiles: [] });
    }
    expect(d.alerts).toHaveLength(1);
    expect(d.alerts[0]).toMatchObject({ level: 'error', title: 'The torrent list was damaged' });
    const saved = JSON.parse(fs.readFileSync(path.join(store.dataDir, 'session.json'), 'utf8')) as {
      torrents: PersistedTorrent[];
    };
    expect(saved.torrents).toHaveLength(4);
  });
});
