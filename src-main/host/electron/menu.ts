/**
 * The application menu. Commands that drive the renderer (Open torrent, Seed a file) arrive
 * with issue 6; the standard roles are here so copy, paste, zoom and quit work.
 */
import { Menu, type MenuItemConstructorOptions } from 'electron';

export function buildMenuTemplate(opts: {
  isMac: boolean;
  dev: boolean;
}): MenuItemConstructorOptions[] {
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
    { label: 'File', submenu: [opts.isMac ? { role: 'close' } : { role: 'quit' }] },
    { role: 'editMenu' },
    { label: 'View', submenu: view },
    { role: 'windowMenu' },
    { role: 'help', submenu: [{ label: 'About Swarmscope', role: 'about' }] },
  ];
}

export function installMenu(opts: { isMac: boolean; dev: boolean }): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(buildMenuTemplate(opts)));
}
