/**
 * The desktop half of the theme setting (issue 19): Electron's `nativeTheme.themeSource` makes
 * the window frame, native menus, dialogs and the page's prefers-color-scheme follow the
 * chosen theme, so what the renderer paints and what the OS draws around it agree.
 */
import type { Settings, ThemePreference } from '../../../src-shared/model';
import { themePreferences } from '../../../src-shared/model';

export interface NativeThemeLike {
  themeSource: ThemePreference;
}

/** Sets themeSource from the setting; an unknown value (a hand-edited file) follows the system. */
export function applyNativeTheme(
  nativeTheme: NativeThemeLike,
  settings: Pick<Settings, 'theme'>,
): void {
  const pref = themePreferences.includes(settings.theme) ? settings.theme : 'system';
  if (nativeTheme.themeSource !== pref) nativeTheme.themeSource = pref;
}
