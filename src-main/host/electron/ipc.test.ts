import { describe, expect, it, vi } from 'vitest';
import type { IpcMainInvokeEvent, WebContents } from 'electron';
import { commandNames } from '../../../src-shared/contract';
import { ManualClock } from '../../engine/time/clock';
import { FakeEngine, fakeSummary, hexId } from '../test-support/fake-engine';
import { registerIpc, type IpcReply } from './ipc';

// ipc.ts needs only electron's types; the module itself is mocked so nothing loads it.
vi.mock('electron', () => ({}));

const rendererUrl = 'file:///opt/swarmscope/out/renderer/index.html';
type Listener = (event: IpcMainInvokeEvent, payload: unknown) => Promise<IpcReply<unknown>>;

function fakeIpcMain() {
  const handlers = new Map<string, Listener>();
  return {
    handlers,
    handle: vi.fn((name: string, fn: Listener) => void handlers.set(name, fn)),
    removeHandler: vi.fn((name: string) => void handlers.delete(name)),
  };
}

function fakeContents(id: number) {
  const sent: { name: string; payload: unknown }[] = [];
  const onceListeners = new Map<string, () => void>();
  let destroyed = false;
  const contents = {
    id,
    send: (name: string, payload: unknown) => void sent.push({ name, payload }),
    isDestroyed: () => destroyed,
    once: (name: string, fn: () => void) => void onceListeners.set(name, fn),
  };
  return {
    contents: contents as unknown as WebContents,
    sent,
    destroy() {
      destroyed = true;
      onceListeners.get('destroyed')?.();
    },
  };
}

function eventFrom(contentsId: number, url: string | null, topLevel = true): IpcMainInvokeEvent {
  const senderFrame = url === null ? null : { url, parent: topLevel ? null : { url: rendererUrl } };
  return { sender: { id: contentsId }, senderFrame } as unknown as IpcMainInvokeEvent;
}

function setup() {
  const ipcMain = fakeIpcMain();
  const engine = new FakeEngine();
  const clock = new ManualClock();
  const host = registerIpc({ ipcMain, engine, rendererUrl, clock });
  const win = fakeContents(7);
  host.attach(win.contents);
  const call = (name: string, payload: unknown, event = eventFrom(7, rendererUrl)) => {
    const fn = ipcMain.handlers.get(name);
    if (!fn) throw new Error(`no handler for ${name}`);
    return fn(event, payload);
  };
  return { ipcMain, engine, clock, host, win, call };
}

describe('Electron IPC', () => {
  it('registers exactly one handler per command', () => {
    const { ipcMain } = setup();
    expect(ipcMain.handle).toHaveBeenCalledTimes(commandNames.length);
    expect([...ipcMain.handlers.keys()].sort()).toEqual([...commandNames].sort());
  });

  it('answers a trusted sender with a result envelope', async () => {
    const { engine, call } = setup();
    const id = hexId(1);
    engine.torrents.set(id, fakeSummary(id));
    expect(await call('torrent.pause', { ids: [id] })).toEqual({ ok: true, result: undefined });
    expect(engine.torrents.get(id)?.state).toBe('paused');
    const added = await call('torrent.add', { torrentFile: new Uint8Array([1, 2]) });
    expect(added).toEqual({ ok: true, result: { id: hexId(2) } });
    // A hash in the page URL is still our page.
    const snap = await call('sync.snapshot', {}, eventFrom(7, `${rendererUrl}#/list`));
    expect(snap.ok).toBe(true);
  });

  it('refuses senders that are not our renderer page', async () => {
    const { engine, call } = setup();
    for (const event of [
      eventFrom(7, 'https://evil.example/index.html'),
      eventFrom(7, 'file:///tmp/other.html'),
      eventFrom(7, rendererUrl, false),
      eventFrom(7, null),
    ]) {
      const reply = await call('settings.get', {}, event);
      expect(reply).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    expect(engine.calls).toEqual([]);
  });

  it('refuses bad payloads before the engine', async () => {
    const { engine, call } = setup();
    expect(await call('torrent.add', { torrentFile: 'base64?' })).toEqual({
      ok: false,
      error: { code: 'bad-request', message: 'torrent.add: torrentFile must be bytes' },
    });
    expect(await call('settings.set', { listenPort: 70000 })).toMatchObject({
      ok: false,
      error: { code: 'bad-request' },
    });
    expect(engine.calls).toEqual([]);
  });

  it('refuses windows that were never attached', async () => {
    const { call } = setup();
    expect(await call('settings.get', {}, eventFrom(99, rendererUrl))).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
  });

  it('pushes events to the window and stops when it is destroyed', async () => {
    const { engine, clock, win, call } = setup();
    const id = hexId(1);
    engine.torrents.set(id, fakeSummary(id));
    engine.emit('torrent-changed', id);
    clock.advance(0);
    expect(win.sent.map((s) => s.name)).toEqual(['sync.delta']);
    expect(await call('view.watch', { id, topics: ['seeding'] })).toEqual({
      ok: true,
      result: undefined,
    });
    clock.advance(0);
    expect(win.sent.map((s) => s.name)).toEqual(['sync.delta', 'view.update']);
    win.destroy();
    expect(engine.listenerCount()).toBe(0);
    expect(clock.pending).toBe(0);
  });

  it('removes its handlers on dispose', () => {
    const { ipcMain, host, engine } = setup();
    host.dispose();
    expect(ipcMain.handlers.size).toBe(0);
    expect(engine.listenerCount()).toBe(0);
  });
});
