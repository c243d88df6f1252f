/**
 * The embedded tracker slice: its live stats (`tracker.status` once, then `tracker.stats`
 * events about once a second while it runs), the last start failure (a bind error the user
 * must see even though the stats say only "not running"), and the Tracker view's state
 * (`trackerPanelOpen`: whether the view is shown above the list; issue 21).
 *
 * Invariants: a successful start or fresh stats showing it running clear `trackerError`;
 * `selectedSwarm` is an info-hash or null, and is cleared when the view hides.
 */
import type { StateCreator } from 'zustand';
import type { TrackerServerStats } from '../../src-shared/model';
import type { AppState } from './store';

export interface TrackerSlice {
  tracker: TrackerServerStats | null;
  trackerError: string | null;
  trackerPanelOpen: boolean;
  selectedSwarm: string | null;
  applyTrackerStats(stats: TrackerServerStats): void;
  setTrackerError(message: string | null): void;
  openTrackerPanel(): void;
  closeTrackerPanel(): void;
  selectSwarm(infoHash: string | null): void;
}

export function reduceTrackerStats(
  state: Pick<TrackerSlice, 'trackerError'>,
  stats: TrackerServerStats,
): Pick<TrackerSlice, 'tracker' | 'trackerError'> {
  return {
    tracker: stats,
    trackerError: stats.running ? null : (stats.error ?? state.trackerError),
  };
}

export const createTrackerSlice: StateCreator<AppState, [], [], TrackerSlice> = (set) => ({
  tracker: null,
  trackerError: null,
  trackerPanelOpen: false,
  selectedSwarm: null,
  applyTrackerStats: (stats) => set((s) => reduceTrackerStats(s, stats)),
  setTrackerError: (trackerError) => set({ trackerError }),
  openTrackerPanel: () => set({ trackerPanelOpen: true, settingsOpen: false }),
  closeTrackerPanel: () => set({ trackerPanelOpen: false, selectedSwarm: null }),
  selectSwarm: (selectedSwarm) => set({ selectedSwarm }),
});
