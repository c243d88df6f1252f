/**
 * The details pane's height: what the user chose (remembered), clamped to the room the window
 * has now, so a height saved in a tall window never hides the list in a short one (issue 21).
 * The saved choice is kept: the pane grows back when the window does. Pure; unit-tested.
 */
export const minDetailPx = 120;
/** The list keeps at least this much room above the details: its toolbar (two rows in a narrow
 * window) and a few rows. */
export const minListPx = 200;

export function clampHeight(px: number, totalPx: number): number {
  const max = Math.max(minDetailPx, totalPx - minListPx);
  return Math.round(Math.min(max, Math.max(minDetailPx, px)));
}
