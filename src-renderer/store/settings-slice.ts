/**
 * The settings slice: the host's settings as last read or saved, and whether the Settings
 * dialog is open. The host is the source of truth (it persists them in the user-data folder);
 * this is a copy that `settings.get` / `settings.set` answers replace whole.
 */
import type { StateCreator } from 'zustand';
import type { Settings } from '../../src-shared/model';
import type { AppState } from './store';

export interface SettingsSlice {
  settings: Settings | null;
  settingsOpen: boolean;
  setSettings(settings: Settings): void;
  openSettings(): void;
  closeSettings(): void;
}

export const createSettingsSlice: StateCreator<AppState, [], [], SettingsSlice> = (set) => ({
  settings: null,
  settingsOpen: false,
  setSettings: (settings) => set({ settings }),
  openSettings: () => set({ settingsOpen: true }), // the Tracker view stays (issue 21)
  closeSettings: () => set({ settingsOpen: false }),
});
