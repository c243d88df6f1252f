/**
 * The lab controller's state machine with fake children (the point here: no processes), a
 * manual clock, and the real content, tracker and torrent in a temp folder.
 */
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, seededRandom } from '../engine';
import { bitfieldBytes, defaultLabConfig } from '../../src-shared/model';
import type { LabConfig } from '../../src-shared/model';
import type { LabChild } from './lab-child';
import { LabController, labPieceLength } from './lab-controller';
import type { FromLabPeer, ToLabPeer } from './lab-protocol';

class FakeChild implements LabChild {
  static nextPid = 90_000;
  pid: number | null = FakeChild.nextPid++;
  sent: ToLabPeer[] = [];
  killed = false;
  /** Whether it exits when asked to stop (a hung child does not). */
  obeysStop = true;
  private messageFns: ((m: FromLabPeer) => void)[] = [];
  private exitFns: ((r: string | null) => void)[] = [];
  send(msg: ToLabPeer): void {
    this.sent.push(msg);
    if (msg.type === 'stop' && this.obeysStop) this.exit(null);
  }
  onMessage(fn: (m: FromLabPeer) => void): void {
    this.messageFns.push(fn);
  }
  onExit(fn: (r: string | null) => void): void {
    this.exitFns.push(fn);
  }
  kill(): void {
    this.killed = true;
    this.exit('killed');
  }
  emit(msg: FromLabPeer): void {
    for (const fn of this.messageFns) fn(msg);
  }
  exit(reason: string | null): void {
    if (this.pid === null) return;
    this.pid = null;
    for (const fn of this.exitFns) fn(reason);
  }
  get role() {
    const init = this.sent.find((m) => m.type === 'init');
    return init?.type === 'init' ? init.role : null;
  }
}

const labs: LabController[] = [];
afterEach(async () => {
  await Promise.all(labs.splice(0).map((l) => l.close()));
});

async function makeLab(config: Partial<LabConfig>, seedersReady = true) {
  const clock = new ManualClock();
  const children: FakeChild[] = [];
  const lab = new LabController({
    config: { ...defaultLabConfig, sizeMiB: 1, ...config },
    spawn: () => {
      const c = new FakeChild();
      children.push(c);
      return c;
    },
    clock,
    random: seededRandom(5),
  });
  labs.push(lab);
  await lab.start();
  // The seeders (and corrupt peers) come up; only then do the others start to arrive.
  if (seedersReady)
    children.forEach((c, i) => c.emit({ type: 'ready', port: 7000 + i, peerIdHex: `id${i}` }));
  return { lab, clock, children };
}

function full(pieceCount: number): Uint8Array {
  const b = new Uint8Array(bitfieldBytes(pieceCount));
  for (let i = 0; i < pieceCount; i++) b[i >> 3]! |= 0x80 >> (i & 7);
  return b;
}

function report(have: Uint8Array, complete: boolean): FromLabPeer {
  return {
    type: 'report',
    have,
    downRateBps: 0,
    upRateBps: 0,
    downloadedBytes: 0,
    uploadedBytes: 0,
    connections: 1,
    complete,
  };
}

