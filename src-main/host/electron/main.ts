/**
 * Electron main process (entry of out/main/main.js): one engine Session for the app, one
 * window, IPC for the contract. Settings and the torrent list live in the user-data folder.
 * This is the only place, with its sibling modules, that imports 'electron'.
 */
import {
  app,
  BrowserWindow,
  ipcMain,
  Menu,
  nativeImage,
  nativeTheme,
  Notification,
  screen,
  session as electronSession,
  Tray,
} from 'electron';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Session } from '../../engine';
import type { UiCommand } from '../../../src-shared/contract';
import { createDesktopHandlers } from './dialogs';
import { installDesktopIntegration, isMagnetUri } from './desktop';
import { registerIpc, type IpcHost } from './ipc';
import { installMenu } from './menu';
import { installAlertNotifications } from './notifications';
import { installSessionSecurity } from './security';
import { applyWindowState, loadWindowState, trackWindowState } from './window-state';
import { createMainWindow, focusWindow } from './windows';
// --- swarm lab (issue 19) ---
import { LabHost, labHandlers } from '../../lab';
import { utilityLabChild } from './lab-utility-process';
import { applyNativeTheme } from './theme';

const here = path.dirname(fileURLToPath(import.meta.url));
const indexHtml = path.join(here, '..', 'renderer', 'index.html');
const preloadPath = path.join(here, '..', 'preload', 'preload.cjs');
const rendererUrl = pathToFileURL(indexHtml).href;

let engine: Session | null = null;
let ipc: IpcHost | null = null;
let mainWindow: BrowserWindow | null = null;
let quitting = false;
let lab: LabHost | null = null; // --- swarm lab (issue 19)

/** Single instance, .torrent and magnet routing, tray and badges (desktop/). */
const desktop = installDesktopIntegration({
  app,
  Tray,
  Menu,
  nativeImage,
  getMainWindow: () => mainWindow,
  createMainWindow: () => {
    openWindow();
    return mainWindow as BrowserWindow;
  },
  openTorrentOrMagnet: async (arg) => {
    if (!engine) throw new Error('the engine is not started');
    // A magnet is in the list at once and fetches its metadata (issue 17), as a .torrent path
    // opened from the OS is added at once.
    await engine.addTorrent(isMagnetUri(arg) ? { magnet: arg.trim() } : { path: arg });
  },
  getSettings: () => engine!.getSettings(),
  getRates: () => engine!.sessionStats(),
  listTorrents: () => engine!.list(),
  pauseAll: async () => {
    await Promise.all(engine!.list().map((t) => engine!.pause(t.id)));
  },
  resumeAll: async () => {
    await Promise.all(engine!.list().map((t) => engine!.resume(t.id)));
  },
  reportError: (e) => engine?.logger.log('warn', 'desktop', `${e.code}: ${e.message}`),
  launch: {
    platform: process.platform,
    argv: process.argv,
    cwd: process.cwd(),
    execPath: process.execPath,
    defaultApp: Boolean(process.defaultApp),
  },
  appRoot: app.getAppPath(),
});

/** Menu items run renderer actions in the main window (the renderer listens to ui.command). */
function sendUiCommand(command: UiCommand): void {
  if (mainWindow && !mainWindow.isDestroyed()) {
    focusWindow(mainWindow);
    mainWindow.webContents.send('ui.command', { command });
  }
}

function openWindow(): void {
  const userData = app.getPath('userData');
  const win = createMainWindow({ preloadPath, indexHtml, rendererUrl });
  const displays = screen.getAllDisplays().map((d) => d.workArea);
  applyWindowState(win, loadWindowState(userData, displays));
  const untrack = trackWindowState(win, { userDataDir: userData });
  mainWindow = win;
  ipc?.attach(win.webContents);
  desktop?.attachWindow(win);
  win.on('closed', () => {
    untrack();
    mainWindow = null;
  });
}

async function start(): Promise<void> {
  await app.whenReady();
  installSessionSecurity(electronSession.defaultSession);
  installMenu({
    isMac: process.platform === 'darwin',
    dev: !app.isPackaged,
    onCommand: sendUiCommand,
  });
  engine = await Session.open({
    dataDir: app.getPath('userData'),
    downloadDir: path.join(app.getPath('downloads'), 'Swarmscope'),
    // Local Service Discovery on the LAN while the lsdEnabled setting is on (issue 17).
    lsd: true,
    // UPnP / NAT-PMP / PCP mapping of the listen port while the portMapping setting is on (issue 18).
    portMapping: true,
  });
  lab = new LabHost({ engine, spawn: utilityLabChild() }); // --- swarm lab (issue 19)
  ipc = registerIpc({
    ipcMain,
    engine,
    rendererUrl,
    log: (message) => engine?.logger.log('warn', 'ipc', message),
    handlers: {
      ...createDesktopHandlers({ engine, getWindow: () => mainWindow }),
      ...labHandlers(lab),
    },
    lab,
  });
  openWindow();
  desktop?.start();
  engine.on('settings-changed', () => desktop?.applySettings());
  // --- theme (issue 19): the OS frame, menus and dialogs follow the theme setting.
  applyNativeTheme(nativeTheme, engine.getSettings());
  engine.on('settings-changed', (s) => applyNativeTheme(nativeTheme, s));
  installAlertNotifications({ engine, Notification, onClick: () => focusWindow(mainWindow) });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) openWindow();
  });
}

if (!desktop) {
  // Another instance is running: it has received our files and links and come to the front.
  app.quit();
} else {
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  // Close the engine (sockets, files, workers) before the process goes.
  app.on('before-quit', (event) => {
    if (quitting || !engine) return;
    event.preventDefault();
    quitting = true;
    desktop.dispose();
    ipc?.dispose();
    // The lab's processes and temp folder go first (issue 19), then the engine.
    (lab?.close() ?? Promise.resolve())
      .catch((err: unknown) => console.error('lab close failed:', err))
      .then(() => engine?.close())
      .catch((err: unknown) => console.error('engine close failed:', err))
      .finally(() => app.quit());
  });
  start().catch((err: unknown) => {
    console.error('Swarmscope failed to start:', err);
    app.exit(1);
  });
}
