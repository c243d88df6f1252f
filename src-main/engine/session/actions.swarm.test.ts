/**
 * Per-torrent actions and the queue on real loopback sessions (issue 21): the queue runs three
 * downloads one after another under a limit of 1; "Reannounce now" brings in a seeder that the
 * tracker learned of after our last announce; Add peer by host name connects; Verify finds a
 * piece damaged on disk; a seed ratio limit pauses the seeder.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encode } from '../bencode/encode';
import { HashWritePool } from '../hash/hash-write-pool';
import { createTorrent } from '../metainfo/create';
import { Session } from '../session';
import { sha256File, tempDir, waitFor, writeFile } from '../../testing/fixtures';
import { TEST_SESSION_OPTIONS } from '../../testing/swarm';
import type { TorrentSummary } from '../../../src-shared/model';

const sessions: Session[] = [];
const servers: http.Server[] = [];
let root: string | null = null;

afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
  await Promise.all(
    servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))),
  );
  if (root) fs.rmSync(root, { recursive: true, force: true });
  root = null;
});

async function open(opts: Partial<Parameters<typeof Session.open>[0]> = {}): Promise<Session> {
  const s = await Session.open({ ...TEST_SESSION_OPTIONS, ...opts });
  sessions.push(s);
  return s;
}

/** A file of `size` bytes under root/content and its .torrent. */
async function content(name: string, size: number, seed: number, trackers: string[] = []) {
  const file = path.join(root as string, 'content', name);
  writeFile(file, size, seed);
  const pool = new HashWritePool({ threads: 1 });
  try {
    const made = await createTorrent(file, {
      pieceLength: 32 * 1024,
      trackers: trackers.map((t) => [t]),
      creationDate: 0,
      pool,
    });
    return { file, ...made };
  } finally {
    await pool.close();
  }
}

const summaryOf = (s: Session, id: string): TorrentSummary => s.summary(id) as TorrentSummary;

describe('the queue (issue 21)', () => {
  it('runs three downloads one after another under a limit of one', async () => {
    root = tempDir('actions-queue');
    const items = [
      await content('a.bin', 600 * 1024, 1),
      await content('b.bin', 600 * 1024, 2),
      await content('c.bin', 600 * 1024, 3),
    ];
    const seeder = await open();
    for (const it of items)
      await seeder.addMeta(it.meta, { savePath: path.dirname(it.file) }, true);
    // Slow enough that the queue is watched at work: each download takes a few hundred ms.
    const leecher = await open({
      settings: { maxActiveDownloads: 1, downloadLimitBps: 400_000 },
    });
    const dir = path.join(root, 'leecher');
    fs.mkdirSync(dir);
    const ids: string[] = [];
    for (const it of items) {
      const id = await leecher.addTorrent({ torrentFile: it.torrentFile }, { savePath: dir });
      leecher.addPeer(id, '127.0.0.1', seeder.listenPort as number);
      ids.push(id);
    }
    // Each waiting torrent first checks what is on disk (nothing), then waits its turn.
    // Waited for after their check: a queued torrent shows 'checking' while that runs, so a
    // 'queued' seen before it started is not yet the state to assert.
    await waitFor(
      () =>
        ids.slice(1).every((id) => {
          const s = summaryOf(leecher, id);
          return s.state === 'queued' && s.checkProgress === 1;
        }),
      'the second and third to wait, checked',
    );
    expect(summaryOf(leecher, ids[1]!)).toMatchObject({ state: 'queued', queuePosition: 1 });
    expect(summaryOf(leecher, ids[2]!)).toMatchObject({ state: 'queued', queuePosition: 2 });
    const completedAt: number[] = [];
    let mostActive = 0;
    await waitFor(
      () => {
        const states = ids.map((id) => summaryOf(leecher, id));
        const active = states.filter((s) => s.state === 'downloading' || s.state === 'checking');
        mostActive = Math.max(mostActive, active.length);
        states.forEach((s, i) => {
          if (s.state === 'seeding' && completedAt[i] === undefined) completedAt[i] = Date.now();
        });
        return states.every((s) => s.state === 'seeding');
      },
      'all three downloads to finish',
      60_000,
      5,
    );
    expect(mostActive).toBe(1);
    // In queue order: each finished before the next one started.
    expect(completedAt[0]!).toBeLessThanOrEqual(completedAt[1]!);
    expect(completedAt[1]!).toBeLessThanOrEqual(completedAt[2]!);
    for (const it of items)
      expect(sha256File(path.join(dir, path.basename(it.file)))).toBe(sha256File(it.file));
  });

  it('moves a torrent to the top of the queue, and force start passes the queue', async () => {
    root = tempDir('actions-queue-move');
    const items = [
      await content('a.bin', 64 * 1024, 1),
      await content('b.bin', 64 * 1024, 2),
      await content('c.bin', 64 * 1024, 3),
    ];
    // No peers: the downloads never finish, so the queue stays as decided.
    const leecher = await open({ settings: { maxActiveDownloads: 1 } });
    const ids: string[] = [];
    for (const it of items)
      ids.push(await leecher.addTorrent({ torrentFile: it.torrentFile }, { savePath: root }));
    const [a, b, c] = ids as [string, string, string];
    await waitFor(() => summaryOf(leecher, a).state === 'downloading', 'a to start');
    leecher.queueMove([c], 'top');
    expect(leecher.queueOrder()).toEqual([c, a, b]);
    await waitFor(() => summaryOf(leecher, c).state === 'downloading', 'c to start');
    expect(summaryOf(leecher, a)).toMatchObject({ state: 'queued', queuePosition: 1 });
    await leecher.forceStart(b);
    await waitFor(() => summaryOf(leecher, b).state === 'downloading', 'b to start, forced');
    expect(summaryOf(leecher, b).actions?.forced).toBe(true);
    // a may show 'checking' for a moment while it waits (its progress read from disk).
    await waitFor(() => summaryOf(leecher, a).state === 'queued', 'a to stay queued');
    expect(summaryOf(leecher, a).queuePosition).toBe(1);
  });
});

