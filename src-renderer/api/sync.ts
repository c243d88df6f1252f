/**
 * Keeps the store in step with the host: a snapshot on (re)connect, then deltas; a gap in seq
 * takes a new snapshot (ARCHITECTURE.md section 2). Alerts become toasts; job progress goes to
 * the jobs slice. This is the only place host events turn into store updates.
 */
import { useStore } from '../store/store';
import type { HostClient } from './client';
import { toApiError } from './api-error';

export function startSync(client: HostClient): () => void {
  const store = useStore;
  let snapshotInFlight = false;
  let snapshotAgain = false;

  const takeSnapshot = (): void => {
    if (snapshotInFlight) {
      snapshotAgain = true;
      return;
    }
    snapshotInFlight = true;
    client
      .invoke('sync.snapshot', {})
      .then(
        (snap) => store.getState().applySnapshot(snap),
        (err: unknown) =>
          store.getState().pushToast({
            level: 'error',
            title: 'Cannot load the torrent list',
            message: toApiError(err).message,
          }),
      )
      .finally(() => {
        snapshotInFlight = false;
        if (snapshotAgain) {
          snapshotAgain = false;
          takeSnapshot();
        }
      });
  };

  const offs = [
    client.onConnection((status) => {
      store.getState().setConnection(status === 'open' ? 'open' : 'reconnecting');
      if (status === 'open') takeSnapshot();
    }),
    client.on('sync.delta', (delta) => {
      if (store.getState().applyDelta(delta) === 'gap') takeSnapshot();
    }),
    client.on('job.progress', (progress) => store.getState().applyJobProgress(progress)),
    client.on('alert', (alert) =>
      store
        .getState()
        .pushToast({ level: alert.level, title: alert.title, message: alert.message }),
    ),
  ];
  return () => {
    for (const off of offs) off();
  };
}
