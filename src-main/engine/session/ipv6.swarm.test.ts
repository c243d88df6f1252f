/**
 * IPv6 peers (issue 18): sessions that listen on ::1 only find and finish a download over TCP
 * and over uTP, the peers show their v6 address, and v6 addresses reach others by PEX.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PeerTransports } from '../../../src-shared/model';
import { sha256File, tempDir, waitFor, writeFile } from '../../testing/fixtures';
import { TEST_SESSION_OPTIONS, createTestSwarm } from '../../testing/swarm';
import { Session } from '../session';
import { toMagnet } from '../metainfo';
import type { TestSwarm } from '../../testing/swarm';

let swarm: TestSwarm | null = null;
let contentDir: string | null = null;

const extra: Session[] = [];

afterEach(async () => {
  for (const s of extra.splice(0)) await s.close();
  await swarm?.close();
  swarm = null;
  if (contentDir) fs.rmSync(contentDir, { recursive: true, force: true });
  contentDir = null;
});

async function v6Swarm(transports: PeerTransports, bytes: number, leechers = 1) {
  contentDir = tempDir('ipv6-content');
  const file = path.join(contentDir, 'data.bin');
  writeFile(file, bytes, 11);
  swarm = await createTestSwarm({
    contentPath: file,
    seeders: 1,
    leechers,
    pieceLength: 256 * 1024,
    connectHost: '::1',
    // The seeder is throttled, so the connection lasts long enough to be looked at.
    configure: (role) => ({
      listenHost: '::1',
      settings: {
        transports,
        dhtBootstrap: [],
        uploadLimitBps: role === 'seeder' ? 1024 * 1024 : 0,
      },
    }),
  });
  return { swarm, file };
}

describe('IPv6 peers', () => {
  for (const transport of ['tcp', 'utp'] as const) {
    it(`a v6-only seeder and leecher complete over ${transport}`, async () => {
      const { swarm: s, file } = await v6Swarm(transport, 2 * 1024 * 1024);
      const id = s.meta.infoHashHex;
      await waitFor(
        () =>
          (s.seeders[0]?.peers(id).length ?? 0) > 0 && (s.leechers[0]?.peers(id).length ?? 0) > 0,
        'the peers to connect',
        20_000,
      );
      expect(s.leechers[0]?.peers(id).map((p) => [p.address, p.port, p.transport])).toEqual([
        ['::1', s.seeders[0]?.listenPort, transport],
      ]);
      expect(s.seeders[0]?.peers(id).map((p) => [p.address, p.transport])).toEqual([
        ['::1', transport],
      ]);
      await s.untilComplete(60_000);
      expect(sha256File(path.join(s.leecherDirs[0] as string, 'data.bin'))).toBe(sha256File(file));
    });
  }

  it('PEX hands a v6 address on: a leecher that knows only another finds the seeder', async () => {
    contentDir = tempDir('ipv6-pex');
    const file = path.join(contentDir, 'pex6.bin');
    writeFile(file, 2 * 1024 * 1024, 12);
    swarm = await createTestSwarm({
      contentPath: file,
      seeders: 1,
      leechers: 2,
      pieceLength: 64 * 1024,
      connectByAddress: false,
      // Slow enough that neither leecher is done before PEX has had its turn.
      configure: () => ({
        listenHost: '::1',
        settings: { uploadLimitBps: 400_000, transports: 'tcp', dhtBootstrap: [] },
      }),
    });
    const [seeder] = swarm.seeders;
    const [a, b] = swarm.leechers;
    if (!seeder || !a || !b) throw new Error('swarm not built');
    const id = swarm.meta.infoHashHex;
    const seederPort = seeder.listenPort as number;
    a.addPeer(id, '[::1]', seederPort);
    await waitFor(
      () => a.peers(id).some((p) => p.port === seederPort && p.client !== 'unknown'),
      'A to reach the seeder',
    );
    b.addPeer(id, '::1', a.listenPort as number);
    await waitFor(
      () => b.peers(id).some((p) => p.port === seederPort),
      'B to learn the seeder through PEX (added6) and connect',
      15_000,
    );
    const viaPex = b.peers(id).find((p) => p.port === seederPort);
    expect([viaPex?.address, viaPex?.source]).toEqual(['::1', 'pex']);
    await swarm.untilComplete(60_000);
    const want = sha256File(file);
    for (const dir of swarm.leecherDirs) expect(sha256File(path.join(dir, 'pex6.bin'))).toBe(want);
  });

  it('the IPv6 DHT (BEP 32): a leecher finds a v6 seeder through a v6 bootstrap node', async () => {
    const tuning = {
      queryTimeoutMs: 1_000,
      lookupTimeoutMs: 10_000,
      tickMs: 200,
      torrentIntervalMs: 1_000,
    };
    const boot = await Session.open({
      ...TEST_SESSION_OPTIONS,
      listenHost: '::1',
      settings: { dhtEnabled: true, dhtBootstrap: [] },
      dhtTuning: tuning,
    });
    extra.push(boot);
    expect(boot.dhtNode).toBeNull();
    expect(boot.dht6Node?.family).toBe(6);
    contentDir = tempDir('ipv6-dht');
    const file = path.join(contentDir, 'dht6.bin');
    writeFile(file, 300_000, 13);
    swarm = await createTestSwarm({
      contentPath: file,
      seeders: 1,
      leechers: 1,
      pieceLength: 16_384,
      trackers: [],
      connectByAddress: false,
      configure: () => ({
        listenHost: '::1',
        settings: {
          dhtEnabled: true,
          dhtBootstrap: [`[::1]:${boot.udpPort}`],
          transports: 'tcp',
        },
        dhtTuning: tuning,
      }),
    });
    await swarm.untilComplete(60_000);
    expect(sha256File(path.join(swarm.leecherDirs[0] as string, 'dht6.bin'))).toBe(
      sha256File(file),
    );
    const leecher = swarm.leechers[0] as Session;
    expect(Object.keys(leecher.sessionStats().dht?.peersBySource ?? {})).toEqual(['dht']);
    expect(leecher.dht6Node?.stats().nodes).toBeGreaterThanOrEqual(2);
  });

  it("a magnet's x.pe=[::1]:port peer is dialled over IPv6: metadata, then the data", async () => {
    contentDir = tempDir('ipv6-magnet');
    const file = path.join(contentDir, 'magnet6.bin');
    writeFile(file, 400_000, 14);
    swarm = await createTestSwarm({
      contentPath: file,
      seeders: 1,
      leechers: 0,
      pieceLength: 16_384,
      connectByAddress: false,
      configure: () => ({ listenHost: '::1', settings: { transports: 'tcp', dhtBootstrap: [] } }),
    });
    const seeder = swarm.seeders[0] as Session;
    const leecher = await Session.open({
      ...TEST_SESSION_OPTIONS,
      listenHost: '::1',
      settings: { transports: 'tcp', dhtBootstrap: [] },
    });
    extra.push(leecher);
    const out = path.join(contentDir, 'out');
    const id = await leecher.addTorrent(
      { magnet: `${toMagnet(swarm.meta)}&x.pe=[::1]:${seeder.listenPort}` },
      { savePath: out },
    );
    await waitFor(() => leecher.summary(id)?.state === 'seeding', 'the magnet to complete', 30_000);
    expect(sha256File(path.join(out, 'magnet6.bin'))).toBe(sha256File(file));
  });
});
