/**
 * Browser system notifications for alerts (issue 6), for the web host. The in-app toast is made
 * by api/event-router.ts for every alert, which also calls `notifyAlert`; this adds an OS notification for the ones worth interrupting
 * for, when the user has granted permission. In Electron the main process notifies instead
 * (src-main/host/electron/notifications.ts), so the renderer stays quiet there.
 */
import type { Alert } from '../../../src-shared/model';

export type NotifyPermission = 'default' | 'granted' | 'denied' | 'unsupported';

export interface NotificationEnv {
  /** undefined when the browser has no Notification API. */
  Notification?: {
    permission: 'default' | 'granted' | 'denied';
    requestPermission(): Promise<'default' | 'granted' | 'denied'>;
    new (title: string, options?: { body?: string; tag?: string }): unknown;
  };
  /** The Electron preload is present: the main process notifies. */
  electron: boolean;
}

export function browserEnv(): NotificationEnv {
  return {
    Notification: typeof Notification === 'undefined' ? undefined : Notification,
    electron: window.swarmscope !== undefined,
  };
}

export function shouldNotify(alert: Alert): boolean {
  return alert.kind === 'download-completed' || alert.kind === 'torrent-error';
}

export function permissionOf(env: NotificationEnv): NotifyPermission {
  if (env.electron || !env.Notification) return 'unsupported';
  return env.Notification.permission;
}

/** Shows the alert as a system notification when allowed; returns whether it did. */
export function notifyAlert(env: NotificationEnv, alert: Alert): boolean {
  if (!shouldNotify(alert) || permissionOf(env) !== 'granted' || !env.Notification) return false;
  // The tag folds repeats for the same torrent and kind into one notification.
  new env.Notification(alert.title, {
    body: alert.message,
    tag: `${alert.kind}:${alert.torrentId ?? ''}`,
  });
  return true;
}
