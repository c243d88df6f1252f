/**
 * The application menu. Items that drive the renderer (Open torrent, Seed a file, Settings…)
 * call `onCommand`, which main.ts forwards to the window as a `ui.command` event, so the menu
 * runs exactly the code of the toolbar and the keyboard shortcuts; the standard roles make
 * copy, paste, zoom and quit work.
 */
import { Menu, type MenuItemConstructorOptions } from 'electron';
import type { UiCommand } from '../../../src-shared/contract';

export interface MenuOptions {
  isMac: boolean;
  dev: boolean;
  /** Runs a renderer action in the main window; absent, the File items are not shown. */
  onCommand?: (command: UiCommand) => void;
}

function fileMenu(opts: MenuOptions): MenuItemConstructorOptions[] {
  const run = opts.onCommand;
  const items: MenuItemConstructorOptions[] = run
    ? [
        {
          label: 'Open Torrent…',
          accelerator: 'CmdOrCtrl+O',
          click: () => run('open-torrent'),
        },
        { type: 'separator' },
        { label: 'Seed a File…', accelerator: 'CmdOrCtrl+N', click: () => run('seed-file') },
        {
          label: 'Seed a Folder…',
          accelerator: 'CmdOrCtrl+Shift+N',
          click: () => run('seed-folder'),
        },
        { type: 'separator' },
        { label: 'Tracker View', accelerator: 'CmdOrCtrl+T', click: () => run('tracker-panel') },
        {
          label: opts.isMac ? 'Preferences…' : 'Settings…',
          accelerator: 'CmdOrCtrl+,',
          click: () => run('settings'),
        },
        { type: 'separator' },
      ]
    : [];
  items.push(opts.isMac ? { role: 'close' } : { role: 'quit' });
  return items;
}

export function buildMenuTemplate(opts: MenuOptions): MenuItemConstructorOptions[] {
  const view: MenuItemConstructorOptions[] = [
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  ];
  if (opts.dev) view.unshift({ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' });
  return [
    ...(opts.isMac ? [{ role: 'appMenu' } as MenuItemConstructorOptions] : []),
    { label: 'File', submenu: fileMenu(opts) },
    { role: 'editMenu' },
    { label: 'View', submenu: view },
    { role: 'windowMenu' },
    { role: 'help', submenu: [{ label: 'About Swarmscope', role: 'about' }] },
  ];
}

export function installMenu(opts: MenuOptions): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(buildMenuTemplate(opts)));
}
