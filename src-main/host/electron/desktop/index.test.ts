// installDesktopIntegration end to end over fake Electron objects and a manual clock.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import path from 'node:path';
import type { Settings, TorrentSummary } from '../../../../src-shared/model';
import { DESKTOP_REFRESH_INTERVAL_MS } from './desktop-limits';
import { ManualClock } from '../../../engine/time/clock';
import { installDesktopIntegration, type DesktopError, type DesktopIntegrationDeps } from './index';
import {
  FakeApp,
  FakeEvent,
  FakeMenu,
  FakeNativeImage,
  FakeTray,
  FakeWindow,
  menuItem,
} from './testing/fake-electron';
import { torrent } from './testing/fixtures';

// Loading the real module would try to download Electron; this proves nothing here needs it.
vi.mock('electron', () => {
  throw new Error('desktop integration must not load electron at runtime');
});

const magnet = 'magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567';
const appRoot = '/opt/Swarmscope/resources/app.asar';

interface Harness {
  app: FakeApp;
  win: FakeWindow;
  menu: FakeMenu;
  images: FakeNativeImage;
  clock: ManualClock;
  opened: string[];
  errors: DesktopError[];
  settings: Pick<Settings, 'minimizeToTray' | 'handleMagnetLinks'>;
  torrents: TorrentSummary[];
  calls: string[];
  deps: DesktopIntegrationDeps;
}

function harness(
  over: Partial<DesktopIntegrationDeps> = {},
  argv = ['/opt/Swarmscope/swarmscope'],
): Harness {
  const h = {
    app: new FakeApp(),
    win: new FakeWindow(),
    menu: new FakeMenu(),
    images: new FakeNativeImage(),
    clock: new ManualClock(),
    opened: [] as string[],
    errors: [] as DesktopError[],
    settings: { minimizeToTray: false, handleMagnetLinks: false },
    torrents: [] as TorrentSummary[],
    calls: [] as string[],
  } as Harness;
  h.deps = {
    app: h.app,
    Tray: FakeTray,
    Menu: h.menu,
    nativeImage: h.images,
    getMainWindow: () => (h.win.destroyed ? null : h.win),
    openTorrentOrMagnet: (arg) => h.opened.push(arg),
    getSettings: () => h.settings,
    pauseAll: () => h.calls.push('pauseAll'),
    resumeAll: () => h.calls.push('resumeAll'),
    getRates: () => ({ downRateBps: 2048, upRateBps: 0 }),
    listTorrents: () => h.torrents,
    reportError: (err) => h.errors.push(err),
    launch: {
      platform: 'linux',
      argv,
      cwd: '/home/user',
      execPath: '/opt/Swarmscope/swarmscope',
      defaultApp: false,
    },
    appRoot,
    clock: h.clock,
    ...over,
  };
  return h;
}

function install(h: Harness) {
  const desktop = installDesktopIntegration(h.deps);
  if (!desktop) throw new Error('expected the primary instance');
  return desktop;
}

beforeEach(() => {
  FakeTray.instances = [];
});

let toDispose: Array<{ dispose(): void }> = [];
afterEach(() => {
  for (const d of toDispose) d.dispose();
  toDispose = [];
});
function started(h: Harness) {
  const desktop = install(h);
  toDispose.push(desktop);
  desktop.start();
  return desktop;
}

