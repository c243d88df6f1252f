import { afterEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import fs from 'node:fs';
import net from 'node:net';
import { TEST_SESSION_OPTIONS, createTestSwarm, wrappedFileStorage } from '../testing/swarm';
import type { TestSwarm } from '../testing/swarm';
import {
  multiFileLayout,
  openHandles,
  sha256Tree,
  tempDir,
  waitFor,
  writeContent,
} from '../testing/fixtures';
import { FaultyStorage } from './storage/faulty-storage';
import { FileLayout } from './storage/file-layout';
import { Session } from './session';
import { PieceState } from '../../src-shared/model';
import { MAX_PENDING_HANDSHAKES_PER_IP } from './limits';

let swarm: TestSwarm | null = null;
let content: string | null = null;

afterEach(async () => {
  await swarm?.close();
  swarm = null;
  if (content) fs.rmSync(path.dirname(content), { recursive: true, force: true });
  content = null;
});

function tcpHandles(): number {
  const h = openHandles();
  return (h['TCPSocketWrap'] ?? 0) + (h['TCPServerWrap'] ?? 0);
}

describe('loopback swarm', () => {
  it('one seeder to five leechers: multi-file content that straddles pieces, all verified', async () => {
    const before = tcpHandles();
    content = writeContent(tempDir('content'), 'multi', multiFileLayout);
    swarm = await createTestSwarm({
      contentPath: content,
      seeders: 1,
      leechers: 5,
      pieceLength: 32 * 1024,
      // The seeder alone would need ~10 s for all five copies: leechers must trade to finish.
      configure: (role) => (role === 'seeder' ? { settings: { uploadLimitBps: 200_000 } } : {}),
    });
    await swarm.untilComplete(60_000);
    const want = sha256Tree(content);
    expect(Object.keys(want)).toContain('empty.txt');
    for (const dir of swarm.leecherDirs) expect(sha256Tree(path.join(dir, 'multi'))).toEqual(want);
    // Leechers also traded among themselves: some uploaded (the seeder's limit makes them).
    const uploadedByLeechers = swarm.leechers.reduce(
      (n, s) => n + (s.list()[0]?.uploadedBytes ?? 0),
      0,
    );
    expect(uploadedByLeechers).toBeGreaterThan(0);
    await swarm.close();
    swarm = null;
    await waitFor(() => tcpHandles() <= before, 'sockets to close', 5_000);
    expect(tcpHandles()).toBeLessThanOrEqual(before);
  });

  it('a leecher fed corrupt blocks by a faulty peer bans it and still finishes', async () => {
    content = writeContent(tempDir('content'), 'multi', multiFileLayout, 3);
    swarm = await createTestSwarm({
      contentPath: content,
      seeders: 2,
      leechers: 1,
      pieceLength: 16 * 1024,
      connectByAddress: false,
      configure: (role, i) =>
        role === 'seeder' && i === 1
          ? {
              storageFactory: wrappedFileStorage(
                (files) => new FaultyStorage(files, { flipBitsOnRead: true }),
              ),
            }
          : {},
    });
    const [good, faulty] = swarm.seeders as [(typeof swarm.seeders)[0], (typeof swarm.seeders)[0]];
    const leecher = swarm.leechers[0]!;
    const id = swarm.meta.infoHashHex;
    // The faulty seeder first, alone, so it gets blamed; then the good one.
    leecher.addPeer(id, '127.0.0.1', faulty.listenPort as number);
    const faultyKey = `127.0.0.1:${faulty.listenPort}`;
    await waitFor(
      () => leecher.torrent(id)?.isBanned(faultyKey) ?? false,
      'the faulty peer to be banned',
      30_000,
    );
    leecher.addPeer(id, '127.0.0.1', good.listenPort as number);
    await swarm.untilComplete(60_000);
    expect(sha256Tree(path.join(swarm.leecherDirs[0]!, 'multi'))).toEqual(sha256Tree(content));
    expect(leecher.peers(id).some((p) => p.port === faulty.listenPort)).toBe(false);
    const log = leecher.recentLog(id);
    expect(log.some((e) => e.type === 'hash-failed')).toBe(true);
  });

  it('a check of partial data reports progress and left from the verified pieces (short last one, skipped files)', async () => {
    content = writeContent(tempDir('content'), 'multi', multiFileLayout);
    swarm = await createTestSwarm({
      contentPath: content,
      seeders: 0,
      leechers: 0,
      pieceLength: 32 * 1024,
    });
    const meta = swarm.meta;
    // Only the first file is on disk: the pieces wholly inside it verify, the last one does not.
    const partial = path.join(swarm.root, 'partial');
    fs.mkdirSync(path.join(partial, 'multi'), { recursive: true });
    fs.copyFileSync(path.join(content, 'a-first.bin'), path.join(partial, 'multi', 'a-first.bin'));
    // The complete copy proves the short last piece counts with its real size.
    const complete = path.dirname(content);
    const layout = new FileLayout(
      meta.files.map((f) => ({ path: f.path, length: f.length })),
      meta.pieceLength,
    );
    for (const [savePath, skipFiles] of [
      [partial, []],
      [partial, [0]],
      [complete, []],
      [complete, [4]],
    ] as const) {
      const session = await Session.open(TEST_SESSION_OPTIONS);
      try {
        const id = await session.addTorrent(
          { torrentFile: swarm.torrentFile },
          { savePath, skipFiles: [...skipFiles] },
        );
        await waitFor(
          () =>
            session.summary(id)?.checkProgress === 1 && session.summary(id)?.state !== 'checking',
          'the check',
        );
        const have = session.pieceMap(id).states;
        const had = (i: number): boolean => have[i] === PieceState.have;
        const haveBytes = Array.from({ length: meta.pieceCount }, (_, i) =>
          had(i) ? layout.pieceSize(i) : 0,
        ).reduce((a, b) => a + b, 0);
        const perFile = layout.fileProgress(had);
        const wanted = meta.files.reduce(
          (n, f, i) => n + ((skipFiles as readonly number[]).includes(i) ? 0 : f.length),
          0,
        );
        const verifiedWanted = perFile.reduce(
          (n, b, i) => n + ((skipFiles as readonly number[]).includes(i) ? 0 : b),
          0,
        );
        const s = session.summary(id);
        expect(haveBytes).toBeGreaterThan(0);
        expect(s?.progress).toBeCloseTo(verifiedWanted / wanted, 12);
        expect(s?.sizeBytes).toBe(meta.totalLength);
      } finally {
        await session.close();
      }
    }
  });

  it('recheck finds a damaged piece; a paused torrent stays paused, a seeding one goes on (issue 16 item 7)', async () => {
    content = writeContent(tempDir('content'), 'multi', multiFileLayout);
    swarm = await createTestSwarm({
      contentPath: content,
      seeders: 0,
      leechers: 0,
      pieceLength: 32 * 1024,
    });
    const savePath = path.dirname(content);
    const session = await Session.open(TEST_SESSION_OPTIONS);
    try {
      const id = await session.addTorrent({ torrentFile: swarm.torrentFile }, { savePath });
      await waitFor(() => session.summary(id)?.state === 'seeding', 'the first check');
      const pieceCount = swarm.meta.pieceCount;
      expect(session.summary(id)?.verifiedPieces).toBe(pieceCount);

      // Flip one byte of the first file behind the engine's back, then recheck while paused.
      const file = path.join(content, 'a-first.bin');
      const bytes = fs.readFileSync(file);
      bytes[100] = bytes[100]! ^ 0xff;
      fs.writeFileSync(file, bytes);
      await session.pause(id);
      await session.recheck(id);
      expect(session.summary(id)?.state).toBe('paused');
      expect(session.summary(id)?.verifiedPieces).toBe(pieceCount - 1);
      expect(session.pieceMap(id).states[0]).not.toBe(PieceState.have);

      // Repaired and rechecked while running: every piece again, and it seeds.
      bytes[100] = bytes[100]! ^ 0xff;
      fs.writeFileSync(file, bytes);
      await session.resume(id);
      await waitFor(() => session.summary(id)?.state === 'downloading', 'resumed');
      await session.recheck(id);
      await waitFor(() => session.summary(id)?.state === 'seeding', 'the recheck');
      expect(session.summary(id)?.verifiedPieces).toBe(pieceCount);
    } finally {
      await session.close();
    }
  });

  it('a disk slower than the network: requests keep flowing within the memory budget', async () => {
    content = writeContent(tempDir('content'), 'slow', [{ path: 'big.bin', sizeBytes: 4 << 20 }]);
    const pieceLength = 64 * 1024;
    const budgetPieces = 8;
    let slow: FaultyStorage | null = null;
    swarm = await createTestSwarm({
      contentPath: content,
      seeders: 1,
      leechers: 1,
      pieceLength,
      configure: (role) =>
        role === 'leecher'
          ? {
              pipelineBudgetBytes: budgetPieces * pieceLength,
              storageFactory: wrappedFileStorage((files) => {
                slow = new FaultyStorage(files, { writeDelayMs: 10 });
                return slow;
              }),
            }
          : {},
    });
    await swarm.untilComplete(60_000);
    expect(sha256Tree(path.join(swarm.leecherDirs[0] as string, 'slow'))).toEqual(
      sha256Tree(content),
    );
    const peak = (slow as FaultyStorage | null)?.maxPendingWrites ?? 0;
    // The backlog formed (the disk was the bottleneck) and never outgrew the budget.
    expect(peak).toBeGreaterThan(1);
    expect(peak).toBeLessThanOrEqual(budgetPieces);
  });

  it('pausing mid-download and resuming loses nothing and blames nobody', async () => {
    content = writeContent(tempDir('content'), 'pause', [{ path: 'big.bin', sizeBytes: 8 << 20 }]);
    swarm = await createTestSwarm({
      contentPath: content,
      seeders: 1,
      leechers: 1,
      pieceLength: 256 * 1024,
      // A slow disk, so pieces are partial, hashing and being written when the pause comes.
      configure: (role) =>
        role === 'leecher'
          ? {
              storageFactory: wrappedFileStorage(
                (files) => new FaultyStorage(files, { writeDelayMs: 15 }),
              ),
            }
          : {},
    });
    const leecher = swarm.leechers[0] as Session;
    const id = swarm.meta.infoHashHex;
    const seederPort = (swarm.seeders[0] as Session).listenPort as number;
    // About 2 s for the whole file, so both pauses come mid-download.
    await leecher.updateSettings({ downloadLimitBps: 4 << 20 });
    for (const at of [0.25, 0.55]) {
      await waitFor(() => (leecher.summary(id)?.progress ?? 0) >= at, `progress ${at}`);
      expect(leecher.summary(id)?.progress).toBeLessThan(1);
      await leecher.pause(id);
      await new Promise((r) => setTimeout(r, 100)); // writes and hashes in flight land meanwhile
      await leecher.resume(id);
      leecher.addPeer(id, '127.0.0.1', seederPort);
    }
    await swarm.untilComplete(60_000);
    expect(sha256Tree(path.join(swarm.leecherDirs[0] as string, 'pause'))).toEqual(
      sha256Tree(content),
    );
    expect(leecher.recentLog(id).filter((e) => e.type === 'hash-failed')).toEqual([]);
  });

  it('half-open handshakes from one address cannot hold more than a few descriptors', async () => {
    const session = await Session.open(TEST_SESSION_OPTIONS);
    const clients: net.Socket[] = [];
    try {
      let closedByUs = 0;
      for (let i = 0; i < 100; i++) {
        const c = net.connect({ port: session.listenPort as number, host: '127.0.0.1' });
        c.on('error', () => {});
        c.on('close', () => closedByUs++);
        clients.push(c);
      }
      // Long before the handshake deadline (10 s), everything over the per-IP cap is closed.
      await waitFor(
        () => closedByUs === 100 - MAX_PENDING_HANDSHAKES_PER_IP,
        'the excess half-open connections to be closed',
        3_000,
      );
      expect(session.pendingHandshakes).toBe(MAX_PENDING_HANDSHAKES_PER_IP);
    } finally {
      for (const c of clients) c.destroy();
      await session.close();
    }
  });
});
