import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ContractError } from '../../../src-shared/model';

/** What the mocked electron module was asked to do. */
const calls: { name: string; args: unknown[] }[] = [];
let openAnswer: { canceled: boolean; filePaths: string[] } = { canceled: true, filePaths: [] };
let saveAnswer: { canceled: boolean; filePath?: string } = { canceled: true };

vi.mock('electron', () => ({
  dialog: {
    showOpenDialog: async (...args: unknown[]) => {
      calls.push({ name: 'showOpenDialog', args });
      return openAnswer;
    },
    showSaveDialog: async (...args: unknown[]) => {
      calls.push({ name: 'showSaveDialog', args });
      return saveAnswer;
    },
  },
  shell: {
    showItemInFolder: (p: string) => calls.push({ name: 'showItemInFolder', args: [p] }),
    // --- issue 21: Electron answers '' on success, an error text otherwise.
    openPath: async (p: string) => {
      calls.push({ name: 'openPath', args: [p] });
      return p.endsWith('.nope') ? 'No application knows this file' : '';
    },
  },
  clipboard: { writeText: (t: string) => calls.push({ name: 'writeText', args: [t] }) },
}));

const { createDesktopHandlers, torrentFileName } = await import('./dialogs');

const id = 'c'.repeat(40);
let dir = '';
const window = { isDestroyed: () => false };

function handlers(win: unknown = window) {
  return createDesktopHandlers({
    engine: {
      getSettings: () => ({ downloadDir: dir }) as never,
      exportTorrent: () => ({ name: 'Big: album/1', torrentFile: new Uint8Array([100, 101]) }),
    },
    getWindow: () => win as never,
  });
}

async function rejection(p: Promise<unknown>): Promise<ContractError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ContractError);
    return err as ContractError;
  }
  throw new Error('expected a rejection');
}

beforeEach(() => {
  calls.length = 0;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarmscope-dialogs-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('desktop handlers', () => {
  it('opens a file or folder dialog modal to the window, starting at the download folder', async () => {
    openAnswer = { canceled: false, filePaths: ['/home/me/film.mkv'] };
    expect(await handlers()['dialog.openPath']({ kind: 'file' })).toEqual({
      path: '/home/me/film.mkv',
    });
    const [win, options] = calls[0]!.args as [unknown, Record<string, unknown>];
    expect(win).toBe(window);
    expect(options.defaultPath).toBe(dir);
    expect(options.properties).toContain('openFile');

    await handlers(null)['dialog.openPath']({ kind: 'folder', defaultPath: '/srv' });
    const [floating] = calls[1]!.args as [Record<string, unknown>];
    expect(floating.properties).toContain('openDirectory');
    expect(floating.defaultPath).toBe('/srv');
  });

  it('answers null when the user cancels', async () => {
    openAnswer = { canceled: true, filePaths: [] };
    expect(await handlers()['dialog.openPath']({ kind: 'folder' })).toEqual({ path: null });
    saveAnswer = { canceled: true };
    expect(await handlers()['dialog.saveTorrent']({ id })).toEqual({ path: null });
  });

  it('writes the exported .torrent where the save dialog says, under a safe default name', async () => {
    const target = path.join(dir, 'chosen.torrent');
    saveAnswer = { canceled: false, filePath: target };
    expect(await handlers()['dialog.saveTorrent']({ id })).toEqual({ path: target });
    expect([...fs.readFileSync(target)]).toEqual([100, 101]);
    const [, options] = calls[0]!.args as [unknown, { defaultPath: string }];
    expect(options.defaultPath).toBe(path.join(dir, 'Big_ album_1.torrent'));
  });

  it('reports a failed write as an io error naming the path', async () => {
    const target = path.join(dir, 'missing-folder', 'x.torrent');
    saveAnswer = { canceled: false, filePath: target };
    const err = await rejection(handlers()['dialog.saveTorrent']({ id }));
    expect(err.code).toBe('not-found');
    expect(err.message).toContain(target);
  });

  it('shows existing items in the folder and refuses missing ones', async () => {
    const file = path.join(dir, 'a.bin');
    fs.writeFileSync(file, 'x');
    await handlers()['shell.showItem']({ path: file });
    expect(calls).toEqual([{ name: 'showItemInFolder', args: [file] }]);
    const err = await rejection(handlers()['shell.showItem']({ path: path.join(dir, 'gone') }));
    expect(err.code).toBe('not-found');
    expect(calls).toHaveLength(1);
  });

  it('opens a file with the default application, naming what failed (issue 21)', async () => {
    const file = path.join(dir, 'movie.mkv');
    fs.writeFileSync(file, 'x');
    await handlers()['shell.openPath']({ path: file });
    expect(calls).toEqual([{ name: 'openPath', args: [file] }]);
    expect(
      (await rejection(handlers()['shell.openPath']({ path: path.join(dir, 'gone') }))).code,
    ).toBe('not-found');
    const odd = path.join(dir, 'thing.nope');
    fs.writeFileSync(odd, 'x');
    const err = await rejection(handlers()['shell.openPath']({ path: odd }));
    expect(err.code).toBe('io');
    expect(err.message).toContain('No application knows this file');
  });

  it('copies text to the system clipboard', async () => {
    await handlers()['clipboard.writeText']({ text: 'magnet:?xt=urn:btih:' + id });
    expect(calls).toEqual([{ name: 'writeText', args: ['magnet:?xt=urn:btih:' + id] }]);
  });

  it('makes file names every platform accepts', () => {
    expect(torrentFileName('a/b\\c:d*?"<>|')).toBe('a_b_c_d______.torrent');
    expect(torrentFileName('...')).toBe('torrent.torrent');
    expect(torrentFileName(' ubuntu.iso ')).toBe('ubuntu.iso.torrent');
    expect(torrentFileName('ubuntu.iso.torrent')).toBe('ubuntu.iso.torrent');
  });
});
