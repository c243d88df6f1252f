/**
 * The swarm lab with churn (issue 19): leechers leave and come back while the content flows, and
 * the lab still completes with every honest copy verified. Real child processes on 127.0.0.1,
 * the lab's tracker, real temp files; every copy checked by SHA-256 here.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { systemClock, systemRandom } from '../engine';
import { defaultLabConfig } from '../../src-shared/model';
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

it('a lab with churn completes, every honest copy verified', { timeout: 60_000 }, async () => {
  const lab = new LabController({
    config: {
      ...defaultLabConfig,
      leechers: 4,
      seeders: 1,
      sizeMiB: 4,
      // Slow enough that leechers leave mid-download: 5 uploaders at 256 KiB/s need about 13 s
      // for four copies of 4 MiB, and one peer leaves every 5 s (and is away for 5 s).
      uploadLimitBps: 256 * 1024,
      churnPerMin: 12,
    },
    spawn: forkLabChild(script),
    clock: systemClock,
    random: systemRandom,
  });
  await lab.start();
  const left = new Set<string>();
  const cameBack = new Set<string>();
  try {
    await waitFor(
      () => {
        const s = lab.state();
        for (const p of s.peers) {
          if (p.status === 'away') left.add(p.name);
          else if (left.has(p.name) && p.status === 'running') cameBack.add(p.name);
        }
        return s.status === 'complete';
      },
      'the lab with churn to complete',
      50_000,
      100,
    );
    const state = lab.state();
    // Churn really happened while it ran: peers left, and at least one came back.
    expect(left.size).toBeGreaterThan(0);
    expect(cameBack.size).toBeGreaterThan(0);
    const leechers = state.peers.filter((p) => p.role === 'leecher');
    expect(leechers).toHaveLength(4);
    expect(leechers.every((p) => p.verified)).toBe(true);
    expect(state.fullDistributionMs).not.toBeNull();
    // Our own check, independent of the children's reports.
    for (const p of leechers) {
      const file = path.join(lab.peerSavePath(p.id) as string, state.name);
      expect(sha256File(file)).toBe(lab.contentSha256);
    }
    expect(state.bans).toEqual([]);
  } catch (err) {
    // Say where each peer was, so that a stall under churn can be told from a slow run.
    const peers = lab.state().peers.map((p) => `${p.name} ${p.status} ${p.haveCount}`);
    throw new Error(`${String(err)}; peers: ${peers.join(', ')}`, { cause: err });
  } finally {
    const pids = lab.childPids();
    const dir = lab.workDir as string;
    await lab.close();
    expect(pids.filter(pidAlive)).toEqual([]);
    expect(fs.existsSync(dir)).toBe(false);
  }
});
