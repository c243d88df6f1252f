import { describe, expect, it } from 'vitest';
import { clampHeight, minDetailPx, minListPx } from './detail-height';

describe('clampHeight (issue 21: the saved pane height fits the window)', () => {
  it('keeps room for the list when the window is shorter than the saved height allows', () => {
    // 600 px saved in a tall window, then the window shrinks to 480 px of workspace.
    expect(clampHeight(600, 480)).toBe(480 - minListPx);
    expect(clampHeight(280, 1000)).toBe(280);
  });

  it('never goes below the smallest useful pane', () => {
    expect(clampHeight(10, 1000)).toBe(minDetailPx);
    expect(clampHeight(600, 100)).toBe(minDetailPx);
  });
});
