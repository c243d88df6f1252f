/**
 * The one place host events are subscribed (docs/ARCHITECTURE.md section 5): every event of the
 * contract, and the connection, are routed here into store updates, so features only read the
 * store and call commands.
 *
 * - The connection opening takes a snapshot and asks the embedded tracker's status; then
 *   `sync.delta`s apply in order, and a gap in seq takes a new snapshot (section 2).
 * - `view.update` goes to the detail slice, `tracker.stats` to the tracker slice (the only copy
 *   of the tracker's stats), `job.progress` to the jobs slice, and each alert becomes a toast.
 * - Events that are actions rather than state (a system notification for an alert, a desktop
 *   menu command) go to the effects the entry point passes in.
 *
 * Invariant: `routes` has a handler for every name in the contract's `Events` (the compiler
 * checks it), and the returned function removes every listener it added.
 */
import { eventNames, type EventName, type Events, type UiCommand } from '../../src-shared/contract';
import type { Alert } from '../../src-shared/model';
import { useStore } from '../store/store';
import type { HostClient } from './client';
import { toApiError } from './api-error';
import { errorText } from '../lib/error-text';

export interface RouterEffects {
  /** Shows an alert as a system notification when the user allowed it. */
  notify?(alert: Alert): void;
  /** Runs a command from the desktop shell's menus. */
  runUiCommand?(command: UiCommand): void;
  /** Where failures nobody waits for are noted (console.warn by default). */
  warn?(message: string): void;
}

type Routes = { [K in EventName]: (payload: Events[K]) => void };

export function startEventRouter(client: HostClient, effects: RouterEffects = {}): () => void {
  const store = useStore;
  const warn = effects.warn ?? ((message: string) => console.warn(message));
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
            ...errorText(err),
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

  const askTrackerStatus = (): void => {
    client.invoke('tracker.status', {}).then(
      (stats) => store.getState().applyTrackerStats(stats),
      // The next tracker.stats event fills the slice in.
      (err: unknown) => warn(`tracker.status failed: ${toApiError(err).message}`),
    );
  };

  const routes: Routes = {
    'sync.delta': (delta) => {
      if (store.getState().applyDelta(delta) === 'gap') takeSnapshot();
    },
    'job.progress': (progress) => store.getState().applyJobProgress(progress),
    alert: (alert) => {
      store.getState().pushToast({
        level: alert.level,
        title: alert.title,
        message: alert.message,
        // --- "Open folder" on "Download complete" (issue 21) ---
        ...(alert.kind === 'download-completed' && alert.torrentId
          ? { action: { kind: 'open-folder' as const, torrentId: alert.torrentId } }
          : {}),
      });
      effects.notify?.(alert);
    },
    'view.update': (update) => store.getState().applyViewUpdate(update),
    'tracker.stats': (stats) => store.getState().applyTrackerStats(stats),
    'ui.command': ({ command }) => effects.runUiCommand?.(command),
    // --- swarm lab (issue 19) ---
    'lab.state': ({ lab }) => store.getState().applyLabState(lab),
  };

  // --- swarm lab (issue 19): a lab opened before this page loaded shows at once ---
  const askLab = (): void => {
    client.invoke('lab.get', {}).then(
      ({ lab }) => store.getState().applyLabState(lab),
      (err: unknown) => warn(`lab.get failed: ${toApiError(err).message}`),
    );
  };

  const route = <K extends EventName>(name: K): (() => void) => client.on(name, routes[name]);
  const offs = [
    client.onConnection((status) => {
      store.getState().setConnection(status === 'open' ? 'open' : 'reconnecting');
      if (status !== 'open') return;
      takeSnapshot();
      askTrackerStatus();
      askLab(); // --- swarm lab (issue 19)
    }),
    ...eventNames.map(route),
  ];
  return () => {
    for (const off of offs) off();
  };
}
