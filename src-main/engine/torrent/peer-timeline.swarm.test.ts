/**
 * The per-peer timeline (issue 19) on a real download: one seeder and one leecher on loopback.
 * The leecher's lane for the seeder holds the handshake, the seeder's unchoke, piece runs whose
 * bytes add up to the content, and the close with its reason once both are seeds; the seeder's
 * lane for the leecher holds our unchoke span.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TimelineKind, timelineOpen, timelineRowStride } from '../../../src-shared/model';
import type { TimelineView } from '../../../src-shared/model';
import { createTestSwarm } from '../../testing/swarm';
import type { TestSwarm } from '../../testing/swarm';
import { tempDir, waitFor } from '../../testing/fixtures';

let swarm: TestSwarm | null = null;
let contentRoot: string | null = null;

afterEach(async () => {
  await swarm?.close();
  swarm = null;
  if (contentRoot) fs.rmSync(contentRoot, { recursive: true, force: true });
  contentRoot = null;
});

function rowsOf(view: TimelineView, lane: number): number[][] {
  const out: number[][] = [];
  for (let o = 0; o < view.events.length; o += timelineRowStride)
    if (view.events[o] === lane)
      out.push(Array.from(view.events.subarray(o, o + timelineRowStride)));
  return out;
}

describe('peer timeline on a real download', () => {
  it('records handshake, unchoke, piece runs and the close reason', async () => {
    contentRoot = tempDir('timeline-content');
    const size = 2 * 1024 * 1024 + 12_345;
    const file = path.join(contentRoot, 'data.bin');
    fs.writeFileSync(file, crypto.randomBytes(size));
    swarm = await createTestSwarm({
      contentPath: file,
      seeders: 1,
      leechers: 1,
      pieceLength: 32 * 1024,
    });
    await swarm.untilComplete(60_000);
    const id = swarm.meta.infoHashHex;
    const leecher = swarm.leechers[0]!;
    const seeder = swarm.seeders[0]!;
    // Both seeds now: one of them lets the other go.
    await waitFor(
      () => leecher.timeline(id, 0).lanes.some((l) => l.closeReason !== null),
      'the seeder lane to close',
      10_000,
    );

    const view = leecher.timeline(id, 0);
    expect(view.full).toBe(true);
    const lane = view.lanes.find((l) => l.port === seeder.listenPort)!;
    // Test sessions dial uTP first (issue 18): the label and the handshake both say so.
    expect(lane).toMatchObject({ address: '127.0.0.1', incoming: false, transport: 'utp' });
    expect(lane.client).toMatch(/Swarmscope/i);
    // Whichever side saw both were seeds first closed it: we ('not-wanted') or the seeder.
    expect(['not-wanted', 'remote-closed']).toContain(lane.closeReason);
    const rows = rowsOf(view, lane.id);
    const kinds = rows.map((r) => r[2]);
    expect(kinds[0]).toBe(TimelineKind.connect);
    expect(rows.find((r) => r[2] === TimelineKind.handshake)![5]).toBe(1);
    expect(kinds).toContain(TimelineKind.bitfield);
    expect(kinds).toContain(TimelineKind.ourInterest);
    expect(kinds).toContain(TimelineKind.requests);
    expect(kinds[kinds.length - 1]).toBe(TimelineKind.close);
    // The seeder unchoked us: a span, ended by the close at the latest.
    const unchoke = rows.find((r) => r[2] === TimelineKind.peerUnchoke)!;
    expect(unchoke[4]).not.toBe(timelineOpen);
    expect(unchoke[4]!).toBeGreaterThanOrEqual(unchoke[3]!);
    // Every byte came from this one peer, in runs.
    const runs = rows.filter((r) => r[2] === TimelineKind.run);
    expect(runs.length).toBeGreaterThan(0);
    expect(runs.reduce((n, r) => n + r[6]!, 0)).toBe(size);
    for (const r of runs) expect(r[5]!).toBeLessThan(swarm.meta.pieceCount);

    // The seeder's side: its lane for the leecher shows our unchoke.
    const seen = seeder.timeline(id, 0);
    const their = seen.lanes.find((l) => l.incoming)!;
    expect(their).toBeDefined();
    const theirKinds = rowsOf(seen, their.id).map((r) => r[2]);
    expect(theirKinds).toContain(TimelineKind.ourUnchoke);
    expect(theirKinds).toContain(TimelineKind.peerInterest);
  });
});
