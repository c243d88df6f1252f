import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../src-shared/model';
import { notifyAlert, permissionOf, type NotificationEnv } from './system-notifications';

function alert(kind: Alert['kind']): Alert {
  return {
    kind,
    level: 'info',
    torrentId: 'ab'.repeat(20),
    title: 'Done',
    message: 'x.iso',
    at: 0,
  };
}

function env(permission: 'default' | 'granted' | 'denied', electron = false) {
  const shown: [string, { body?: string; tag?: string } | undefined][] = [];
  const Fake = class {
    static permission = permission;
    static requestPermission = () => Promise.resolve(permission);
    constructor(title: string, options?: { body?: string; tag?: string }) {
      shown.push([title, options]);
    }
  };
  const e: NotificationEnv = { Notification: Fake, electron };
  return { e, shown };
}

describe('browser notifications', () => {
  it('notifies completed downloads and errors only when granted', () => {
    const granted = env('granted');
    expect(notifyAlert(granted.e, alert('download-completed'))).toBe(true);
    expect(notifyAlert(granted.e, alert('info'))).toBe(false);
    expect(granted.shown).toEqual([
      ['Done', { body: 'x.iso', tag: `download-completed:${'ab'.repeat(20)}` }],
    ]);
    const asked = env('default');
    expect(notifyAlert(asked.e, alert('torrent-error'))).toBe(false);
    expect(asked.shown).toHaveLength(0);
  });

  it('leaves notifying to the main process in Electron, and copes without the API', () => {
    const desktop = env('granted', true);
    expect(permissionOf(desktop.e)).toBe('unsupported');
    expect(notifyAlert(desktop.e, alert('download-completed'))).toBe(false);
    expect(permissionOf({ electron: false })).toBe('unsupported');
  });
});
