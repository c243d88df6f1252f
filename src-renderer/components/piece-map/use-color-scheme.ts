import { useSyncExternalStore } from 'react';
import type { ColorScheme } from './palette';
import { currentScheme, subscribeScheme } from '../../theme/theme';

/**
 * The scheme the app paints with, live: the theme setting, or the OS theme when it follows the
 * system (issue 19), so the canvas and the legend switch palettes with the rest.
 */
export function useColorScheme(): ColorScheme {
  // Without a window (server rendering, unit tests) there is no OS theme to follow: light.
  return useSyncExternalStore(subscribeScheme, currentScheme, () => 'light');
}
