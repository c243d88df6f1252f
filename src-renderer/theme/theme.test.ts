import { describe, expect, it } from 'vitest';
import {
  applyThemePreference,
  currentScheme,
  parsePreference,
  resolveScheme,
  subscribeScheme,
  themePreference,
} from './theme';

describe('theme (issue 19)', () => {
  it('paints the chosen theme, or the system one when following it', () => {
    expect(resolveScheme('light', true)).toBe('light');
    expect(resolveScheme('dark', false)).toBe('dark');
    expect(resolveScheme('system', true)).toBe('dark');
    expect(resolveScheme('system', false)).toBe('light');
  });

  it('reads an unknown stored value as follow the system', () => {
    expect(parsePreference('dark')).toBe('dark');
    expect(parsePreference('light')).toBe('light');
    for (const v of [null, undefined, 'sepia', 1, '']) expect(parsePreference(v)).toBe('system');
  });

  it('tells subscribers when the preference changes, once per change', () => {
    let calls = 0;
    const off = subscribeScheme(() => calls++);
    applyThemePreference('dark');
    expect(themePreference()).toBe('dark');
    expect(currentScheme()).toBe('dark');
    applyThemePreference('dark');
    expect(calls).toBe(1);
    applyThemePreference('light');
    expect(currentScheme()).toBe('light');
    expect(calls).toBe(2);
    off();
    applyThemePreference('system');
    expect(calls).toBe(2);
    // No window here: following the system paints light.
    expect(currentScheme()).toBe('light');
  });
});
