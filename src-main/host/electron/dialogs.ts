/**
 * The desktop-only commands of the contract (issue 6), registered only by the Electron host
 * through `registerIpc({ handlers })`: native open and save dialogs, "show in folder" and the
 * system clipboard. The web host answers these with 'forbidden' (host/api.ts), so the renderer
 * falls back to the host file browser, a Blob download and navigator.clipboard.
 *
 * Invariants: a cancelled dialog answers `{ path: null }`, never an error; a saved .torrent is
 * written only where the user chose in the save dialog; every file system failure crosses as a
 * ContractError ('not-found' or 'io') naming the operation.
 */
import { clipboard, dialog, shell, type BrowserWindow, type OpenDialogOptions } from 'electron';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { ContractError } from '../../../src-shared/model';
import type { EngineApi } from '../../engine';
import type { Handlers } from '../api';

export type DesktopHandlers = Pick<
  Handlers,
  | 'dialog.openPath'
  | 'dialog.saveTorrent'
  | 'shell.showItem'
  | 'clipboard.writeText'
  | 'shell.openPath' // --- issue 21
>;

export interface DialogDeps {
  engine: Pick<EngineApi, 'exportTorrent' | 'getSettings'>;
  /** The window dialogs are modal to, or null (then they float). */
  getWindow(): BrowserWindow | null;
}

/** Characters that no file system on the three platforms accepts in a name. */
const reservedNameChars = new Set('\\/:*?"<>|');

function safeChar(c: string): string {
  return c.charCodeAt(0) < 0x20 || reservedNameChars.has(c) ? '_' : c;
}

/**
 * A torrent's name (or the engine's export name, which may end in .torrent already) as a safe
 * file name for its .torrent ("a/b: c" -> "a_b_ c.torrent").
 */
export function torrentFileName(name: string): string {
  const cleaned = Array.from(name.replace(/\.torrent$/i, ''), safeChar)
    .join('')
    .replace(/^[.\s]+|[.\s]+$/g, '');
  return `${cleaned.length > 0 ? cleaned : 'torrent'}.torrent`;
}

function fsError(operation: string, err: unknown): ContractError {
  const code = (err as { code?: unknown }).code;
  const message = err instanceof Error ? err.message : String(err);
  return new ContractError(code === 'ENOENT' ? 'not-found' : 'io', `${operation}: ${message}`);
}

export function createDesktopHandlers(deps: DialogDeps): DesktopHandlers {
  const modalTo = (): BrowserWindow | null => {
    const win = deps.getWindow();
    return win && !win.isDestroyed() ? win : null;
  };
  return {
    'dialog.openPath': async (req) => {
      const options: OpenDialogOptions = {
        title: req.kind === 'file' ? 'Seed a file' : 'Choose a folder',
        defaultPath: req.defaultPath ?? deps.engine.getSettings().downloadDir,
        properties: [req.kind === 'file' ? 'openFile' : 'openDirectory', 'createDirectory'],
      };
      const win = modalTo();
      const picked = win
        ? await dialog.showOpenDialog(win, options)
        : await dialog.showOpenDialog(options);
      const first = picked.filePaths[0];
      return { path: picked.canceled || first === undefined ? null : first };
    },
    'dialog.saveTorrent': async (req) => {
      const { name, torrentFile } = deps.engine.exportTorrent(req.id);
      const options = {
        title: 'Save .torrent',
        defaultPath: path.join(deps.engine.getSettings().downloadDir, torrentFileName(name)),
        filters: [{ name: 'Torrent files', extensions: ['torrent'] }],
      };
      const win = modalTo();
      const chosen = win
        ? await dialog.showSaveDialog(win, options)
        : await dialog.showSaveDialog(options);
      if (chosen.canceled || !chosen.filePath) return { path: null };
      try {
        await fsp.writeFile(chosen.filePath, torrentFile);
      } catch (err) {
        throw fsError(`dialog.saveTorrent ${chosen.filePath}`, err);
      }
      return { path: chosen.filePath };
    },
    'shell.showItem': async (req) => {
      try {
        await fsp.stat(req.path);
      } catch (err) {
        throw fsError(`shell.showItem ${req.path}`, err);
      }
      shell.showItemInFolder(req.path);
    },
    'clipboard.writeText': async (req) => {
      clipboard.writeText(req.text);
    },
    // --- per-torrent actions (issue 21): "Open file" with the system's default application.
    'shell.openPath': async (req) => {
      try {
        await fsp.stat(req.path);
      } catch (err) {
        throw fsError(`shell.openPath ${req.path}`, err);
      }
      // Electron answers an error text, empty on success; it never throws.
      const problem = await shell.openPath(req.path);
      if (problem) throw new ContractError('io', `shell.openPath ${req.path}: ${problem}`);
    },
  };
}
