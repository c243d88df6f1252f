/**
 * Copy to the clipboard wherever the renderer runs: through the host in Electron (the system
 * clipboard, `clipboard.writeText`), with navigator.clipboard in a secure browser context, and
 * in a plain-http page (a LAN web host is not a secure context, so navigator.clipboard is
 * missing) with a hidden textarea and execCommand('copy').
 */
import type { SwarmscopeApi } from '../../../src-shared/contract';

export interface ClipboardDeps {
  transport: 'electron' | 'websocket';
  api: Pick<SwarmscopeApi, 'invoke'>;
  /** navigator.clipboard when the context is secure, else undefined. */
  clipboard?: { writeText(text: string): Promise<void> };
  /** The textarea fallback; returns whether the browser copied. */
  legacyCopy(text: string): boolean;
}

export type CopyOutcome = 'copied' | 'failed';

export async function copyText(text: string, deps: ClipboardDeps): Promise<CopyOutcome> {
  if (deps.transport === 'electron') {
    try {
      await deps.api.invoke('clipboard.writeText', { text });
      return 'copied';
    } catch {
      // A host without the command (or a refused one): the page's own ways below still work.
    }
  }
  if (deps.clipboard) {
    try {
      await deps.clipboard.writeText(text);
      return 'copied';
    } catch {
      // Permission denied or no focus: try the legacy way before giving up.
    }
  }
  return deps.legacyCopy(text) ? 'copied' : 'failed';
}

/** execCommand('copy') over a selected, off-screen textarea: works without a secure context. */
export function legacyCopy(text: string): boolean {
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.left = '-9999px';
  document.body.appendChild(area);
  const active = document.activeElement as HTMLElement | null;
  area.select();
  try {
    return document.execCommand('copy');
  } finally {
    area.remove();
    active?.focus();
  }
}
