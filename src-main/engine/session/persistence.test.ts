import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { defaultSettings } from '../../../src-shared/model';
import type { Settings } from '../../../src-shared/model';
import { tempDir } from '../../testing/fixtures';
import { SessionStore } from './persistence';
import type { PersistedTorrent } from './persistence';

let dir: string | null = null;
afterEach(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  dir = null;
});

const ID_A = 'a'.repeat(40);
const ID_B = 'b'.repeat(40);

function entry(id: string, paused = false): PersistedTorrent {
  return { id, savePath: '/data', addedAt: 5, paused, skipFiles: [], uploadedBytes: 7 };
}

async function store(list: PersistedTorrent[], settings?: Settings): Promise<SessionStore> {
  dir = dir ?? tempDir('store');
  await SessionStore.prepare(dir);
  return new SessionStore(
    dir,
    () => list,
    () => settings ?? defaultSettings('/dl'),
  );
}

describe('SessionStore', () => {
  it('saves the list and reads it back, totals included', async () => {
    const list = [entry(ID_A), entry(ID_B, true)];
    const s = await store(list);
    await s.saveList();
    expect(await s.loadList()).toEqual({ kind: 'ok', torrents: list, fromBackup: false });
  });

  it('a first start (no list, no torrents) loads an empty list without complaint', async () => {
    const s = await store([]);
    expect(await s.loadList()).toEqual({ kind: 'ok', torrents: [], fromBackup: false });
  });

  it('a missing or damaged list with torrents on disk is rebuilt from torrents/', async () => {
    const s = await store([]);
    for (const id of [ID_B, ID_A]) fs.writeFileSync(s.torrentFile(id), 'd4:infoe');
    fs.writeFileSync(path.join(s.torrentsDir, 'not-a-hash.torrent'), '');
    expect(await s.loadList()).toEqual({
      kind: 'rebuilt',
      ids: [ID_A, ID_B],
      reason: 'session.json is missing',
    });
    fs.writeFileSync(path.join(s.dataDir, 'session.json'), '{"torrents": [}');
    const damaged = await s.loadList();
    expect(damaged.kind).toBe('rebuilt');
    expect(damaged.kind === 'rebuilt' && damaged.reason).toMatch(/session\.json is not valid JSON/);
  });

  it('drops entries whose id is not an info-hash (they name files under torrents/)', async () => {
    const s = await store([entry(ID_A), entry('../../etc/passwd')]);
    await s.saveList();
    const loaded = await s.loadList();
    expect(loaded.kind === 'ok' && loaded.torrents.map((t) => t.id)).toEqual([ID_A]);
  });

  it('loads saved settings, and says why when they were damaged', async () => {
    const settings = { ...defaultSettings('/dl'), uploadLimitBps: 99 };
    const s = await store([], settings);
    await s.saveSettings();
    expect((await SessionStore.loadSettings(s.dataDir)).settings?.uploadLimitBps).toBe(99);
    fs.writeFileSync(path.join(s.dataDir, 'settings.json'), '[1,2');
    fs.rmSync(path.join(s.dataDir, 'settings.json.bak'), { force: true });
    const bad = await SessionStore.loadSettings(s.dataDir);
    expect(bad.settings).toBeNull();
    expect(bad.problem).toMatch(/settings\.json is not valid JSON/);
  });

  it.runIf(process.platform !== 'win32')(
    'prepare makes the folders owner-only and tightens files an older version left open',
    async () => {
      dir = tempDir('store');
      fs.chmodSync(dir, 0o755);
      fs.mkdirSync(path.join(dir, 'torrents'), { mode: 0o755 });
      fs.writeFileSync(path.join(dir, 'torrents', `${ID_A}.torrent`), 'x', { mode: 0o644 });
      fs.writeFileSync(path.join(dir, 'session.json'), '{}', { mode: 0o644 });
      await SessionStore.prepare(dir);
      const mode = (p: string): number => fs.statSync(path.join(dir as string, p)).mode & 0o777;
      expect([mode('.'), mode('torrents'), mode('logs')]).toEqual([0o700, 0o700, 0o700]);
      expect([mode('session.json'), mode(`torrents/${ID_A}.torrent`)]).toEqual([0o600, 0o600]);
    },
  );

  it('prepare removes temp files a crash left behind, and nothing else', async () => {
    dir = tempDir('store');
    fs.mkdirSync(path.join(dir, 'torrents'));
    fs.writeFileSync(path.join(dir, 'session.json.4242.17.tmp'), '{"half');
    fs.writeFileSync(path.join(dir, 'torrents', `${ID_A}.torrent.4242.18.tmp`), 'd4:');
    fs.writeFileSync(path.join(dir, 'session.json'), '{}');
    fs.writeFileSync(path.join(dir, 'torrents', `${ID_A}.torrent`), 'x');
    await SessionStore.prepare(dir);
    expect(fs.readdirSync(dir).sort()).toEqual(['logs', 'session.json', 'torrents']);
    expect(fs.readdirSync(path.join(dir, 'torrents'))).toEqual([`${ID_A}.torrent`]);
  });
});
