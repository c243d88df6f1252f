import { beforeEach, describe, expect, it, vi } from 'vitest';

/** What the mocked BrowserWindow saw, per instance. */
const created: {
  options: Record<string, unknown>;
  openHandler: ((d: { url: string }) => unknown) | null;
  listeners: Map<string, (event: { preventDefault(): void }, url?: string) => void>;
  loaded: string | null;
}[] = [];

vi.mock('electron', () => {
  class BrowserWindow {
    webContents: unknown;
    constructor(options: Record<string, unknown>) {
      const record = {
        options,
        openHandler: null as ((d: { url: string }) => unknown) | null,
        listeners: new Map(),
        loaded: null as string | null,
      };
      created.push(record);
      this.webContents = {
        setWindowOpenHandler: (fn: (d: { url: string }) => unknown) => (record.openHandler = fn),
        on: (name: string, fn: () => void) => record.listeners.set(name, fn),
      };
      this.loadFile = async (file: string) => void (record.loaded = file);
    }
    loadFile: (file: string) => Promise<void>;
    once(): void {}
  }
  return { BrowserWindow };
});

const { createMainWindow } = await import('./windows');
const { isTrustedRendererUrl } = await import('./security');

const rendererUrl = 'file:///app/out/renderer/index.html';

beforeEach(() => {
  created.length = 0;
});

describe('main window', () => {
  it('is created with secure web preferences and our preload', () => {
    createMainWindow({
      preloadPath: '/app/preload.cjs',
      indexHtml: '/app/index.html',
      rendererUrl,
    });
    const prefs = created[0]!.options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      webviewTag: false,
    });
    expect(created[0]!.loaded).toBe('/app/index.html');
  });

  it('denies window.open and navigation away from the renderer', () => {
    createMainWindow({ preloadPath: '/p', indexHtml: '/i', rendererUrl });
    const win = created[0]!;
    expect(win.openHandler?.({ url: 'https://example.com' })).toEqual({ action: 'deny' });
    const navigate = win.listeners.get('will-navigate')!;
    const away = { preventDefault: vi.fn() };
    navigate(away, 'https://evil.example/');
    expect(away.preventDefault).toHaveBeenCalled();
    const home = { preventDefault: vi.fn() };
    navigate(home, `${rendererUrl}#x`);
    expect(home.preventDefault).not.toHaveBeenCalled();
    const webview = { preventDefault: vi.fn() };
    win.listeners.get('will-attach-webview')!(webview);
    expect(webview.preventDefault).toHaveBeenCalled();
  });

  it('trusts only our renderer page', () => {
    expect(isTrustedRendererUrl(rendererUrl, rendererUrl)).toBe(true);
    expect(isTrustedRendererUrl(`${rendererUrl}?a=1#b`, rendererUrl)).toBe(true);
    expect(isTrustedRendererUrl('file:///app/out/renderer/other.html', rendererUrl)).toBe(false);
    expect(isTrustedRendererUrl('http://127.0.0.1/index.html', rendererUrl)).toBe(false);
    expect(isTrustedRendererUrl(undefined, rendererUrl)).toBe(false);
  });
});
