/**
 * Limits of the desktop integration. They live with the Electron host, their only user, not in
 * the engine's limits.ts: a launch's arguments come from the OS, not from a peer.
 */

/** Files or magnet links one launch hands over; "open with" on a whole folder is cut here. */
export const DESKTOP_MAX_LAUNCH_TARGETS = 64;
/** One launch argument: Windows caps a whole command line at 32,767 characters. */
export const DESKTOP_MAX_LAUNCH_ARG_CHARS = 32_767;
/** Tray tooltip and dock/taskbar badge refresh: rates move every second, no need for more. */
export const DESKTOP_REFRESH_INTERVAL_MS = 1_000;
