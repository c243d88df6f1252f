/**
 * The one zustand store, in slices (docs/ARCHITECTURE.md section 5):
 * - sync: torrents by id, seq and session stats, written only by api/event-router.ts from host events;
 * - jobs: long jobs' progress (torrent creation), from host events;
 * - ui: connection status, toasts, drag state and sort, written by components.
 * Maps are replaced, never mutated, so narrow selectors see changes by reference.
 */
import { create, type StateCreator } from 'zustand';
import type { Snapshot, SyncDelta } from '../../src-shared/contract';
import type { JobProgress } from '../../src-shared/model';
import { createAddSeedSlice, type AddSeedSlice } from './add-seed-slice';
import { createDetailSlice, type DetailSlice } from './detail-slice';
import type { SortSpec } from './selectors';
import { createSettingsSlice, type SettingsSlice } from './settings-slice';
import { initialSyncState, reduceDelta, reduceSnapshot, type SyncState } from './sync-reducers';
import { createTrackerSlice, type TrackerSlice } from './tracker-slice';
import { createLabSlice, type LabSlice } from './lab-slice'; // --- swarm lab (issue 19)

export interface SyncSlice extends SyncState {
  applySnapshot(snap: Snapshot): void;
  /** Returns 'gap' when a new snapshot is needed. */
  applyDelta(delta: SyncDelta): 'applied' | 'stale' | 'gap';
}

export interface JobsSlice {
  jobs: ReadonlyMap<string, JobProgress>;
  applyJobProgress(progress: JobProgress): void;
}

export type ConnectionStatus = 'connecting' | 'open' | 'reconnecting';

export interface Toast {
  id: number;
  level: 'info' | 'warn' | 'error';
  title: string;
  message: string;
  // --- error texts (issue 19) ---
  /** Technical detail shown behind "Details" (the host's own message). */
  detail?: string;
  // --- "Open folder" on "Download complete" (issue 21) ---
  /** A button on the toast; plain data, resolved by components/Toasts.tsx. */
  action?: { kind: 'open-folder'; torrentId: string };
}

export interface UiSlice {
  connection: ConnectionStatus;
  toasts: readonly Toast[];
  dragging: boolean;
  sort: SortSpec;
  setConnection(status: ConnectionStatus): void;
  pushToast(toast: Omit<Toast, 'id'>): void;
  dismissToast(id: number): void;
  setDragging(dragging: boolean): void;
  setSort(sort: SortSpec): void;
}

export type AppState = SyncSlice &
  JobsSlice &
  UiSlice &
  DetailSlice &
  AddSeedSlice &
  SettingsSlice &
  TrackerSlice &
  LabSlice; // --- swarm lab (issue 19)
type Slice<T> = StateCreator<AppState, [], [], T>;

/** Older toasts beyond this are dropped so a burst of errors cannot fill the screen. */
const maxToasts = 5;
let toastSeq = 0;

const createSyncSlice: Slice<SyncSlice> = (set, get) => ({
  ...initialSyncState,
  applySnapshot: (snap) => set(reduceSnapshot(snap)),
  applyDelta(delta) {
    const outcome = reduceDelta(get(), delta);
    if (outcome.kind === 'applied') set(outcome.state);
    return outcome.kind;
  },
});

const createJobsSlice: Slice<JobsSlice> = (set) => ({
  jobs: new Map(),
  applyJobProgress: (progress) =>
    set((s) => ({ jobs: new Map(s.jobs).set(progress.jobId, progress) })),
});

const createUiSlice: Slice<UiSlice> = (set) => ({
  connection: 'connecting',
  toasts: [],
  dragging: false,
  sort: { key: 'added', dir: 'desc' },
  setConnection: (connection) => set({ connection }),
  pushToast: (toast) =>
    set((s) => ({ toasts: [...s.toasts, { ...toast, id: ++toastSeq }].slice(-maxToasts) })),
  dismissToast: (id) => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
  setDragging: (dragging) => set({ dragging }),
  setSort: (sort) => set({ sort }),
});

export const useStore = create<AppState>()((...a) => ({
  ...createSyncSlice(...a),
  ...createJobsSlice(...a),
  ...createUiSlice(...a),
  ...createDetailSlice(...a),
  ...createAddSeedSlice(...a),
  ...createSettingsSlice(...a),
  ...createTrackerSlice(...a),
  ...createLabSlice(...a), // --- swarm lab (issue 19)
}));
