/**
 * Interop (issue 5): reference clients find each other through our embedded tracker.
 * - a libtorrent seeder and a transmission-cli leecher, neither of them ours, complete;
 * - aria2c finds our seeder through it.
 * Content is checked by sha256; every process is stopped by its PID.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrackerServer } from './tracker-server';
import { Session } from '../../session';
import { createTorrent } from '../../metainfo';
import { HashWritePool } from '../../hash';
import { defaultTrackerServerSettings } from '../../../../src-shared/model';
import { systemClock, systemRandom } from '../../time/clock';
import { sha256File, tempDir, waitFor, writeFile } from '../../../testing/fixtures';
import {
  freePort,
  startAria2,
  startLibtorrent,
  startTransmission,
} from '../../../testing/ref-clients';

const CONTENT_BYTES = 16 * 1024 * 1024;
const NAME = 'through-our-tracker.bin';

let root: string;
let sourceDir: string;
let sourceSha: string;
let server: TrackerServer;
let torrentPath: string;
let infoHashHex: string;

beforeAll(async () => {
  root = tempDir('embedded-tracker-interop');
  sourceDir = path.join(root, 'source');
  writeFile(path.join(sourceDir, NAME), CONTENT_BYTES, 99);
  sourceSha = sha256File(path.join(sourceDir, NAME));
  server = new TrackerServer({ clock: systemClock, random: systemRandom });
  const httpPort = await freePort();
  const stats = await server.start({
    ...defaultTrackerServerSettings,
    enabled: true,
    udp: false,
    host: '127.0.0.1',
    httpPort,
    mode: 'open',
    intervalSec: 10,
    minIntervalSec: 2,
  });
  expect(stats.running, String(stats.error)).toBe(true);
  const pool = new HashWritePool({ threads: 1 });
  try {
    const created = await createTorrent(path.join(sourceDir, NAME), {
      pieceLength: 256 * 1024,
      trackers: [[`http://127.0.0.1:${stats.httpPort}/announce`]],
      creationDate: 0,
      pool,
    });
    infoHashHex = created.meta.infoHashHex;
    torrentPath = path.join(root, 'ours.torrent');
    fs.writeFileSync(torrentPath, created.torrentFile);
  } finally {
    await pool.close();
  }
});

afterAll(async () => {
  await server?.stop();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

describe('reference clients through our embedded tracker', () => {
  it('a libtorrent seeder and a transmission-cli leecher find each other and complete', async () => {
    const dir = path.join(root, 'transmission');
    // Transmission never dials 127.x peers, so it announces first and the seeder dials it.
    const leecher = await startTransmission({ torrentFile: torrentPath, saveDir: dir });
    let seeder: Awaited<ReturnType<typeof startLibtorrent>> | null = null;
    try {
      await waitFor(
        () => (server.swarm(infoHashHex)?.leechers ?? 0) >= 1,
        'Transmission to announce',
        60_000,
        100,
      );
      seeder = await startLibtorrent({
        role: 'seed',
        torrentFile: torrentPath,
        saveDir: sourceDir,
      });
      await waitFor(
        () => (server.swarm(infoHashHex)?.seeders ?? 0) >= 1,
        'libtorrent to announce',
        60_000,
        100,
      );
      await leecher.waitDone(180_000);
      expect(sha256File(path.join(dir, NAME))).toBe(sourceSha);
      const swarm = server.swarm(infoHashHex);
      expect(swarm?.peers?.length ?? 0).toBeGreaterThanOrEqual(2);
    } finally {
      await leecher.stop();
      await seeder?.stop();
    }
  }, 300_000);

  it('aria2c finds our seeder through it', async () => {
    const session = await Session.open({
      dataDir: null,
      listenHost: '127.0.0.1',
      listenPort: 0,
      hashThreads: 1,
    });
    try {
      const id = await session.addTorrent(
        { torrentFile: fs.readFileSync(torrentPath) },
        { savePath: sourceDir },
      );
      await waitFor(
        () => session.summary(id)?.state === 'seeding',
        'our seeder to check its data',
        60_000,
      );
      await waitFor(
        () => (server.swarm(infoHashHex)?.seeders ?? 0) >= 1,
        'our seeder to announce',
        30_000,
        100,
      );
      const dir = path.join(root, 'aria2');
      const aria = await startAria2({ torrentFile: torrentPath, saveDir: dir });
      try {
        expect(await aria.waitExit(120_000)).toBe(0);
      } finally {
        await aria.stop();
      }
      expect(sha256File(path.join(dir, NAME))).toBe(sourceSha);
      expect(session.summary(id)?.uploadedBytes).toBeGreaterThanOrEqual(CONTENT_BYTES);
    } finally {
      await session.close();
    }
  }, 200_000);
});