describe('per-torrent actions on a live swarm (issue 21)', () => {
  it('Reannounce now brings in a seeder the tracker learned of after our announce', async () => {
    root = tempDir('actions-reannounce');
    // The tracker: no peers at first and "come back in 30 minutes", then the seeder.
    let seederPort = 0;
    let announces = 0;
    const tracker = http.createServer((_req, res) => {
      announces++;
      const peers = new Uint8Array(seederPort ? 6 : 0);
      if (seederPort) peers.set([127, 0, 0, 1, seederPort >> 8, seederPort & 0xff]);
      res.end(Buffer.from(encode({ interval: 1800, 'min interval': 1800, peers })));
    });
    servers.push(tracker);
    await new Promise<void>((resolve) => tracker.listen(0, '127.0.0.1', resolve));
    const port = (tracker.address() as { port: number }).port;
    const item = await content('late.bin', 400 * 1024, 9, [`http://127.0.0.1:${port}/announce`]);
    const leecher = await open();
    const dir = path.join(root, 'leecher');
    fs.mkdirSync(dir);
    const id = await leecher.addTorrent({ torrentFile: item.torrentFile }, { savePath: dir });
    await waitFor(() => announces >= 1, 'the first announce');
    // The seeder comes late and only the tracker knows it (it announces nowhere itself).
    const seeder = await open({ useTrackers: false });
    await seeder.addMeta(item.meta, { savePath: path.dirname(item.file) }, true);
    seederPort = seeder.listenPort as number;
    await new Promise((r) => setTimeout(r, 1_500));
    expect(summaryOf(leecher, id).peers).toBe(0);
    leecher.reannounce(id);
    await waitFor(() => summaryOf(leecher, id).state === 'seeding', 'the download', 30_000);
    expect(announces).toBeGreaterThanOrEqual(2);
    expect(sha256File(path.join(dir, 'late.bin'))).toBe(sha256File(item.file));
  });

  it('Add peer by host name resolves it and connects', async () => {
    root = tempDir('actions-addpeer');
    const item = await content('p.bin', 200 * 1024, 4);
    const seeder = await open();
    await seeder.addMeta(item.meta, { savePath: path.dirname(item.file) }, true);
    const leecher = await open();
    const dir = path.join(root, 'leecher');
    fs.mkdirSync(dir);
    const id = await leecher.addTorrent({ torrentFile: item.torrentFile }, { savePath: dir });
    await leecher.addPeerHost(id, 'localhost', seeder.listenPort as number);
    await waitFor(() => summaryOf(leecher, id).state === 'seeding', 'the download', 30_000);
    await expect(leecher.addPeerHost(id, 'no-such-host.invalid', 6881)).rejects.toMatchObject({
      code: 'bad-request',
    });
  });

  it('Verify finds a piece damaged on disk', async () => {
    root = tempDir('actions-verify');
    const item = await content('v.bin', 320 * 1024, 5);
    const seeder = await open();
    const id = await seeder.addMeta(item.meta, { savePath: path.dirname(item.file) }, true);
    expect(summaryOf(seeder, id).verifiedPieces).toBe(10);
    const fd = fs.openSync(item.file, 'r+');
    fs.writeSync(fd, Buffer.from([0xff, 0x00, 0xff]), 0, 3, 3 * 32 * 1024 + 100);
    fs.closeSync(fd);
    await seeder.recheck(id);
    await waitFor(() => summaryOf(seeder, id).state === 'downloading', 'the check');
    expect(summaryOf(seeder, id).verifiedPieces).toBe(9);
    expect(seeder.pieceMap(id).states[3]).not.toBe(seeder.pieceMap(id).states[2]);
  });

  it('a seed ratio limit pauses the seeder once it has uploaded enough', async () => {
    root = tempDir('actions-ratio');
    const item = await content('r.bin', 256 * 1024, 6);
    const seeder = await open();
    const id = await seeder.addMeta(item.meta, { savePath: path.dirname(item.file) }, true);
    await waitFor(() => summaryOf(seeder, id).state === 'seeding', 'the seeder to start');
    seeder.setLimits(id, {
      downBps: 0,
      upBps: 0,
      maxPeers: 0,
      ratioLimit: 0.5,
      seedTimeLimitMin: null,
      onLimit: 'pause',
    });
    const leecher = await open();
    const dir = path.join(root, 'leecher');
    fs.mkdirSync(dir);
    const lid = await leecher.addTorrent({ torrentFile: item.torrentFile }, { savePath: dir });
    leecher.addPeer(lid, '127.0.0.1', seeder.listenPort as number);
    await waitFor(() => summaryOf(seeder, id).state === 'paused', 'the ratio limit', 30_000);
    expect(summaryOf(seeder, id).ratio).toBeGreaterThanOrEqual(0.5);
    expect(summaryOf(seeder, id).actions?.limits.ratioLimit).toBe(0.5);
  });
});