describe('single instance', () => {
  it('a second launch gets null, adds no listeners, and hands its targets over', () => {
    const h = harness({}, ['/opt/Swarmscope/swarmscope', 'x.torrent', magnet]);
    h.app.lockGranted = false;
    expect(installDesktopIntegration(h.deps)).toBeNull();
    expect(h.app.lockData).toEqual({ swarmscopeTargets: ['/home/user/x.torrent', magnet] });
    expect(h.app.listenerCount()).toBe(0);
    expect(FakeTray.instances).toEqual([]);
  });

  it('opens its own argv targets only after start, in order', () => {
    const h = harness({}, ['/opt/Swarmscope/swarmscope', '--flag', 'a.torrent', magnet]);
    const desktop = install(h);
    toDispose.push(desktop);
    expect(h.opened).toEqual([]);
    desktop.start();
    expect(h.opened).toEqual(['/home/user/a.torrent', magnet]);
  });

  it('a second instance hands over its data and the window comes forward', () => {
    const h = harness();
    started(h);
    h.win.minimized = true;
    h.app.emit('second-instance', new FakeEvent(), ['exe', 'ignored.torrent'], '/work', {
      swarmscopeTargets: ['/work/b.torrent', magnet],
    });
    expect(h.opened).toEqual(['/work/b.torrent', magnet]);
    expect(h.win.calls).toEqual(['restore', 'show', 'focus']);
  });

  it("falls back to the second instance's argv, relative to its working directory", () => {
    const h = harness();
    started(h);
    h.app.emit('second-instance', new FakeEvent(), ['exe', '--x', 'c.torrent'], '/srv', undefined);
    expect(h.opened).toEqual(['/srv/c.torrent']);
    expect(h.win.calls).toEqual(['show', 'focus']);
  });

  it('queues a second instance that arrives before start', () => {
    const h = harness();
    const desktop = install(h);
    toDispose.push(desktop);
    h.app.emit('second-instance', new FakeEvent(), ['exe', 'early.torrent'], '/w', null);
    expect(h.opened).toEqual([]);
    desktop.start();
    expect(h.opened).toEqual(['/w/early.torrent']);
  });

  it('creates a window when there is none', () => {
    const fresh = new FakeWindow();
    const h = harness();
    h.deps.createMainWindow = () => {
      h.win = fresh;
      return fresh;
    };
    h.win.destroyed = true;
    started(h);
    h.app.emit('second-instance', new FakeEvent(), ['exe'], '/', null);
    expect(fresh.calls).toEqual(['show', 'focus']);
  });
});

describe('macOS open-file and open-url', () => {
  it('routes .torrent files and magnet links, marks the events handled, and queues before start', () => {
    const h = harness({ launch: { ...harness().deps.launch, platform: 'darwin' } });
    const desktop = install(h);
    toDispose.push(desktop);
    const early = new FakeEvent();
    h.app.emit('open-file', early, '/Users/me/Downloads/d.torrent');
    expect(early.defaultPrevented).toBe(true);
    desktop.start();
    const url = new FakeEvent();
    h.app.emit('open-url', url, magnet);
    h.app.emit('open-url', new FakeEvent(), 'https://example.org');
    h.app.emit('open-file', new FakeEvent(), '/Users/me/notes.txt');
    expect(url.defaultPrevented).toBe(true);
    expect(h.opened).toEqual(['/Users/me/Downloads/d.torrent', magnet]);
  });

  it('reports a failed open (thrown or rejected) with its operation and cause', async () => {
    const h = harness();
    const boom = new Error('not a torrent');
    h.deps.openTorrentOrMagnet = (arg) => {
      if (arg.endsWith('sync.torrent')) throw boom;
      return Promise.reject(boom);
    };
    started(h);
    h.app.emit('open-file', new FakeEvent(), '/x/sync.torrent');
    h.app.emit('open-url', new FakeEvent(), magnet);
    await vi.waitFor(() => expect(h.errors).toHaveLength(2));
    expect(h.errors.map((e) => [e.code, e.operation, e.cause])).toEqual([
      ['open-failed', 'open /x/sync.torrent', boom],
      ['open-failed', `open ${magnet}`, boom],
    ]);
  });
});

