import { beforeEach, describe, expect, it, vi } from 'vitest';
import { commandNames } from '../../../src-shared/contract';

const exposed = new Map<string, unknown>();
const ipcListeners = new Map<string, Set<(event: unknown, payload: unknown) => void>>();
const invoke = vi.fn();
const getPathForFile = vi.fn((file: { name: string }) => `/home/u/Drops/${file.name}`);

vi.mock('electron', () => ({
  webUtils: { getPathForFile: (file: { name: string }) => getPathForFile(file) },
  contextBridge: {
    exposeInMainWorld: vi.fn((key: string, api: unknown) => void exposed.set(key, api)),
  },
  ipcRenderer: {
    invoke: (...args: unknown[]) => invoke(...args),
    on: (name: string, fn: (event: unknown, payload: unknown) => void) => {
      if (!ipcListeners.has(name)) ipcListeners.set(name, new Set());
      ipcListeners.get(name)!.add(fn);
    },
    removeListener: (name: string, fn: (event: unknown, payload: unknown) => void) => {
      ipcListeners.get(name)?.delete(fn);
    },
  },
}));

await import('./preload');
const api = exposed.get('swarmscope') as {
  invoke(name: string, req: unknown): Promise<unknown>;
  on(name: string, fn: (payload: unknown) => void): () => void;
};
const desktop = exposed.get('swarmscopeDesktop') as { pathForFile(file: unknown): string };

beforeEach(() => invoke.mockReset());

describe('preload', () => {
  it('exposes only window.swarmscope (invoke, on) and the desktop bridge (pathForFile)', () => {
    expect([...exposed.keys()]).toEqual(['swarmscope', 'swarmscopeDesktop']);
    expect(Object.keys(api).sort()).toEqual(['invoke', 'on']);
    expect(Object.keys(desktop)).toEqual(['pathForFile']);
  });

  // --- desktop drop (issue 19) ---
  it("gives a dropped File's path through webUtils, and '' for anything else", () => {
    const file = new File([new Uint8Array(3)], 'film.mkv');
    expect(desktop.pathForFile(file)).toBe('/home/u/Drops/film.mkv');
    expect(getPathForFile).toHaveBeenCalledTimes(1);
    for (const other of [null, 'film.mkv', { name: 'film.mkv' }, 42]) {
      expect(desktop.pathForFile(other)).toBe('');
    }
    expect(getPathForFile).toHaveBeenCalledTimes(1);
    getPathForFile.mockImplementationOnce(() => {
      throw new Error('not a file');
    });
    expect(desktop.pathForFile(file)).toBe('');
  });

  it('forwards every allow-listed command and unwraps the envelope', async () => {
    for (const name of commandNames) {
      invoke.mockResolvedValueOnce({ ok: true, result: name });
      expect(await api.invoke(name, {})).toBe(name);
    }
    expect(invoke).toHaveBeenCalledTimes(commandNames.length);
  });

  it('rejects with a plain { code, message } so the code crosses the bridge', async () => {
    invoke.mockResolvedValueOnce({
      ok: false,
      error: { code: 'not-found', message: 'no torrent' },
    });
    await expect(api.invoke('torrent.export', { id: 'x' })).rejects.toEqual({
      code: 'not-found',
      message: 'no torrent',
    });
  });

  it('refuses names outside the allow-list without touching IPC', async () => {
    for (const name of ['shell.openExternal', '__proto__', 'constructor', 'ELECTRON_BROWSER_X']) {
      await expect(api.invoke(name, {})).rejects.toMatchObject({ code: 'unknown-command' });
    }
    expect(invoke).not.toHaveBeenCalled();
    expect(() => api.on('ipc-internal', () => undefined)).toThrow(/unknown event/);
  });

  it('delivers only the payload to listeners and unsubscribes', () => {
    const got: unknown[] = [];
    const off = api.on('sync.delta', (p) => got.push(p));
    for (const fn of ipcListeners.get('sync.delta')!) fn({ sender: 'secret' }, { seq: 1 });
    expect(got).toEqual([{ seq: 1 }]);
    off();
    expect(ipcListeners.get('sync.delta')!.size).toBe(0);
  });
});
