import { describe, expect, it } from 'vitest';
import { commandNames, type CommandName } from '../../src-shared/contract';
import { ContractError, type ErrorPayload } from '../../src-shared/model';
import { createDispatcher, createHandlers, toErrorPayload, type ClientChannel } from './api';
import { FakeEngine, fakeSummary, hexId } from './test-support/fake-engine';
import { defaultLabConfig } from '../../src-shared/model'; // --- swarm lab (issue 19)

const id = hexId(1);

/** A valid request per command and the engine method it must reach (null: host-only). */
const routes: { [K in CommandName]: [unknown, string | null] } = {
  'torrent.add': [{ torrentFile: new Uint8Array([1]), paused: true }, 'addTorrent'],
  'torrent.inspect': [{ path: '/x.torrent' }, 'inspectTorrent'],
  'torrent.pause': [{ ids: [id] }, 'pause'],
  'torrent.resume': [{ ids: [id] }, 'resume'],
  'torrent.recheck': [{ ids: [id] }, 'recheck'],
  'torrent.remove': [{ ids: [id], deleteData: true }, 'remove'],
  'torrent.export': [{ id }, 'exportTorrent'],
  'torrent.setFilePriority': [{ id, files: [0], priority: 'skip' }, 'setFilePriority'],
  'torrent.addPeer': [{ id, address: '127.0.0.1', port: 6881 }, 'addPeerHost'],
  'sync.snapshot': [{}, 'list'],
  'seed.create': [{ path: '/data' }, 'createAndSeed'],
  'job.cancel': [{ jobId: 'job-1' }, 'cancelJob'],
  'file.upload': [{ name: 'a.bin', size: 1, offset: 0, bytes: new Uint8Array(1) }, null],
  'fs.list': [{}, null],
  'settings.get': [{}, 'getSettings'],
  'settings.set': [{ listenPort: 7000 }, 'updateSettings'],
  'tracker.start': [{ httpPort: 7070 }, 'startTracker'],
  'tracker.stop': [{}, 'stopTracker'],
  'tracker.status': [{}, 'trackerStats'],
  'tracker.swarm': [{ infoHash: id }, 'trackerSwarm'],
  'view.watch': [{ id, topics: ['peers'] }, null],
  'view.unwatch': [{ id }, null],
  'dialog.openPath': [{ kind: 'file' }, null],
  'dialog.saveTorrent': [{ id }, null],
  'shell.showItem': [{ path: '/x' }, null],
  'clipboard.writeText': [{ text: 'x' }, null],
  'torrent.setLocation': [{ id, path: '/data/elsewhere', move: false }, 'setLocation'],
  // --- swarm lab (issue 19): host-only (a LabHost), see src-main/lab/lab-host.test.ts
  'lab.create': [{ ...defaultLabConfig }, null],
  'lab.action': [{ kind: 'add', role: 'leecher' }, null],
  'lab.close': [{}, null],
  'lab.get': [{}, null],
  // --- per-torrent actions and the queue (issue 21) ---
  'torrent.reannounce': [{ ids: [id] }, 'reannounce'],
  'torrent.trackerTiers': [{ id }, 'trackerTiers'],
  'torrent.setTrackers': [{ id, tiers: [['udp://t.example:1']] }, 'setTrackers'],
  'torrent.setLimits': [
    {
      ids: [id],
      downBps: 1,
      upBps: 2,
      maxPeers: 3,
      ratioLimit: null,
      seedTimeLimitMin: 60,
      onLimit: 'pause',
    },
    'setLimits',
  ],
  'torrent.setSequential': [{ ids: [id], sequential: true, firstLast: true }, 'setSequential'],
  'torrent.queueMove': [{ ids: [id], how: 'down' }, 'queueMove'],
  'torrent.forceStart': [{ ids: [id] }, 'forceStart'],
  'shell.openPath': [{ path: '/x' }, null],
  'net.interfaces': [{}, null], // --- listen interface (issues 18, 21)
  'torrent.setLabel': [{ ids: [id], label: 'Linux ISOs' }, 'setLabel'], // --- labels (issue 21)
};

function channel(): ClientChannel & { watched: string[] } {
  const watched: string[] = [];
  return {
    watched,
    currentSeq: () => 41,
    watch: (wid, topics) => void watched.push(`${wid}:${topics.join(',')}`),
    unwatch: (wid) => void watched.push(`-${wid}`),
  };
}

async function rejection(p: Promise<unknown>): Promise<ErrorPayload> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ContractError);
    return (err as ContractError).toPayload();
  }
  throw new Error('expected a rejection');
}

