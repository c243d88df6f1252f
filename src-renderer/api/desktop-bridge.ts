/**
 * The desktop preload's extra bridge (`window.swarmscopeDesktop`, contract's DesktopBridge), or
 * null in a browser. Only the Electron host has it: a dropped file's path on disk.
 */
import type { DesktopBridge } from '../../src-shared/contract';

declare global {
  interface Window {
    /** Exposed by the Electron preload beside `swarmscope` (issue 19). */
    swarmscopeDesktop?: DesktopBridge;
  }
}

export function desktopBridge(): DesktopBridge | null {
  return typeof window !== 'undefined' && window.swarmscopeDesktop
    ? window.swarmscopeDesktop
    : null;
}
