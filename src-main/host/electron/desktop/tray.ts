/**
 * The tray (menu bar extra on macOS): global rates in the tooltip, and Show, Pause all,
 * Resume all, Quit in its menu.
 *
 * Invariants: one Tray object per controller, destroyed by `dispose`; the tooltip is set only
 * when its text changes, so the one-second refresh costs nothing while idle.
 */
import path from 'node:path';
import { DesktopError } from './desktop-error';
import type {
  DesktopMenu,
  DesktopMenuItem,
  DesktopNativeImage,
  DesktopTray,
  DesktopTrayConstructor,
} from './electron-surface';

export interface TrayActions {
  show(): void;
  pauseAll(): void;
  resumeAll(): void;
  quit(): void;
}

export interface TrayOptions {
  Tray: DesktopTrayConstructor;
  Menu: DesktopMenu;
  nativeImage: DesktopNativeImage;
  platform: NodeJS.Platform;
  /** Folder holding tray.png and trayTemplate.png (each with an @2x sibling). */
  iconDir: string;
  productName: string;
  actions: TrayActions;
}

/** macOS wants a template image (black + alpha, tinted by the system); others get colour. */
export function trayIconPath(iconDir: string, platform: NodeJS.Platform): string {
  return path.join(iconDir, platform === 'darwin' ? 'trayTemplate.png' : 'tray.png');
}

export function trayMenuTemplate(productName: string, actions: TrayActions): DesktopMenuItem[] {
  return [
    { label: `Show ${productName}`, click: actions.show },
    { type: 'separator' },
    { label: 'Pause all', click: actions.pauseAll },
    { label: 'Resume all', click: actions.resumeAll },
    { type: 'separator' },
    { label: 'Quit', click: actions.quit },
  ];
}

export class TrayController {
  private readonly tray: DesktopTray;
  private toolTip = '';

  constructor(options: TrayOptions) {
    const iconPath = trayIconPath(options.iconDir, options.platform);
    // A missing icon gives an invisible tray entry on some desktops: fail loudly instead.
    if (options.nativeImage.createFromPath(iconPath).isEmpty()) {
      throw new DesktopError('tray-icon-missing', `load tray icon ${iconPath}`);
    }
    this.tray = new options.Tray(iconPath);
    this.tray.setContextMenu(
      options.Menu.buildFromTemplate(trayMenuTemplate(options.productName, options.actions)),
    );
    // Windows opens the window on a click; macOS and Linux show the menu themselves.
    if (options.platform === 'win32') this.tray.on('click', () => options.actions.show());
    this.setToolTip(options.productName);
  }

  setToolTip(text: string): void {
    if (text === this.toolTip) return;
    this.toolTip = text;
    this.tray.setToolTip(text);
  }

  dispose(): void {
    this.tray.destroy();
  }
}
