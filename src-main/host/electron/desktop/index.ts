/**
 * Desktop integration for the Electron host (issue 7): single instance with handoff of `.torrent`
 * paths and magnet links, macOS open-file/open-url, the magnet handler opt-in, the tray with
 * close-to-tray, and dock/taskbar badges. main.ts calls `installDesktopIntegration` once, at the
 * top level, before `app.whenReady()`, because macOS may send open-file before ready.
 *
 * Invariants: a launch target is opened exactly once, and only after `start()` (targets arriving
 * earlier wait in order); nothing touches the OS magnet registration unless the setting asks;
 * every listener, timer and tray this module creates is released by `dispose()`.
 */
import path from 'node:path';
import type { Settings, TorrentSummary } from '../../../../src-shared/model';
import { systemClock, type Clock, type TimerHandle } from '../../../engine';
import { DESKTOP_REFRESH_INTERVAL_MS } from './desktop-limits';
import { BadgePresenter } from './badges';
import { DesktopError, runReported } from './desktop-error';
import { downloadBadge, trayToolTip, type Rates } from './desktop-status';
import type {
  DesktopApp,
  DesktopMenu,
  DesktopNativeImage,
  DesktopTrayConstructor,
  DesktopWindow,
  PreventableEvent,
} from './electron-surface';
import { listenForLaunches } from './launch-events';
import { targetArg, type LaunchTarget } from './launch-targets';
import {
  MagnetProtocolOptIn,
  type LaunchCommand,
  type MagnetHandlerOutcome,
} from './magnet-protocol';
import { TrayController } from './tray';

/** electron-builder.yml appId; Windows shortcuts made by the installer carry it as AppUserModelID. */
export const desktopAppId = 'org.swarmscope.desktop';

export { DesktopError } from './desktop-error';
export { isMagnetUri } from './launch-targets';
export type { MagnetHandlerOutcome } from './magnet-protocol';

export interface DesktopLaunch extends LaunchCommand {
  platform: NodeJS.Platform;
  /** The working directory relative paths in argv are resolved against. */
  cwd: string;
}

export interface DesktopIntegrationDeps {
  app: DesktopApp;
  Tray: DesktopTrayConstructor;
  Menu: DesktopMenu;
  nativeImage: DesktopNativeImage;
  /** The main window, or null while there is none. */
  getMainWindow(): DesktopWindow | null;
  /** Makes a main window when there is none (macOS after closing it); optional. */
  createMainWindow?(): DesktopWindow;
  /** Adds a torrent: `arg` is a magnet URI (see isMagnetUri) or an absolute `.torrent` path. */
  openTorrentOrMagnet(arg: string): unknown;
  getSettings(): Pick<Settings, 'minimizeToTray' | 'handleMagnetLinks'>;
  pauseAll(): unknown;
  resumeAll(): unknown;
  getRates(): Rates;
  listTorrents(): readonly TorrentSummary[];
  /** Every failure in here ends up in this callback (log it; show it if the user acted). */
  reportError(err: DesktopError): void;
  launch: DesktopLaunch;
  /** The app's root (app.getAppPath()): assets/tray and assets/badges live under it. */
  appRoot: string;
  productName?: string;
  clock?: Clock;
}

export interface DesktopIntegration {
  /** After app ready, the engine up and the window made: tray, settings, then queued targets. */
  start(): void;
  /** Hooks a main window (close-to-tray, badges); call for each new main window. */
  attachWindow(win: DesktopWindow): void;
  /** Applies the settings again; call on every settings change. Returns the magnet outcome. */
  applySettings(): MagnetHandlerOutcome;
  /** Brings the main window forward (restore, show, focus), creating it if needed. */
  showMainWindow(): void;
  /** Tooltip and badges now (a timer also does it every DESKTOP_REFRESH_INTERVAL_MS). */
  refresh(): void;
  /** Releases listeners, the timer and the tray, and clears badges. Idempotent. */
  dispose(): void;
}

/**
 * Returns null when another instance already runs: it has been handed this launch's targets
 * and focused, and the caller must `app.quit()` without creating windows or the engine.
 */
