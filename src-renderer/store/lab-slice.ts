/**
 * The swarm lab slice (issue 19): the open lab as the host last sent it (`lab.state` events, or
 * `lab.get` when the connection opens), and whether its dialog and view are shown.
 *
 * Invariants: only api/event-router.ts and the lab's own commands' answers write `lab`; a null
 * lab hides the view.
 */
import type { StateCreator } from 'zustand';
import type { LabView } from '../../src-shared/model';
import type { AppState } from './store';

export interface LabSlice {
  lab: LabView | null;
  labDialogOpen: boolean;
  labViewShown: boolean;
  applyLabState(lab: LabView | null): void;
  openLabDialog(): void;
  closeLabDialog(): void;
  showLabView(shown: boolean): void;
}

export const createLabSlice: StateCreator<AppState, [], [], LabSlice> = (set) => ({
  lab: null,
  labDialogOpen: false,
  labViewShown: false,
  applyLabState: (lab) =>
    set((s) => ({
      lab,
      // A lab that appears (another window made it, or a reload) is shown; a closed one hides.
      labViewShown: lab === null ? false : s.lab === null ? true : s.labViewShown,
    })),
  openLabDialog: () => set({ labDialogOpen: true }),
  closeLabDialog: () => set({ labDialogOpen: false }),
  showLabView: (labViewShown) => set({ labViewShown }),
});
