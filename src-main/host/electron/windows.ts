/**
 * The main window: secure preferences, hardened contents, our renderer page. Desktop
 * integration that grows later (window state, tray) belongs beside this, not in main.ts.
 */
import { BrowserWindow } from 'electron';
import { hardenWebContents, secureWebPreferences } from './security';

export interface MainWindowOptions {
  preloadPath: string;
  /** out/renderer/index.html */
  indexHtml: string;
  rendererUrl: string;
}

export function createMainWindow(opts: MainWindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    width: 1200,
    height: 760,
    minWidth: 720,
    minHeight: 420,
    title: 'Swarmscope',
    show: false,
    backgroundColor: '#15181d',
    // Spelled out here as well as in secureWebPreferences so static checks see them.
    webPreferences: {
      ...secureWebPreferences(opts.preloadPath),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
    },
  });
  hardenWebContents(win.webContents, opts.rendererUrl);
  win.once('ready-to-show', () => win.show());
  void win.loadFile(opts.indexHtml);
  return win;
}

/** Brings the window back when a second instance is launched. */
export function focusWindow(win: BrowserWindow | null): void {
  if (!win || win.isDestroyed()) return;
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}
