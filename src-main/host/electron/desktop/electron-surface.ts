/**
 * The slice of Electron that desktop integration uses, as structural types. Production passes
 * the real `app`, `Tray`, `Menu`, `nativeImage` and windows (the assignability checks at the end
 * prove they fit, at compile time only); tests pass plain fakes, so no test ever loads the
 * `electron` module, which would try to download its binary.
 */
import type {
  App,
  BrowserWindow,
  Menu as ElectronMenu,
  Tray as ElectronTray,
  nativeImage as electronNativeImage,
} from 'electron';

/** Listener arguments are typed at each call site; Electron's own overloads decide the truth. */
export type Listener = (...args: never[]) => void;

export interface PreventableEvent {
  preventDefault(): void;
}

export interface DesktopApp {
  requestSingleInstanceLock(additionalData?: Record<string, unknown>): boolean;
  on(event: string, listener: Listener): unknown;
  removeListener(event: string, listener: Listener): unknown;
  setAsDefaultProtocolClient(protocol: string, path?: string, args?: string[]): boolean;
  removeAsDefaultProtocolClient(protocol: string, path?: string, args?: string[]): boolean;
  isDefaultProtocolClient(protocol: string, path?: string, args?: string[]): boolean;
  setBadgeCount(count?: number): boolean;
  /** Windows: ties taskbar entries and notifications to the installed shortcut. */
  setAppUserModelId(id: string): void;
  quit(): void;
}

export interface DesktopImage {
  isEmpty(): boolean;
}

export interface DesktopWindow {
  /** Windows taskbar badge: Electron's setBadgeCount does nothing there. */
  setOverlayIcon?(overlay: DesktopImage | null, description: string): void;
  isDestroyed(): boolean;
  isMinimized(): boolean;
  isVisible(): boolean;
  restore(): void;
  show(): void;
  hide(): void;
  focus(): void;
  on(event: string, listener: Listener): unknown;
  removeListener(event: string, listener: Listener): unknown;
  /** 0..1 shows a bar, a negative value removes it (Electron's convention). */
  setProgressBar(progress: number): void;
}

export interface DesktopMenuItem {
  label?: string;
  type?: 'normal' | 'separator';
  enabled?: boolean;
  click?: () => void;
}

/** A built menu, passed back to the tray untouched. */
export type DesktopMenuHandle = object | null;

export interface DesktopMenu {
  buildFromTemplate(template: DesktopMenuItem[]): DesktopMenuHandle;
}

export interface DesktopTray {
  setToolTip(toolTip: string): void;
  setContextMenu(menu: DesktopMenuHandle): void;
  on(event: string, listener: Listener): unknown;
  destroy(): void;
}

/** Built from a file path: on macOS a name ending in "Template" makes a template image. */
export type DesktopTrayConstructor = new (iconPath: string) => DesktopTray;

export interface DesktopNativeImage {
  createFromPath(path: string): DesktopImage;
}

// Compile-time proof that the real Electron objects fit these shapes (no runtime code).
type Fits<T extends U, U> = T;
export type ElectronFitsDesktop = [
  Fits<App, DesktopApp>,
  Fits<BrowserWindow, DesktopWindow>,
  Fits<typeof ElectronMenu, DesktopMenu>,
  Fits<typeof ElectronTray, DesktopTrayConstructor>,
  Fits<typeof electronNativeImage, DesktopNativeImage>,
];
