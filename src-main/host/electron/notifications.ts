/**
 * System notifications for engine alerts in the desktop app (issue 6): a download completed or a
 * torrent failed. The renderer shows the in-app toast; the main process shows the OS
 * notification, so it appears even when the window is hidden or minimised to the tray.
 *
 * Electron's Notification is passed in as a structural type, so tests use a fake and never load
 * the `electron` module. Invariant: the returned function removes the engine listener.
 */
import type { Notification as ElectronNotification } from 'electron';
import type { Alert } from '../../../src-shared/model';

export interface NotificationLike {
  on(event: 'click', listener: () => void): unknown;
  show(): void;
}

export interface NotificationCtor {
  new (options: { title: string; body: string; silent?: boolean }): NotificationLike;
  isSupported(): boolean;
}

export interface AlertSource {
  on(event: 'alert-raised', listener: (alert: Alert) => void): () => void;
}

/** Only alerts worth interrupting someone for become system notifications. */
export function shouldNotify(alert: Alert): boolean {
  return alert.kind === 'download-completed' || alert.kind === 'torrent-error';
}

export function installAlertNotifications(opts: {
  engine: AlertSource;
  Notification: NotificationCtor;
  /** Clicking a notification brings the window forward. */
  onClick(): void;
}): () => void {
  return opts.engine.on('alert-raised', (alert) => {
    if (!shouldNotify(alert) || !opts.Notification.isSupported()) return;
    const n = new opts.Notification({ title: alert.title, body: alert.message });
    n.on('click', opts.onClick);
    n.show();
  });
}

// Compile-time proof that Electron's Notification fits the structural type.
const _fits: NotificationCtor = null as unknown as typeof ElectronNotification;
void _fits;