describe('actions survive a restart (issue 21)', () => {
  it('keeps the queue order, limits, pick order and edited trackers', async () => {
    root = tempDir('actions-restart');
    const items = [
      await content('a.bin', 64 * 1024, 1, ['http://127.0.0.1:9/announce']),
      await content('b.bin', 64 * 1024, 2),
      await content('c.bin', 64 * 1024, 3),
    ];
    const dataDir = path.join(root, 'data');
    const downloads = path.join(root, 'dl');
    fs.mkdirSync(downloads);
    const opts = {
      dataDir,
      downloadDir: downloads,
      settings: { dhtBootstrap: [], maxActiveDownloads: 1 },
    };
    const first = await open({ ...opts, useTrackers: false });
    const ids: string[] = [];
    for (const it of items) ids.push(await first.addTorrent({ torrentFile: it.torrentFile }));
    const [a, b, c] = ids as [string, string, string];
    first.queueMove([c], 'top');
    const limits = {
      downBps: 300 * 1024,
      upBps: 0,
      maxPeers: 7,
      ratioLimit: 3,
      seedTimeLimitMin: 120,
      onLimit: 'remove' as const,
    };
    first.setLimits(b, limits);
    first.setSequential(b, true, true);
    const tiers = [['udp://127.0.0.1:9/announce'], ['http://127.0.0.1:9/second']];
    await first.setTrackers(a, tiers);
    expect(first.trackerTiers(a)).toEqual(tiers);
    await first.close();
    sessions.splice(sessions.indexOf(first), 1);

    const second = await open({ ...opts, useTrackers: false });
    expect(second.queueOrder()).toEqual([c, a, b]);
    expect(summaryOf(second, b).actions).toEqual({
      limits,
      sequential: true,
      firstLast: true,
      forced: false,
    });
    expect(second.trackerTiers(a)).toEqual(tiers);
    await waitFor(() => summaryOf(second, c).state === 'downloading', 'c to run first');
    expect(summaryOf(second, a)).toMatchObject({ state: 'queued', queuePosition: 1 });
    expect(summaryOf(second, b)).toMatchObject({ state: 'queued', queuePosition: 2 });
  });
});

describe('queued torrents with data on disk (issue 21)', () => {
  it('are checked while they wait, and a complete one seeds without a download slot', async () => {
    root = tempDir('actions-queued-check');
    const busy = [
      await content('busy-1.bin', 64 * 1024, 11),
      await content('busy-2.bin', 64 * 1024, 12),
    ];
    const done = await content('done.bin', 96 * 1024, 13);
    // Downloads that never finish (no peers) hold the only slot.
    const session = await open({ settings: { maxActiveDownloads: 1 } });
    const empty = path.join(root, 'empty');
    fs.mkdirSync(empty);
    for (const it of busy)
      await session.addTorrent({ torrentFile: it.torrentFile }, { savePath: empty });
    // Its data is in place already: added to be seeded.
    const id = await session.addTorrent(
      { torrentFile: done.torrentFile },
      { savePath: path.dirname(done.file) },
    );
    await waitFor(() => summaryOf(session, id).state === 'seeding', 'the complete one to seed');
    expect(summaryOf(session, id).verifiedPieces).toBe(3);
    const states = session
      .list()
      .map((s) => s.state)
      .sort();
    expect(states).toEqual(['downloading', 'queued', 'seeding']);
  });
});