describe('LabController', () => {
  it('refuses a bad config with the reason', () => {
    expect(
      () =>
        new LabController({
          config: { ...defaultLabConfig, leechers: 51 },
          spawn: () => new FakeChild(),
          clock: new ManualClock(),
          random: seededRandom(1),
        }),
    ).toThrow(/leechers must be a whole number from 1 to 50/);
  });

  it('starts seeders at once and leechers at their arrival times', async () => {
    const { lab, clock, children } = await makeLab({ leechers: 3, arrivalSpreadSec: 10 }, false);
    // Nobody arrives before the seeder has announced, however long its process takes.
    clock.advance(20_000);
    expect(children.map((c) => c.role)).toEqual(['seeder']);
    children[0]!.emit({ type: 'ready', port: 7000, peerIdHex: 'id0' });
    // Then the first leecher at once, one 5 s later and one 10 s later.
    expect(children.map((c) => c.role)).toEqual(['seeder', 'leecher']);
    expect(lab.state().peers.map((p) => p.status)).toEqual([
      'running',
      'starting',
      'waiting',
      'waiting',
    ]);
    clock.advance(5_000);
    expect(children).toHaveLength(3);
    clock.advance(5_000);
    expect(children).toHaveLength(4);
    const init = children[1]!.sent[0]!;
    expect(init).toMatchObject({ type: 'init', role: 'leecher', uploadLimitBps: 0 });
  });

  it('removes the original seeder only once every piece is out in the swarm', async () => {
    const { lab, children } = await makeLab({ leechers: 2 });
    const n = lab.state().pieceCount;
    children.forEach((c, i) => c.emit({ type: 'ready', port: 7000 + i, peerIdHex: `id${i}` }));
    await expect(lab.act({ kind: 'remove-original-seeder' })).rejects.toThrow(
      `only 0 of ${n} pieces are out in the swarm`,
    );
    // Each leecher holds half: together every piece is out.
    const half1 = new Uint8Array(bitfieldBytes(n));
    const half2 = new Uint8Array(bitfieldBytes(n));
    for (let i = 0; i < n; i++) (i % 2 ? half1 : half2)[i >> 3]! |= 0x80 >> (i & 7);
    children[1]!.emit(report(half1, false));
    expect(lab.state().piecesOut).toBe(Math.floor(n / 2));
    children[2]!.emit(report(half2, false));
    expect(lab.state().piecesOut).toBe(n);
    // A paused peer serves nobody: with one half paused, the rule refuses again.
    await lab.act({ kind: 'pause', peer: 2 });
    expect(children[2]!.sent.at(-1)).toEqual({ type: 'pause' });
    await expect(lab.act({ kind: 'remove-original-seeder' })).rejects.toThrow(/pieces are out/);
    await lab.act({ kind: 'resume', peer: 2 });
    await lab.act({ kind: 'remove-original-seeder' });
    expect(children[0]!.pid).toBeNull();
    const s = lab.state();
    expect(s.peers[0]!.status).toBe('removed');
    expect(s.originalSeederRemoved).toBe(true);
    expect(s.message).toBeNull();
    await expect(lab.act({ kind: 'remove-original-seeder' })).rejects.toThrow(/already gone/);
  });

  it('is complete when every honest leecher verified, and not on a wrong copy', async () => {
    const { lab, clock, children } = await makeLab({ leechers: 2, freeloaders: 1 });
    const sha = lab.contentSha256 as string;
    const n = lab.state().pieceCount;
    clock.advance(3_000);
    children[1]!.emit(report(full(n), true));
    children[1]!.emit({ type: 'hashed', sha256Hex: sha });
    expect(lab.state().status).toBe('running');
    children[2]!.emit({ type: 'hashed', sha256Hex: '0'.repeat(64) });
    expect(lab.state().peers[2]!.error).toMatch(/differs from the original/);
    expect(lab.state().status).toBe('running');
    children[2]!.emit({ type: 'hashed', sha256Hex: sha });
    // The freeloader (child 3) need not finish.
    const s = lab.state();
    expect(s.status).toBe('complete');
    expect(s.fullDistributionMs).toBe(3_000);
    expect(s.peers[1]!.doneAtMs).toBe(3_000);
    // A new leecher makes it run again.
    await lab.act({ kind: 'add', role: 'leecher' });
    expect(lab.state().status).toBe('running');
    expect(lab.state().peers.at(-1)!.name).toBe('leecher 3');
  });

  it('caps every role, however many are added', async () => {
    const { lab, children } = await makeLab({ leechers: 1, seeders: 5, corrupt: 1 });
    // The corrupt peer's file is intact, but what it sends is not: never "verified".
    children[5]!.emit({ type: 'hashed', sha256Hex: lab.contentSha256 as string });
    expect(lab.state().peers[5]).toMatchObject({ role: 'corrupt', verified: false });
    await expect(lab.act({ kind: 'add', role: 'seeder' })).rejects.toThrow(
      /already has 5 peers of role seeder/,
    );
    await expect(lab.act({ kind: 'pause', peer: 99 })).rejects.toThrow(/no lab peer 99/);
    await expect(lab.act({ kind: 'resume', peer: 1 })).rejects.toThrow(/is running, not paused/);
  });

  it('names who banned whom, and marks a child that died unasked as failed', async () => {
    const { lab, children } = await makeLab({ leechers: 1, corrupt: 1 });
    children.forEach((c, i) => c.emit({ type: 'ready', port: 7000 + i, peerIdHex: `id${i}` }));
    children[2]!.emit({
      type: 'ban',
      key: '127.0.0.1:51000',
      peerIdHex: 'id1',
      reason: 'banned after repeated hash failures',
    });
    children[2]!.emit({ type: 'ban', key: '127.0.0.1:7000', peerIdHex: null, reason: 'banned' });
    children[2]!.emit({ type: 'ban', key: '127.0.0.1:9', peerIdHex: null, reason: 'banned' });
    expect(lab.state().bans.map((b) => [b.by, b.banned])).toEqual([
      ['leecher 1', 'corrupt peer 1'],
      ['leecher 1', 'seeder 1'],
      ['leecher 1', '127.0.0.1:9'],
    ]);
    children[2]!.exit('exited (code 1): boom');
    const s = lab.state();
    expect(s.peers[2]).toMatchObject({ status: 'failed', error: 'exited (code 1): boom' });
    expect(s.message).toBe('leecher 1 stopped: exited (code 1): boom');
  });

  it('churn: a downloader leaves and comes back with its folder', async () => {
    const { lab, clock, children } = await makeLab({ leechers: 2, churnPerMin: 60 });
    children.forEach((c, i) => c.emit({ type: 'ready', port: 7000 + i, peerIdHex: `id${i}` }));
    clock.advance(1_000);
    await Promise.resolve();
    const away = lab.state().peers.filter((p) => p.status === 'away');
    expect(away).toHaveLength(1);
    expect(away[0]!.role).toBe('leecher');
    const before = children.length;
    clock.advance(5_000);
    // It came back as a new process; the seeder never churns.
    expect(children.length).toBeGreaterThan(before);
    const back = children[before]!;
    const init = back.sent[0];
    expect(init?.type === 'init' && init.savePath).toBe(lab.peerSavePath(away[0]!.id));
    expect(lab.state().peers[0]!.status).toBe('running');
  });

  it('close kills a child that ignores stop, by PID, and removes the temp folder', async () => {
    const { lab, clock, children } = await makeLab({ leechers: 1 });
    children[1]!.obeysStop = false;
    const dir = lab.workDir as string;
    expect(fs.existsSync(dir)).toBe(true);
    const closing = lab.close();
    for (let i = 0; i < 10 && !children[1]!.killed; i++) {
      await Promise.resolve();
      clock.advance(500);
    }
    await closing;
    expect(children[0]!.killed).toBe(false);
    expect(children[1]!.killed).toBe(true);
    expect(lab.childPids()).toEqual([]);
    expect(fs.existsSync(dir)).toBe(false);
    expect(lab.state().status).toBe('closed');
  });

  it('picks 64 KiB pieces or more, about 512 at most', () => {
    expect(labPieceLength(8 * 1024 * 1024)).toBe(64 * 1024);
    expect(labPieceLength(256 * 1024 * 1024)).toBe(512 * 1024);
    expect(labPieceLength(1024 * 1024 * 1024)).toBe(2 * 1024 * 1024);
    expect(labPieceLength(1000)).toBe(64 * 1024);
  });
});