export function installDesktopIntegration(deps: DesktopIntegrationDeps): DesktopIntegration | null {
  const productName = deps.productName ?? 'Swarmscope';
  const clock = deps.clock ?? systemClock;
  const assets = path.join(deps.appRoot, 'assets');
  const pending: LaunchTarget[] = [];
  let started = false;
  let disposed = false;
  let quitting = false;
  let tray: TrayController | null = null;
  let timer: TimerHandle | null = null;
  const magnet = new MagnetProtocolOptIn(deps.app, deps.launch);
  const badges = new BadgePresenter({
    app: deps.app,
    nativeImage: deps.nativeImage,
    platform: deps.launch.platform,
    badgeIconDir: path.join(assets, 'badges'),
  });

  const open = (targets: LaunchTarget[]): void => {
    for (const target of targets) {
      const arg = targetArg(target);
      runReported(
        'open-failed',
        `open ${arg}`,
        () => deps.openTorrentOrMagnet(arg),
        deps.reportError,
      );
    }
  };
  const onTargets = (targets: LaunchTarget[]): void => {
    if (disposed) return;
    if (started) open(targets);
    else pending.push(...targets);
  };

  const showMainWindow = (): void => {
    if (disposed) return;
    let win = deps.getMainWindow();
    if (!win || win.isDestroyed()) {
      if (!deps.createMainWindow) return;
      win = deps.createMainWindow();
      attachWindow(win);
    }
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  };

  const launches = listenForLaunches(deps.app, deps.launch, {
    onTargets,
    onSecondInstance: () => {
      if (started) showMainWindow();
    },
  });
  if (!launches.primary) return null;
  pending.push(...launches.initialTargets);

  const onBeforeQuit = (): void => {
    quitting = true;
  };
  // macOS: a click on the dock icon brings back a window that was closed to the tray.
  const onActivate = (): void => {
    const win = deps.getMainWindow();
    if (started && win && !win.isDestroyed() && !win.isVisible()) showMainWindow();
  };
  const appListeners: Array<[string, () => void]> = [
    ['before-quit', onBeforeQuit],
    ['activate', onActivate],
  ];
  for (const [event, listener] of appListeners) deps.app.on(event, listener);
  if (deps.launch.platform === 'win32') deps.app.setAppUserModelId(desktopAppId);

  const quit = (): void => {
    quitting = true;
    deps.app.quit();
  };

  // Close hides to the tray when the setting is on, unless the app is quitting anyway.
  const windowListeners = new Map<
    DesktopWindow,
    Array<[string, (event: PreventableEvent) => void]>
  >();
  function attachWindow(win: DesktopWindow): void {
    if (disposed || windowListeners.has(win)) return;
    const onClose = (event: PreventableEvent): void => {
      if (quitting || !tray || !deps.getSettings().minimizeToTray) return;
      event.preventDefault();
      win.hide();
    };
    const onClosed = (): void => {
      windowListeners.delete(win);
    };
    const listeners: Array<[string, (event: PreventableEvent) => void]> = [
      ['close', onClose],
      ['closed', onClosed],
    ];
    for (const [event, listener] of listeners) win.on(event, listener);
    windowListeners.set(win, listeners);
  }

  const refresh = (): void => {
    if (disposed) return;
    const badge = downloadBadge(deps.listTorrents());
    tray?.setToolTip(trayToolTip(productName, deps.getRates(), badge));
    badges.show(badge, deps.getMainWindow());
  };

  const applySettings = (): MagnetHandlerOutcome => {
    const outcome = magnet.apply(deps.getSettings().handleMagnetLinks);
    if (outcome === 'register-refused' || outcome === 'unregister-refused') {
      deps.reportError(
        new DesktopError('protocol-refused', `${outcome.split('-')[0]} magnet: handler`),
      );
    }
    return outcome;
  };

  return {
    start() {
      if (started || disposed) return;
      started = true;
      const win = deps.getMainWindow();
      if (win && !win.isDestroyed()) attachWindow(win);
      try {
        tray = new TrayController({
          Tray: deps.Tray,
          Menu: deps.Menu,
          nativeImage: deps.nativeImage,
          platform: deps.launch.platform,
          iconDir: path.join(assets, 'tray'),
          productName,
          actions: {
            show: showMainWindow,
            pauseAll: () =>
              runReported('pause-all-failed', 'pause all', deps.pauseAll, deps.reportError),
            resumeAll: () =>
              runReported('resume-all-failed', 'resume all', deps.resumeAll, deps.reportError),
            quit,
          },
        });
      } catch (err) {
        // The app works without a tray; close-to-tray is then off, so no window is lost.
        if (!(err instanceof DesktopError)) throw err;
        deps.reportError(err);
      }
      applySettings();
      open(pending.splice(0));
      refresh();
      timer = clock.setInterval(refresh, DESKTOP_REFRESH_INTERVAL_MS);
    },
    attachWindow,
    applySettings,
    showMainWindow,
    refresh,
    dispose() {
      if (disposed) return;
      badges.clear(deps.getMainWindow());
      disposed = true;
      timer?.cancel();
      timer = null;
      launches.dispose();
      for (const [event, listener] of appListeners) deps.app.removeListener(event, listener);
      for (const [win, listeners] of windowListeners) {
        if (win.isDestroyed()) continue;
        for (const [event, listener] of listeners) win.removeListener(event, listener);
      }
      windowListeners.clear();
      tray?.dispose();
      tray = null;
      pending.length = 0;
    },
  };
}
