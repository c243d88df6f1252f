/**
 * Plain in-memory stand-ins for the Electron objects desktop integration uses, for tests. They
 * record calls and let a test emit events; nothing here loads `electron`.
 */
import type {
  DesktopApp,
  DesktopImage,
  DesktopMenuHandle,
  DesktopMenuItem,
  DesktopTray,
  DesktopWindow,
  Listener,
} from '../electron-surface';

type AnyListener = (...args: unknown[]) => void;

class Emitter {
  readonly listeners = new Map<string, AnyListener[]>();

  on(event: string, listener: Listener): this {
    const list = this.listeners.get(event) ?? [];
    list.push(listener as unknown as AnyListener);
    this.listeners.set(event, list);
    return this;
  }

  removeListener(event: string, listener: Listener): this {
    const list = this.listeners.get(event) ?? [];
    this.listeners.set(
      event,
      list.filter((l) => l !== (listener as unknown as AnyListener)),
    );
    return this;
  }

  emit(event: string, ...args: unknown[]): void {
    for (const l of [...(this.listeners.get(event) ?? [])]) l(...args);
  }

  listenerCount(): number {
    let n = 0;
    for (const list of this.listeners.values()) n += list.length;
    return n;
  }
}

export class FakeEvent {
  defaultPrevented = false;
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

export class FakeApp extends Emitter implements DesktopApp {
  lockGranted = true;
  lockData: Record<string, unknown> | undefined;
  defaultClient = false;
  /** What set/remove return: false models an OS that refuses (removal on Linux). */
  protocolCallsSucceed = true;
  readonly protocolCalls: Array<{ op: string; args: unknown[] }> = [];
  readonly badgeCounts: number[] = [];
  quitCalls = 0;
  appUserModelId: string | null = null;

  requestSingleInstanceLock(additionalData?: Record<string, unknown>): boolean {
    this.lockData = additionalData;
    return this.lockGranted;
  }
  setAsDefaultProtocolClient(...args: [string, string?, string[]?]): boolean {
    this.protocolCalls.push({ op: 'set', args });
    if (this.protocolCallsSucceed) this.defaultClient = true;
    return this.protocolCallsSucceed;
  }
  removeAsDefaultProtocolClient(...args: [string, string?, string[]?]): boolean {
    this.protocolCalls.push({ op: 'remove', args });
    if (this.protocolCallsSucceed) this.defaultClient = false;
    return this.protocolCallsSucceed;
  }
  isDefaultProtocolClient(...args: [string, string?, string[]?]): boolean {
    this.protocolCalls.push({ op: 'is', args });
    return this.defaultClient;
  }
  setBadgeCount(count?: number): boolean {
    this.badgeCounts.push(count ?? 0);
    return true;
  }
  setAppUserModelId(id: string): void {
    this.appUserModelId = id;
  }
  quit(): void {
    this.quitCalls++;
    this.emit('before-quit', new FakeEvent());
  }
}

export class FakeWindow extends Emitter implements DesktopWindow {
  destroyed = false;
  minimized = false;
  visible = true;
  readonly calls: string[] = [];
  readonly progress: number[] = [];
  readonly overlays: Array<{ image: FakeImage | null; description: string }> = [];

  isDestroyed(): boolean {
    return this.destroyed;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  isVisible(): boolean {
    return this.visible;
  }
  restore(): void {
    this.calls.push('restore');
    this.minimized = false;
  }
  show(): void {
    this.calls.push('show');
    this.visible = true;
  }
  hide(): void {
    this.calls.push('hide');
    this.visible = false;
  }
  focus(): void {
    this.calls.push('focus');
  }
  setProgressBar(progress: number): void {
    this.progress.push(progress);
  }
  setOverlayIcon(image: DesktopImage | null, description: string): void {
    this.overlays.push({ image: image as FakeImage | null, description });
  }
  /** Emits 'close' as the user closing the window would; true when it really closes. */
  userClose(): boolean {
    const event = new FakeEvent();
    this.emit('close', event);
    if (event.defaultPrevented) return false;
    this.destroyed = true;
    this.emit('closed');
    return true;
  }
}

export class FakeImage implements DesktopImage {
  constructor(
    readonly path: string,
    private readonly empty: boolean,
  ) {}
  isEmpty(): boolean {
    return this.empty;
  }
}

export class FakeNativeImage {
  /** Paths that load as empty images (a missing file gives an empty NativeImage). */
  readonly missing = new Set<string>();
  createFromPath(path: string): FakeImage {
    return new FakeImage(path, this.missing.has(path));
  }
}

export class FakeMenu {
  readonly built: DesktopMenuItem[][] = [];
  buildFromTemplate(template: DesktopMenuItem[]): DesktopMenuHandle {
    this.built.push(template);
    return { template };
  }
}

/** A Tray class whose instances land in `FakeTray.instances`. */
export class FakeTray extends Emitter implements DesktopTray {
  static instances: FakeTray[] = [];
  readonly toolTips: string[] = [];
  menu: DesktopMenuHandle = null;
  destroyed = false;

  constructor(readonly iconPath: string) {
    super();
    FakeTray.instances.push(this);
  }
  setToolTip(toolTip: string): void {
    this.toolTips.push(toolTip);
  }
  setContextMenu(menu: DesktopMenuHandle): void {
    this.menu = menu;
  }
  destroy(): void {
    this.destroyed = true;
  }
}

/** The menu item with this label from the last template built, or a test failure. */
export function menuItem(menu: FakeMenu, label: string): DesktopMenuItem {
  const item = menu.built.at(-1)?.find((i) => i.label === label);
  if (!item) throw new Error(`no menu item ${label}`);
  return item;
}
