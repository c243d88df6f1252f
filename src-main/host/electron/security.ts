/**
 * Window hardening (docs/ARCHITECTURE.md section 5): contextIsolation, sandbox, no nodeIntegration,
 * a CSP, no window.open, no navigation away from the renderer, and a check that IPC comes from
 * our own renderer page.
 */
import type { Session, WebContents, WebPreferences } from 'electron';

/** The CSP the renderer runs under; index.html carries the same one in a meta tag. */
export const rendererCsp = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}

/** Strips query and hash, so `file:///…/index.html#x` compares equal to the page itself. */
function pageOf(url: string): string | null {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return null;
  }
}

/** True only for our renderer's own page (a file:// URL), never for any other origin. */
export function isTrustedRendererUrl(url: string | undefined, rendererUrl: string): boolean {
  if (!url || !url.startsWith('file://')) return false;
  const page = pageOf(url);
  return page !== null && page === pageOf(rendererUrl);
}

/** Denies new windows, webviews and any navigation; the renderer is one page. */
export function hardenWebContents(contents: WebContents, rendererUrl: string): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (event, url) => {
    if (!isTrustedRendererUrl(url, rendererUrl)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** Adds the CSP header to every response in the session, and refuses permission requests. */
export function installSessionSecurity(session: Session): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [rendererCsp],
      },
    });
  });
  // Notifications are allowed for download alerts (issue 6); nothing else is.
  session.setPermissionRequestHandler((_contents, permission, callback) =>
    callback(permission === 'notifications'),
  );
}
