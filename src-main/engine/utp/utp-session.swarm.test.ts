/**
 * uTP in the session (issue 18): sessions on loopback download over uTP, accept it into the same
 * path as TCP, fall back to TCP when the other side has uTP off, and keep to TCP when told.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PeerTransports } from '../../../src-shared/model';
import { sha256File, tempDir, waitFor, writeFile } from '../../testing/fixtures';
import { createTestSwarm } from '../../testing/swarm';
import type { TestSwarm } from '../../testing/swarm';

let swarm: TestSwarm | null = null;
let contentDir: string | null = null;

afterEach(async () => {
  await swarm?.close();
  swarm = null;
  if (contentDir) fs.rmSync(contentDir, { recursive: true, force: true });
  contentDir = null;
});

async function swarmWith(
  seeder: PeerTransports,
  leecher: PeerTransports,
  bytes: number,
  seederUploadLimitBps = 0,
) {
  contentDir = tempDir('utp-content');
  const file = path.join(contentDir, 'data.bin');
  writeFile(file, bytes, 5);
  swarm = await createTestSwarm({
    contentPath: file,
    seeders: 1,
    leechers: 1,
    pieceLength: 256 * 1024,
    configure: (role) =>
      role === 'seeder'
        ? { settings: { transports: seeder, uploadLimitBps: seederUploadLimitBps } }
        : { settings: { transports: leecher } },
  });
  return { swarm, file };
}

function transportsSeen(s: TestSwarm): { seeder: string[]; leecher: string[] } {
  const id = s.meta.infoHashHex;
  return {
    seeder: (s.seeders[0]?.peers(id) ?? []).map((p) => p.transport),
    leecher: (s.leechers[0]?.peers(id) ?? []).map((p) => p.transport),
  };
}

describe('uTP in the session', () => {
  it('uTP only on both sides: 16 MiB arrives intact, both sides see a uTP peer', async () => {
    const { swarm: s, file } = await swarmWith('utp', 'utp', 16 * 1024 * 1024);
    await waitFor(
      () => transportsSeen(s).leecher.length > 0 && transportsSeen(s).seeder.length > 0,
      'the peers to connect',
    );
    expect(transportsSeen(s)).toEqual({ seeder: ['utp'], leecher: ['utp'] });
    await s.untilComplete(60_000);
    expect(sha256File(path.join(s.leecherDirs[0] as string, 'data.bin'))).toBe(sha256File(file));
    expect(s.leechers[0]?.utpStats?.connections).toBe(1);
  });

  it('dials uTP first with both on', async () => {
    const { swarm: s } = await swarmWith('both', 'both', 2 * 1024 * 1024, 1024 * 1024);
    await waitFor(() => transportsSeen(s).leecher.length > 0, 'the peers to connect', 10_000);
    expect(transportsSeen(s).leecher).toEqual(['utp']);
    await s.untilComplete(30_000);
    expect(s.seeders[0]?.utpStats?.refused).toBe(0);
  });

  it('falls back to TCP at once when the seeder has uTP off (its RESET), and stays intact', async () => {
    // Throttled, so the connection lasts long enough to be seen.
    const { swarm: s, file } = await swarmWith('tcp', 'both', 2 * 1024 * 1024, 1024 * 1024);
    await waitFor(() => transportsSeen(s).leecher.length > 0, 'the peers to connect', 10_000);
    expect(transportsSeen(s).leecher).toEqual(['tcp']);
    expect(s.seeders[0]?.utpStats?.refused).toBe(1);
    await s.untilComplete(30_000);
    expect(sha256File(path.join(s.leecherDirs[0] as string, 'data.bin'))).toBe(sha256File(file));
  });

  it('redials a peer whose uTP dial failed straight over TCP', async () => {
    const { swarm: s } = await swarmWith('tcp', 'both', 8 * 1024 * 1024, 512 * 1024);
    const id = s.meta.infoHashHex;
    await waitFor(() => transportsSeen(s).leecher.length > 0, 'the first connection', 10_000);
    expect(s.seeders[0]?.utpStats?.refused).toBe(1);
    // The seeder hangs up; the leecher dials it again a few seconds later.
    await s.seeders[0]?.pause(id);
    await waitFor(() => transportsSeen(s).leecher.length === 0, 'the hang-up', 10_000);
    await s.seeders[0]?.resume(id);
    await waitFor(() => transportsSeen(s).leecher.length > 0, 'the second connection', 30_000);
    expect(transportsSeen(s).leecher).toEqual(['tcp']);
    // No second uTP SYN reached the seeder.
    expect(s.seeders[0]?.utpStats?.refused).toBe(1);
  });

  it('with TCP only, never sends a uTP packet', async () => {
    const { swarm: s } = await swarmWith('both', 'tcp', 1024 * 1024);
    await s.untilComplete(30_000);
    expect(s.seeders[0]?.utpStats?.connections).toBe(0);
    expect(s.seeders[0]?.utpStats?.stray).toBe(0);
    expect(s.seeders[0]?.utpStats?.refused).toBe(0);
  });
});
