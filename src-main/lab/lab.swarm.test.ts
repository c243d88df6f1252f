/**
 * The swarm lab end to end (issue 19): real child processes, each a real engine Session on
 * 127.0.0.1, the lab's own tracker, real temp files; every copy checked by SHA-256 here too.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock, systemRandom } from '../engine';
import { defaultLabConfig } from '../../src-shared/model';
import type { LabConfig } from '../../src-shared/model';
import { sha256File, waitFor } from '../testing/fixtures';
import { forkLabChild } from './lab-child';
import { LabController } from './lab-controller';
import { buildLabPeerForTest, pidAlive } from './lab-test-support';

let script = '';
let dispose = () => {};

beforeAll(async () => {
  ({ script, dispose } = await buildLabPeerForTest());
});

afterAll(() => dispose());

async function runLab(config: Partial<LabConfig>) {
  const lab = new LabController({
    config: { ...defaultLabConfig, ...config },
    spawn: forkLabChild(script),
    clock: systemClock,
    random: systemRandom,
  });
  await lab.start();
  return lab;
}

/** Closes the lab and checks that no child process and no temp folder is left. */
async function closeAndCheck(lab: LabController): Promise<void> {
  const pids = lab.childPids();
  const dir = lab.workDir as string;
  await lab.close();
  expect(pids.filter(pidAlive)).toEqual([]);
  expect(fs.existsSync(dir)).toBe(false);
}

describe('swarm lab', () => {
  it('a lab of 8 leechers completes, every copy verified', async () => {
    const lab = await runLab({ leechers: 8, seeders: 1, sizeMiB: 4 });
    try {
      await waitFor(() => lab.state().status === 'complete', 'the lab to complete', 100_000);
      const state = lab.state();
      const leechers = state.peers.filter((p) => p.role === 'leecher');
      expect(leechers).toHaveLength(8);
      expect(leechers.every((p) => p.verified && p.haveCount === state.pieceCount)).toBe(true);
      expect(state.fullDistributionMs).not.toBeNull();
      expect(state.piecesOut).toBe(state.pieceCount);
      // Our own check, independent of the children's reports.
      for (const p of leechers) {
        const file = path.join(lab.peerSavePath(p.id) as string, state.name);
        expect(sha256File(file)).toBe(lab.contentSha256);
      }
      // The leechers shared among themselves: the seeder did not upload every copy alone.
      const leecherUpload = leechers.reduce((n, p) => n + p.uploadedBytes, 0);
      expect(leecherUpload).toBeGreaterThan(0);
      // With every piece out, the original seeder may go, and the swarm still has it all.
      await lab.act({ kind: 'remove-original-seeder' });
      expect(lab.state().peers[0]!.status).toBe('removed');
      expect(lab.state().piecesOut).toBe(state.pieceCount);
    } finally {
      await closeAndCheck(lab);
    }
  });

  it('the corrupt peer is banned', async () => {
    // The corrupt peer holds the whole content like the seeder, so every leecher asks it too.
    const lab = await runLab({ leechers: 3, seeders: 1, corrupt: 1, sizeMiB: 4 });
    try {
      await waitFor(
        () => lab.state().bans.some((b) => b.banned === 'corrupt peer 1'),
        'a leecher to ban the corrupt peer',
        60_000,
      );
      await waitFor(() => lab.state().status === 'complete', 'the lab to complete', 100_000);
      const state = lab.state();
      const ban = state.bans.find((b) => b.banned === 'corrupt peer 1')!;
      expect(ban.by).toMatch(/^leecher \d$/);
      expect(ban.reason).toMatch(/hash/);
      // Nobody honest was banned.
      expect(state.bans.filter((b) => b.banned !== 'corrupt peer 1')).toEqual([]);
      for (const p of state.peers.filter((x) => x.role === 'leecher')) {
        expect(sha256File(path.join(lab.peerSavePath(p.id) as string, state.name))).toBe(
          lab.contentSha256,
        );
      }
    } finally {
      await closeAndCheck(lab);
    }
  });
});
