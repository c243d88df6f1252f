/**
 * LabHost with a fake engine and fake children (the point: no processes): one lab per host,
 * the observer torrent in and out of the engine, state to subscribers coalesced, and the
 * contract's lab commands through the dispatcher.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, seededRandom } from '../engine';
import { defaultLabConfig } from '../../src-shared/model';
import type { LabView } from '../../src-shared/model';
import { createDispatcher } from '../host/api';
import { FakeEngine } from '../host/test-support/fake-engine';
import type { LabChild } from './lab-child';
import { LabHost } from './lab-host';
import { labHandlers } from './lab-handlers';
import { LAB_REPORT_MS } from './lab-controller';

function fakeChild(): LabChild {
  let exitFn: ((r: string | null) => void) | null = null;
  let pid: number | null = 4242;
  return {
    get pid() {
      return pid;
    },
    send(msg) {
      if (msg.type === 'stop') {
        pid = null;
        exitFn?.(null);
      }
    },
    onMessage() {},
    onExit(fn) {
      exitFn = fn;
    },
    kill() {
      pid = null;
    },
  };
}

const hosts: LabHost[] = [];
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.close()));
});

function makeHost() {
  const engine = new FakeEngine();
  const clock = new ManualClock();
  const host = new LabHost({ engine, spawn: fakeChild, clock, random: seededRandom(2) });
  hosts.push(host);
  return { engine, clock, host };
}

describe('LabHost', () => {
  it('adds the observer torrent in the lab folder, and removes it with its data on close', async () => {
    const { engine, host } = makeHost();
    const view = await host.create({ ...defaultLabConfig, sizeMiB: 1, leechers: 2 });
    expect(view.peers.map((p) => p.name)).toEqual(['seeder 1', 'leecher 1', 'leecher 2']);
    expect(view.matrix).toBeInstanceOf(Uint8Array);
    expect(view.matrix.length).toBe(view.rowBytes * 3);
    const add = engine.calls.find((c) => c.method === 'addTorrent')!;
    const opts = add.args[1] as { savePath: string };
    expect(path.basename(opts.savePath)).toBe('observer');
    await expect(host.create(defaultLabConfig)).rejects.toThrow(/a lab is already open/);
    await host.close();
    expect(engine.calls.at(-1)).toMatchObject({
      method: 'remove',
      args: [expect.any(String), true],
    });
    expect(host.view()).toBeNull();
  });

  it('sends state to subscribers at most once a report interval, and null on close', async () => {
    const { clock, host } = makeHost();
    const seen: (LabView | null)[] = [];
    host.subscribe((v) => seen.push(v));
    await host.create({ ...defaultLabConfig, sizeMiB: 1, leechers: 1 });
    expect(seen).toEqual([]);
    clock.advance(LAB_REPORT_MS);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.status).toBe('running');
    await host.close();
    expect(seen.at(-1)).toBeNull();
  });

  it('serves the contract commands; without a lab they say so', async () => {
    const { engine, host } = makeHost();
    const dispatch = createDispatcher(engine, undefined, labHandlers(host));
    expect(await dispatch('lab.get', {})).toEqual({ lab: null });
    await expect(dispatch('lab.action', { kind: 'add', role: 'leecher' })).rejects.toMatchObject({
      code: 'not-found',
      message: 'no lab is open',
    });
    await expect(
      dispatch('lab.create', { ...defaultLabConfig, leechers: 0 }),
    ).rejects.toMatchObject({ code: 'bad-request' });
    const created = (await dispatch('lab.create', { ...defaultLabConfig, sizeMiB: 1 })) as LabView;
    expect(created.pieceCount).toBeGreaterThan(0);
    const after = (await dispatch('lab.action', { kind: 'add', role: 'freeloader' })) as LabView;
    expect(after.peers.at(-1)?.name).toBe('freeloader 1');
    await dispatch('lab.close', {});
    expect(await dispatch('lab.get', {})).toEqual({ lab: null });
    // A host without a lab refuses the lab commands.
    await expect(createDispatcher(engine)('lab.create', defaultLabConfig)).rejects.toMatchObject({
      code: 'forbidden',
    });
  });
});