describe('magnet handler opt-in', () => {
  it('registers nothing at start while off, and registers when the user turns it on', () => {
    const h = harness();
    const desktop = started(h);
    expect(h.app.protocolCalls.filter((c) => c.op !== 'is')).toEqual([]);
    h.settings.handleMagnetLinks = true;
    expect(desktop.applySettings()).toBe('registered');
    expect(h.app.protocolCalls.filter((c) => c.op === 'set')).toEqual([
      { op: 'set', args: ['magnet'] },
    ]);
    h.settings.handleMagnetLinks = false;
    expect(desktop.applySettings()).toBe('unregistered');
  });

  it('registers at start when the saved setting is on, and reports a refusal', () => {
    const h = harness();
    h.settings.handleMagnetLinks = true;
    h.app.protocolCallsSucceed = false;
    started(h);
    expect(h.app.protocolCalls.some((c) => c.op === 'set')).toBe(true);
    expect(h.errors.map((e) => e.code)).toEqual(['protocol-refused']);
  });
});

describe('tray', () => {
  it('uses the colour icon, or the template image on macOS', () => {
    started(harness());
    expect(FakeTray.instances[0]!.iconPath).toBe(path.join(appRoot, 'assets/tray/tray.png'));
    started(harness({ launch: { ...harness().deps.launch, platform: 'darwin' } }));
    expect(FakeTray.instances[1]!.iconPath).toBe(
      path.join(appRoot, 'assets/tray/trayTemplate.png'),
    );
  });

  it('offers show, pause all, resume all and quit', async () => {
    const h = harness();
    started(h);
    expect(h.menu.built[0]!.map((i) => i.label ?? i.type)).toEqual([
      'Show Swarmscope',
      'separator',
      'Pause all',
      'Resume all',
      'separator',
      'Quit',
    ]);
    h.win.visible = false;
    menuItem(h.menu, 'Show Swarmscope').click!();
    expect(h.win.visible).toBe(true);
    menuItem(h.menu, 'Pause all').click!();
    menuItem(h.menu, 'Resume all').click!();
    expect(h.calls).toEqual(['pauseAll', 'resumeAll']);
    h.deps.pauseAll = () => Promise.reject(new Error('disk gone'));
    menuItem(h.menu, 'Pause all').click!();
    await vi.waitFor(() => expect(h.errors.map((e) => e.code)).toEqual(['pause-all-failed']));
    menuItem(h.menu, 'Quit').click!();
    expect(h.app.quitCalls).toBe(1);
  });

  it('shows global rates in the tooltip, refreshed by the clock only when they change', () => {
    const h = harness();
    let down = 2048;
    h.deps.getRates = () => ({ downRateBps: down, upRateBps: 0 });
    started(h);
    const tray = FakeTray.instances[0]!;
    expect(tray.toolTips.at(-1)).toBe('Swarmscope\nDown 2.0 KiB/s, up 0 B/s');
    const count = tray.toolTips.length;
    h.clock.advance(DESKTOP_REFRESH_INTERVAL_MS * 3);
    expect(tray.toolTips).toHaveLength(count);
    down = 5 * 1024 * 1024;
    h.clock.advance(DESKTOP_REFRESH_INTERVAL_MS);
    expect(tray.toolTips.at(-1)).toBe('Swarmscope\nDown 5.0 MiB/s, up 0 B/s');
  });

  it('a missing tray icon is reported and the app carries on without a tray', () => {
    const h = harness();
    h.images.missing.add(path.join(appRoot, 'assets/tray/tray.png'));
    h.settings.minimizeToTray = true;
    started(h);
    expect(FakeTray.instances).toEqual([]);
    expect(h.errors.map((e) => e.code)).toEqual(['tray-icon-missing']);
    expect(h.win.userClose()).toBe(true); // no tray to hide into: the window really closes
  });
});

