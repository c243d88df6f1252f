import { describe, expect, it } from 'vitest';
import type { ThemePreference } from '../../../src-shared/model';
import { applyNativeTheme } from './theme';

describe('applyNativeTheme (issue 19)', () => {
  it('sets nativeTheme.themeSource to the chosen theme, and back to the system', () => {
    const nativeTheme = { themeSource: 'system' as ThemePreference };
    applyNativeTheme(nativeTheme, { theme: 'dark' });
    expect(nativeTheme.themeSource).toBe('dark');
    applyNativeTheme(nativeTheme, { theme: 'light' });
    expect(nativeTheme.themeSource).toBe('light');
    applyNativeTheme(nativeTheme, { theme: 'system' });
    expect(nativeTheme.themeSource).toBe('system');
  });

  it('follows the system for a value it does not know', () => {
    const nativeTheme = { themeSource: 'dark' as ThemePreference };
    applyNativeTheme(nativeTheme, { theme: 'sepia' as ThemePreference });
    expect(nativeTheme.themeSource).toBe('system');
  });
});
