/**
 * The session's data folder across restarts (issue 16 items 1, 9 and 10): real temp folders,
 * real sessions on loopback.
 */
import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import type { Alert } from '../../../src-shared/model';
import { systemClock, systemRandom } from '../time/clock';
import { TrackerServer } from '../tracker/server';
import { loopbackTrackerSettings } from '../tracker/server/testing/loopback';
import { multiFileLayout, tempDir, waitFor, writeContent } from '../../testing/fixtures';
import { createTestSwarm } from '../../testing/swarm';
import type { TestSwarm } from '../../testing/swarm';
import { buildTorrent } from '../metainfo/test-fixtures';
import { Session } from '../session';
import type { SessionOptions } from '../session';

const dirs: string[] = [];
const sessions: Session[] = [];
let swarm: TestSwarm | null = null;
let tracker: TrackerServer | null = null;

afterEach(async () => {
  await swarm?.close();
  swarm = null;
  await tracker?.stop();
  tracker = null;
  await Promise.all(sessions.splice(0).map((s) => s.close()));
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function folder(prefix: string): string {
  const d = tempDir(prefix);
  dirs.push(d);
  return d;
}

async function open(dataDir: string, downloadDir: string, useTrackers = false): Promise<Session> {
  const opts: SessionOptions = {
    dataDir,
    downloadDir,
    listenHost: '127.0.0.1',
    listenPort: 0,
    hashThreads: 1,
    useTrackers,
  };
  const s = await Session.open(opts);
  sessions.push(s);
  return s;
}

async function close(s: Session): Promise<void> {
  sessions.splice(sessions.indexOf(s), 1);
  await s.close();
}

/** Distinct small torrents (no data on disk: they check to nothing and wait). */
function torrents(n: number): Uint8Array[] {
  return Array.from(
    { length: n },
    (_, i) =>
      buildTorrent({
        name: `t-${i}.bin`,
        pieceLength: 16,
        single: true,
        files: [{ path: [], data: new TextEncoder().encode(`torrent number ${i} `.repeat(3)) }],
      }).torrentFile,
  );
}

describe('session data folder', () => {
  it('hundreds of concurrent pauses and resumes never empty the torrent list across a restart', async () => {
    const dataDir = folder('data');
    const downloads = folder('dl');
    let s = await open(dataDir, downloads);
    const ids: string[] = [];
    for (const t of torrents(40))
      ids.push(await s.addTorrent({ torrentFile: t }, { paused: true }));
    // As the tray's Pause all / Resume all: every torrent at once, several rounds.
    for (let round = 0; round < 5; round++) {
      await Promise.all(ids.map((id) => s.resume(id)));
      await Promise.all(ids.map((id) => s.pause(id)));
    }
    // The last word: the even ones run.
    await Promise.all(ids.filter((_, i) => i % 2 === 0).map((id) => s.resume(id)));
    await close(s);
    const onDisk = JSON.parse(fs.readFileSync(path.join(dataDir, 'session.json'), 'utf8')) as {
      torrents: { id: string; paused: boolean }[];
    };
    expect(onDisk.torrents.map((t) => t.id).sort()).toEqual([...ids].sort());
    expect(
      fs.readdirSync(dataDir).filter((n) => n.endsWith('.tmp') || n.endsWith('.broken')),
    ).toEqual([]);

    s = await open(dataDir, downloads);
    const list = s.list();
    expect(list.map((t) => t.id).sort()).toEqual([...ids].sort());
    for (const [i, id] of ids.entries())
      expect(s.summary(id)?.state === 'paused', `torrent ${i}`).toBe(i % 2 === 1);
  });

  it('hundreds of concurrent settings changes leave a whole settings.json with the last one', async () => {
    const dataDir = folder('data');
    const downloads = folder('dl');
    let s = await open(dataDir, downloads);
    await Promise.all(
      Array.from({ length: 300 }, (_, i) => s.updateSettings({ uploadLimitBps: 1000 + i })),
    );
    await close(s);
    s = await open(dataDir, downloads);
    expect(s.getSettings().uploadLimitBps).toBe(1299);
    expect(
      fs.readdirSync(dataDir).filter((n) => n.endsWith('.tmp') || n.endsWith('.broken')),
    ).toEqual([]);
  });

  it('the embedded tracker started through the session is announced, saved, and back after a restart', async () => {
    const dataDir = folder('data');
    const downloads = folder('dl');
    let s = await open(dataDir, downloads);
    const seen: { running: boolean; enabledInSettings: boolean }[] = [];
    s.on('tracker-server-changed', (stats) =>
      seen.push({ running: stats.running, enabledInSettings: s.getSettings().tracker.enabled }),
    );
    const started = await s.startTracker({ host: '127.0.0.1', httpPort: 0, udpPort: 0 });
    expect(started.running).toBe(true);
    expect(seen[0]).toEqual({ running: true, enabledInSettings: true });
    await close(s);

    s = await open(dataDir, downloads);
    expect(s.trackerStats().running).toBe(true);
    expect(s.sessionStats().trackerRunning).toBe(true);
    const stopped = await s.stopTracker();
    expect(stopped.running).toBe(false);
    await close(s);
    s = await open(dataDir, downloads);
    expect(s.trackerStats().running).toBe(false);
  });

  it('a damaged session.json with no good copy: the list is rebuilt from torrents/ and an alert is raised', async () => {
    const dataDir = folder('data');
    const downloads = folder('dl');
    let s = await open(dataDir, downloads);
    const ids: string[] = [];
    for (const t of torrents(3)) ids.push(await s.addTorrent({ torrentFile: t }, { paused: true }));
    await close(s);
    fs.writeFileSync(path.join(dataDir, 'session.json'), '{"version":1,"torrents":[{"id":"ab}}}}');
    fs.rmSync(path.join(dataDir, 'session.json.bak'), { force: true });

    s = await open(dataDir, downloads);
    const alerts: Alert[] = [];
    s.on('alert-raised', (a) => alerts.push(a));
    await new Promise((r) => setImmediate(r));
    expect(
      s
        .list()
        .map((t) => t.id)
        .sort(),
    ).toEqual([...ids].sort());
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ level: 'error', title: 'The torrent list was damaged' });
    expect(alerts[0]?.message).toContain('3 of 3 torrents were restored');
    // Kept for the user, and the rebuilt list is on disk for the next start.
    expect(fs.existsSync(path.join(dataDir, 'session.json.broken'))).toBe(true);
    await close(s);
    s = await open(dataDir, downloads);
    expect(s.list()).toHaveLength(3);
  });

  it('a damaged settings.json with no good copy raises an alert and falls back to defaults', async () => {
    const dataDir = folder('data');
    fs.writeFileSync(path.join(dataDir, 'settings.json'), '{"uploadLimitBps": 5');
    const s = await open(dataDir, folder('dl'));
    const alerts: Alert[] = [];
    s.on('alert-raised', (a) => alerts.push(a));
    await new Promise((r) => setImmediate(r));
    expect(alerts.map((a) => a.title)).toEqual(['Settings were reset']);
    expect(s.getSettings().uploadLimitBps).toBe(0);
  });

  it('a damaged session.json is recovered from its backup, save folders and all', async () => {
    const dataDir = folder('data');
    const downloads = folder('dl');
    const elsewhere = folder('elsewhere');
    let s = await open(dataDir, downloads);
    const [a, b] = torrents(2) as [Uint8Array, Uint8Array];
    const idA = await s.addTorrent({ torrentFile: a }, { paused: true, savePath: elsewhere });
    await s.addTorrent({ torrentFile: b }, { paused: true, savePath: elsewhere });
    await close(s);
    const good = fs.readFileSync(path.join(dataDir, 'session.json'));
    fs.writeFileSync(path.join(dataDir, 'session.json'), good.subarray(0, good.length - 5));

    s = await open(dataDir, downloads);
    expect(s.list()).toHaveLength(2);
    expect(s.summary(idA)?.savePath).toBe(elsewhere);
  });

  it.runIf(process.platform !== 'win32')(
    'data-folder files are created owner-only (0600) and folders 0700, old ones tightened',
    async () => {
      const dataDir = folder('data');
      // As an older version left it: readable by everyone.
      fs.mkdirSync(path.join(dataDir, 'torrents'), { mode: 0o755 });
      fs.chmodSync(dataDir, 0o755);
      fs.writeFileSync(path.join(dataDir, 'settings.json'), '{}', { mode: 0o644 });
      const s = await open(dataDir, folder('dl'));
      const id = await s.addTorrent(
        { torrentFile: torrents(1)[0] as Uint8Array },
        { paused: true },
      );
      await s.updateSettings({ uploadLimitBps: 12345 });
      await close(s);
      const mode = (p: string): number => fs.statSync(path.join(dataDir, p)).mode & 0o777;
      expect(mode('.')).toBe(0o700);
      expect(mode('torrents')).toBe(0o700);
      expect(mode('logs')).toBe(0o700);
      expect(mode('settings.json')).toBe(0o600);
      expect(mode('session.json')).toBe(0o600);
      expect(mode(`torrents/${id}.torrent`)).toBe(0o600);
    },
  );

  it('upload and download totals and the added date survive a restart; trackers hear only this run', async () => {
    tracker = new TrackerServer({ clock: systemClock, random: systemRandom });
    const t = await tracker.start(loopbackTrackerSettings);
    const content = writeContent(folder('content'), 'multi', multiFileLayout);
    const seederData = folder('seeder-data');
    const leecherData = folder('leecher-data');
    swarm = await createTestSwarm({
      contentPath: content,
      seeders: 1,
      leechers: 1,
      pieceLength: 32 * 1024,
      trackers: [`http://127.0.0.1:${t.httpPort}/announce`],
      configure: (role) => ({ dataDir: role === 'seeder' ? seederData : leecherData }),
    });
    await swarm.untilComplete(60_000);
    const id = swarm.meta.infoHashHex;
    const before = {
      seeder: (swarm.seeders[0] as Session).summary(id),
      leecher: (swarm.leechers[0] as Session).summary(id),
    };
    expect(before.seeder?.uploadedBytes).toBeGreaterThanOrEqual(swarm.meta.totalLength);
    expect(before.leecher?.downloadedBytes).toBeGreaterThanOrEqual(swarm.meta.totalLength);
    // The downloaded files stay: a restart that found them gone would fetch them again and
    // announce that run's bytes (this test failed in CI that way, depending on timing).
    const swarmRoot = swarm.root;
    await swarm.close({ keepFiles: true });
    swarm = null;
    dirs.push(swarmRoot);

    const seeder = await open(seederData, folder('dl'), true);
    const leecher = await open(leecherData, folder('dl'), true);
    expect(seeder.summary(id)?.uploadedBytes).toBe(before.seeder?.uploadedBytes);
    expect(seeder.summary(id)?.downloadedBytes).toBe(before.seeder?.downloadedBytes);
    expect(leecher.summary(id)?.downloadedBytes).toBe(before.leecher?.downloadedBytes);
    expect(leecher.summary(id)?.uploadedBytes).toBe(before.leecher?.uploadedBytes);
    expect(leecher.summary(id)?.addedAt).toBe(before.leecher?.addedAt);
    // BEP 3 trackers count from the `started` announce: the restarted sessions report 0 so far.
    const ports = [seeder.listenPort, leecher.listenPort];
    const announced = (): { uploaded: number; downloaded: number }[] =>
      (tracker?.swarm(id)?.peers ?? []).filter((p) => ports.includes(p.port));
    await waitFor(() => announced().length === 2, 'both restarted sessions to announce', 20_000);
    expect(announced().map((p) => [p.uploaded, p.downloaded])).toEqual([
      [0, 0],
      [0, 0],
    ]);
  });
});
