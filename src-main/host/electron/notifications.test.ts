import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../src-shared/model';
import { installAlertNotifications, type NotificationLike } from './notifications';

function alert(kind: Alert['kind']): Alert {
  return { kind, level: 'info', torrentId: null, title: `t-${kind}`, message: `m-${kind}`, at: 0 };
}

describe('installAlertNotifications', () => {
  it('shows completed downloads and torrent errors, clicks focus the window, and unsubscribes', () => {
    const shown: { title: string; body: string }[] = [];
    const clicks: (() => void)[] = [];
    let supported = true;
    class FakeNotification implements NotificationLike {
      constructor(readonly options: { title: string; body: string }) {}
      static isSupported() {
        return supported;
      }
      on(_event: 'click', listener: () => void) {
        clicks.push(listener);
        return this;
      }
      show() {
        shown.push(this.options);
      }
    }
    const listeners = new Set<(a: Alert) => void>();
    const engine = {
      on: (_e: 'alert-raised', l: (a: Alert) => void) => {
        listeners.add(l);
        return () => listeners.delete(l);
      },
    };
    let focused = 0;
    const off = installAlertNotifications({
      engine,
      Notification: FakeNotification,
      onClick: () => focused++,
    });
    const raise = (a: Alert) => listeners.forEach((l) => l(a));
    raise(alert('download-completed'));
    raise(alert('info'));
    raise(alert('tracker-error'));
    raise(alert('torrent-error'));
    expect(shown).toEqual([
      { title: 't-download-completed', body: 'm-download-completed' },
      { title: 't-torrent-error', body: 'm-torrent-error' },
    ]);
    clicks[0]!();
    expect(focused).toBe(1);
    supported = false;
    raise(alert('download-completed'));
    expect(shown).toHaveLength(2);
    off();
    expect(listeners.size).toBe(0);
  });
});