describe('close to tray', () => {
  it('hides instead of closing when the setting is on', () => {
    const h = harness();
    started(h);
    h.settings.minimizeToTray = true;
    expect(h.win.userClose()).toBe(false);
    expect(h.win.calls).toEqual(['hide']);
  });

  it('closes when the setting is off', () => {
    const h = harness();
    started(h);
    expect(h.win.userClose()).toBe(true);
  });

  it('lets the window close when the app is quitting', () => {
    const h = harness();
    started(h);
    h.settings.minimizeToTray = true;
    h.app.emit('before-quit', new FakeEvent());
    expect(h.win.userClose()).toBe(true);
  });

  it('the macOS dock icon brings a window hidden in the tray back', () => {
    const h = harness({ launch: { ...harness().deps.launch, platform: 'darwin' } });
    started(h);
    h.settings.minimizeToTray = true;
    h.win.userClose();
    expect(h.win.visible).toBe(false);
    h.app.emit('activate', new FakeEvent(), false);
    expect(h.win.calls).toEqual(['hide', 'show', 'focus']);
  });

  it('hooks windows attached later, once each', () => {
    const h = harness();
    started(h);
    h.settings.minimizeToTray = true;
    const second = new FakeWindow();
    const desktop = toDispose[0] as ReturnType<typeof install>;
    desktop.attachWindow(second);
    desktop.attachWindow(second);
    expect(second.listeners.get('close')).toHaveLength(1);
    expect(second.userClose()).toBe(false);
  });
});

describe('badges', () => {
  it('shows the number of active downloads and the overall progress', () => {
    const h = harness();
    h.torrents = [
      torrent('downloading', 100, 0.25),
      torrent('downloading', 100, 0.75),
      torrent('seeding', 5, 1),
    ];
    started(h);
    expect(h.app.badgeCounts).toEqual([2]);
    expect(h.win.progress).toEqual([0.5]);
    h.clock.advance(DESKTOP_REFRESH_INTERVAL_MS); // nothing changed: no calls
    expect(h.app.badgeCounts).toEqual([2]);
    expect(h.win.progress).toEqual([0.5]);
    h.torrents = [torrent('seeding', 100, 1)];
    h.clock.advance(DESKTOP_REFRESH_INTERVAL_MS);
    expect(h.app.badgeCounts).toEqual([2, 0]);
    expect(h.win.progress).toEqual([0.5, -1]);
  });

  it('uses an overlay icon on Windows, where badge counts do not exist', () => {
    const h = harness({ launch: { ...harness().deps.launch, platform: 'win32' } });
    expect(h.app.appUserModelId).toBeNull();
    h.torrents = Array.from({ length: 12 }, () => torrent('downloading', 10, 0.5));
    started(h);
    expect(h.app.appUserModelId).toBe('org.swarmscope.desktop'); // matches electron-builder.yml appId
    expect(h.app.badgeCounts).toEqual([]);
    const overlay = h.win.overlays.at(-1)!;
    expect(overlay.image?.path).toBe(path.join(appRoot, 'assets/badges/badge-9+.png'));
    expect(overlay.description).toBe('12 active downloads');
    h.torrents = [];
    h.clock.advance(DESKTOP_REFRESH_INTERVAL_MS);
    expect(h.win.overlays.at(-1)).toEqual({ image: null, description: '' });
  });
});

describe('dispose', () => {
  it('releases every listener, the timer and the tray, and clears badges', () => {
    const h = harness();
    h.torrents = [torrent('downloading', 100, 0.5)];
    const desktop = started(h);
    expect(h.app.listenerCount()).toBeGreaterThan(0);
    desktop.dispose();
    desktop.dispose();
    expect(h.app.listenerCount()).toBe(0);
    expect(h.win.listenerCount()).toBe(0);
    expect(h.clock.pending).toBe(0);
    expect(FakeTray.instances[0]!.destroyed).toBe(true);
    expect(h.app.badgeCounts.at(-1)).toBe(0);
    expect(h.win.progress.at(-1)).toBe(-1);
    h.app.emit('open-url', new FakeEvent(), magnet);
    expect(h.opened).toEqual([]);
  });
});
