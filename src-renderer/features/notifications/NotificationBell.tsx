import { useState } from 'react';
import { browserEnv, permissionOf, type NotifyPermission } from './system-notifications';

const titles: Record<NotifyPermission, string> = {
  default: 'Get a system notification when a download completes or fails',
  granted: 'System notifications are on',
  denied: 'Notifications are blocked in this browser’s site settings',
  unsupported: '',
};

/**
 * Asks for the permission to show system notifications from a click (browsers only allow asking
 * from a user gesture), once. The alerts themselves reach `notifyAlert` through
 * api/event-router.ts.
 */
export function NotificationBell() {
  const [permission, setPermission] = useState<NotifyPermission>(() => permissionOf(browserEnv()));
  if (permission === 'unsupported') return null;
  return (
    <button
      type="button"
      className="status-bell"
      data-permission={permission}
      title={titles[permission]}
      aria-label={titles[permission]}
      disabled={permission !== 'default'}
      onClick={() => {
        const api = browserEnv().Notification;
        if (!api) return;
        void api.requestPermission().then((p) => setPermission(p));
      }}
    >
      <svg viewBox="0 0 16 16" width="13" height="13" aria-hidden="true">
        <path
          d="M8 1.5a4 4 0 0 0-4 4v2.6L2.7 10.6a.6.6 0 0 0 .5.9h9.6a.6.6 0 0 0 .5-.9L12 8.1V5.5a4 4 0 0 0-4-4ZM6.3 12.6a1.8 1.8 0 0 0 3.4 0Z"
          fill="currentColor"
        />
      </svg>
      {permission === 'granted' ? 'On' : permission === 'denied' ? 'Blocked' : 'Notify me'}
    </button>
  );
}
