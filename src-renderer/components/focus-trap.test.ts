import { describe, expect, it } from 'vitest';
import { nextTabStop } from './focus-trap';

describe('nextTabStop (issue 19: dialogs trap focus)', () => {
  const items = ['close', 'name', 'ok'];

  it('wraps Tab from the last stop to the first, and Shift+Tab from the first to the last', () => {
    expect(nextTabStop(items, 'ok', false)).toBe('close');
    expect(nextTabStop(items, 'close', true)).toBe('ok');
  });

  it('lets the browser move focus between stops inside', () => {
    expect(nextTabStop(items, 'close', false)).toBeNull();
    expect(nextTabStop(items, 'name', true)).toBeNull();
  });

  it('pulls focus back in when it is outside the dialog (or on the dialog itself)', () => {
    expect(nextTabStop(items, null, false)).toBe('close');
    expect(nextTabStop(items, null, true)).toBe('ok');
    expect(nextTabStop(items, 'page-button', false)).toBe('close');
  });

  it('does nothing in a dialog with no tab stops', () => {
    expect(nextTabStop([], null, false)).toBeNull();
  });

  it('keeps a single stop focused', () => {
    expect(nextTabStop(['only'], 'only', false)).toBe('only');
    expect(nextTabStop(['only'], 'only', true)).toBe('only');
  });
});
