/**
 * The theme (issue 19): light, dark, or follow the system. The host keeps the preference in
 * Settings; a copy in localStorage applies it on the first paint, before settings arrive, so the
 * window does not flash the other theme. Applying sets `data-theme` on <html> (styles/theme.css
 * picks the colours from it) and tells subscribers such as the piece map's palette.
 */
import type { ThemePreference } from '../../src-shared/model';
import { themePreferences } from '../../src-shared/model';

export type ColorScheme = 'light' | 'dark';

const storageKey = 'swarmscope.theme';
const darkQuery = '(prefers-color-scheme: dark)';

/** The scheme to paint with. Pure. */
export function resolveScheme(pref: ThemePreference, systemDark: boolean): ColorScheme {
  if (pref === 'system') return systemDark ? 'dark' : 'light';
  return pref;
}

/** A stored value to a preference: anything unknown means follow the system. Pure. */
export function parsePreference(value: unknown): ThemePreference {
  return themePreferences.includes(value as ThemePreference)
    ? (value as ThemePreference)
    : 'system';
}

let current: ThemePreference = 'system';
const listeners = new Set<() => void>();

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null; // storage can be disabled; the theme then follows the system until settings load
  }
}

export function themePreference(): ThemePreference {
  return current;
}

export function applyThemePreference(pref: ThemePreference): void {
  const next = parsePreference(pref);
  if (typeof document !== 'undefined') {
    const root = document.documentElement;
    if (next === 'system') delete root.dataset.theme;
    else root.dataset.theme = next;
  }
  storage()?.setItem(storageKey, next);
  if (next === current) return;
  current = next;
  for (const l of listeners) l();
}

/** At start: the last preference this browser saw. */
export function applyStoredThemePreference(): void {
  applyThemePreference(parsePreference(storage()?.getItem(storageKey)));
}

/** Subscribes to preference and OS changes; for useSyncExternalStore. */
export function subscribeScheme(onChange: () => void): () => void {
  listeners.add(onChange);
  const query = typeof window !== 'undefined' ? window.matchMedia?.(darkQuery) : undefined;
  query?.addEventListener('change', onChange);
  return () => {
    listeners.delete(onChange);
    query?.removeEventListener('change', onChange);
  };
}

export function currentScheme(): ColorScheme {
  const systemDark =
    typeof window !== 'undefined' && (window.matchMedia?.(darkQuery).matches ?? false);
  return resolveScheme(current, systemDark);
}
