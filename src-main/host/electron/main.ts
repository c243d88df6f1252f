/**
 * Electron main process (entry of out/main/main.js): one engine Session for the app, one
 * window, IPC for the contract. Settings and the torrent list live in the user-data folder.
 * This is the only place, with its sibling modules, that imports 'electron'.
 */
import { app, BrowserWindow, ipcMain, session as electronSession } from 'electron';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Session } from '../../engine/session';
import { registerIpc, type IpcHost } from './ipc';
import { installMenu } from './menu';
import { installSessionSecurity } from './security';
import { createMainWindow, focusWindow } from './windows';

const here = path.dirname(fileURLToPath(import.meta.url));
const indexHtml = path.join(here, '..', 'renderer', 'index.html');
const preloadPath = path.join(here, '..', 'preload', 'preload.cjs');
const rendererUrl = pathToFileURL(indexHtml).href;

let engine: Session | null = null;
let ipc: IpcHost | null = null;
let mainWindow: BrowserWindow | null = null;
let quitting = false;

function openWindow(): void {
  mainWindow = createMainWindow({ preloadPath, indexHtml, rendererUrl });
  ipc?.attach(mainWindow.webContents);
  mainWindow.on('closed', () => {
    mainWindow = null;
  });
}

async function start(): Promise<void> {
  await app.whenReady();
  installSessionSecurity(electronSession.defaultSession);
  installMenu({ isMac: process.platform === 'darwin', dev: !app.isPackaged });
  engine = await Session.open({
    dataDir: app.getPath('userData'),
    downloadDir: path.join(app.getPath('downloads'), 'Swarmscope'),
  });
  ipc = registerIpc({
    ipcMain,
    engine,
    rendererUrl,
    log: (message) => engine?.logger.log('warn', 'ipc', message),
  });
  openWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) openWindow();
  });
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => focusWindow(mainWindow));
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  // Close the engine (sockets, files, workers) before the process goes.
  app.on('before-quit', (event) => {
    if (quitting || !engine) return;
    event.preventDefault();
    quitting = true;
    ipc?.dispose();
    engine
      .close()
      .catch((err: unknown) => console.error('engine close failed:', err))
      .finally(() => app.quit());
  });
  start().catch((err: unknown) => {
    console.error('Swarmscope failed to start:', err);
    app.exit(1);
  });
}