describe('createDispatcher', () => {
  for (const name of commandNames) {
    const [payload, method] = routes[name];
    it(`routes ${name}${method ? ` to engine.${method}` : ' in the host'}`, async () => {
      const engine = new FakeEngine();
      engine.torrents.set(id, fakeSummary(id));
      const client = channel();
      const dispatch = createDispatcher(engine, client, {
        'file.upload': async () => ({ uploadId: 'u1', path: '/uploads/a.bin' }),
        'fs.list': async () => ({ path: '/', parent: null, entries: [] }),
        'dialog.openPath': async () => ({ path: null }),
        'dialog.saveTorrent': async () => ({ path: null }),
        'shell.showItem': async () => undefined,
        'clipboard.writeText': async () => undefined,
        // --- swarm lab (issue 19) ---
        'lab.create': async () => ({}) as never,
        'lab.action': async () => ({}) as never,
        'lab.close': async () => undefined,
        'shell.openPath': async () => undefined, // --- issue 21
      });
      await dispatch(name, payload);
      if (method) expect(engine.calls.map((c) => c.method)).toContain(method);
      if (name === 'view.watch') expect(client.watched).toEqual([`${id}:peers`]);
      if (name === 'view.unwatch') expect(client.watched).toEqual([`-${id}`]);
    });
  }

  it('answers the desktop-only commands with forbidden unless the host provides them', async () => {
    const dispatch = createDispatcher(new FakeEngine(), channel());
    for (const name of [
      'dialog.openPath',
      'dialog.saveTorrent',
      'shell.showItem',
      'shell.openPath', // --- issue 21
    ] as const) {
      const err = await rejection(dispatch(name, routes[name][0]));
      expect(err.code).toBe('forbidden');
      expect(err.message).toContain(name);
    }
    expect((await rejection(dispatch('clipboard.writeText', { text: 'x' }))).code).toBe(
      'forbidden',
    );
  });

  it('returns the engine result and the client seq in snapshots', async () => {
    const engine = new FakeEngine();
    engine.torrents.set(id, fakeSummary(id, { name: 'ubuntu.iso' }));
    const dispatch = createDispatcher(engine, channel());
    const snap = (await dispatch('sync.snapshot', {})) as { seq: number; torrents: unknown[] };
    expect(snap.seq).toBe(41);
    expect(snap.torrents).toEqual([fakeSummary(id, { name: 'ubuntu.iso' })]);
    const added = await dispatch('torrent.add', { path: '/a.torrent' });
    expect(added).toEqual({ id: hexId(2) });
  });

  it('passes the add options through', async () => {
    const engine = new FakeEngine();
    await createDispatcher(engine)('torrent.add', {
      path: '/a.torrent',
      savePath: '/dl',
      skipFiles: [2],
    });
    expect(engine.calls[0]).toEqual({
      method: 'addTorrent',
      args: [{ path: '/a.torrent' }, { savePath: '/dl', skipFiles: [2], paused: undefined }],
    });
  });

  it('passes a magnet link and chooseFiles through to the engine (issue 17)', async () => {
    const engine = new FakeEngine();
    const magnet = `magnet:?xt=urn:btih:${hexId(5)}&x.pe=127.0.0.1:6881`;
    await createDispatcher(engine)('torrent.add', { magnet, chooseFiles: true });
    expect(engine.calls[0]).toEqual({
      method: 'addTorrent',
      args: [{ magnet }, { chooseFiles: true }],
    });
  });

  it('refuses unknown commands and bad payloads before the engine', async () => {
    const engine = new FakeEngine();
    const dispatch = createDispatcher(engine);
    expect(await rejection(dispatch('torrent.explode', {}))).toEqual({
      code: 'unknown-command',
      message: 'unknown command: torrent.explode',
    });
    expect((await rejection(dispatch('__proto__', {}))).code).toBe('unknown-command');
    const bad = await rejection(dispatch('torrent.add', { torrentFile: 'x' }));
    expect(bad).toEqual({ code: 'bad-request', message: 'torrent.add: torrentFile must be bytes' });
    expect(engine.calls).toEqual([]);
  });

  it('maps engine errors to contract codes', async () => {
    const engine = new FakeEngine();
    const dispatch = createDispatcher(engine);
    engine.failNext = Object.assign(new Error('no torrent x'), { code: 'not-found' });
    expect(await rejection(dispatch('torrent.inspect', { path: '/x' }))).toEqual({
      code: 'not-found',
      message: 'no torrent x',
    });
    engine.failNext = Object.assign(new Error('missing'), { field: 'info.piece length' });
    expect(await rejection(dispatch('torrent.inspect', { path: '/x' }))).toEqual({
      code: 'invalid-torrent',
      message: 'invalid torrent: info.piece length: missing',
    });
    engine.failNext = new TypeError('x is not a function');
    expect(await rejection(dispatch('torrent.inspect', { path: '/x' }))).toEqual({
      code: 'internal',
      message: 'x is not a function',
    });
    engine.failNext = Object.assign(new Error('ENOSPC: no space left'), { code: 'ENOSPC' });
    expect((await rejection(dispatch('torrent.inspect', { path: '/x' }))).code).toBe('io');
  });

  it('refuses watches of unknown torrents and watches without a channel', async () => {
    const engine = new FakeEngine();
    expect(
      (await rejection(createDispatcher(engine, channel())('view.watch', { id, topics: ['log'] })))
        .code,
    ).toBe('not-found');
    engine.torrents.set(id, fakeSummary(id));
    expect(
      (await rejection(createDispatcher(engine)('view.watch', { id, topics: ['log'] }))).code,
    ).toBe('bad-request');
  });

  it('reports host-only commands as unsupported unless the host provides them', async () => {
    const handlers = createHandlers(new FakeEngine());
    await expect(handlers['fs.list']({})).rejects.toThrow(/no file browser/);
  });
});

describe('toErrorPayload', () => {
  it('never leaks anything but code and message', () => {
    expect(toErrorPayload('boom')).toEqual({ code: 'internal', message: 'boom' });
    expect(toErrorPayload(new ContractError('forbidden', 'no'))).toEqual({
      code: 'forbidden',
      message: 'no',
    });
    expect(toErrorPayload(Object.assign(new Error('odd'), { code: 'EWHATEVER' }))).toEqual({
      code: 'internal',
      message: 'odd',
    });
  });
});
