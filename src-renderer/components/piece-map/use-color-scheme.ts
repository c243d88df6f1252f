import { useEffect, useState } from 'react';
import type { ColorScheme } from './palette';

const darkQuery = '(prefers-color-scheme: dark)';

/** The OS theme, live, so the canvas and the legend switch palettes with it. */
export function useColorScheme(): ColorScheme {
  // Without a window (server rendering, unit tests) there is no OS theme to follow: light.
  const [scheme, setScheme] = useState<ColorScheme>(() =>
    typeof window !== 'undefined' && window.matchMedia(darkQuery).matches ? 'dark' : 'light',
  );
  useEffect(() => {
    const query = window.matchMedia(darkQuery);
    const onChange = () => setScheme(query.matches ? 'dark' : 'light');
    query.addEventListener('change', onChange);
    return () => query.removeEventListener('change', onChange);
  }, []);
  return scheme;
}
