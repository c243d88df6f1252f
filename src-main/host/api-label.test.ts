import { describe, expect, it } from 'vitest';
import { createDispatcher, type ClientChannel } from './api';
import { FakeEngine, fakeSummary, hexId } from './test-support/fake-engine';

const client: ClientChannel = {
  currentSeq: () => 0,
  watch: () => undefined,
  unwatch: () => undefined,
};

describe('labels through the host (issue 21)', () => {
  it('torrent.add hands the label to the engine', async () => {
    const engine = new FakeEngine();
    const dispatch = createDispatcher(engine, client);
    await dispatch('torrent.add', { torrentFile: new Uint8Array([1]), label: ' Films ' });
    const add = engine.calls.find((c) => c.method === 'addTorrent');
    expect(add?.args[1]).toMatchObject({ label: 'Films' });
  });

  it('torrent.setLabel labels each torrent, and null clears', async () => {
    const engine = new FakeEngine();
    const [a, b] = [hexId(1), hexId(2)];
    engine.torrents.set(a, fakeSummary(a));
    engine.torrents.set(b, fakeSummary(b));
    const dispatch = createDispatcher(engine, client);
    await dispatch('torrent.setLabel', { ids: [a, b], label: 'Films' });
    await dispatch('torrent.setLabel', { ids: [a], label: null });
    expect(engine.calls.filter((c) => c.method === 'setLabel').map((c) => c.args)).toEqual([
      [a, 'Films'],
      [b, 'Films'],
      [a, null],
    ]);
  });
});
