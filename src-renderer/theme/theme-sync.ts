/**
 * Keeps the painted theme in step with the host's settings (issue 19): the stored copy first,
 * then the host's value on each (re)connection, then every settings answer the store receives.
 */
import type { HostClient } from '../api/client';
import { useStore } from '../store/store';
import { applyStoredThemePreference, applyThemePreference } from './theme';

export function startThemeSync(client: HostClient): () => void {
  applyStoredThemePreference();
  const offStore = useStore.subscribe((s, prev) => {
    const theme = s.settings?.theme;
    if (theme && theme !== prev.settings?.theme) applyThemePreference(theme);
  });
  const offConnection = client.onConnection((state) => {
    if (state !== 'open') return;
    client.invoke('settings.get', {}).then(
      (settings) => useStore.getState().setSettings(settings),
      // Settings could not be read: keep the stored theme; the Settings dialog reports errors.
      () => undefined,
    );
  });
  return () => {
    offStore();
    offConnection();
  };
}
