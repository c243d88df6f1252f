/**
 * Breadcrumbs for the host file browser: each ancestor of a host path with the path to open
 * when it is clicked. The host may be POSIX or Windows; its listing's `path` is absolute.
 * Pure; unit-tested.
 */
export interface Crumb {
  label: string;
  path: string;
}

export function pathCrumbs(abs: string): Crumb[] {
  const win = /^[A-Za-z]:[\\/]/.test(abs) || abs.startsWith('\\\\');
  const sep = win ? '\\' : '/';
  const parts = abs.split(/[\\/]+/).filter((p) => p.length > 0);
  const crumbs: Crumb[] = [];
  if (!win) crumbs.push({ label: '/', path: '/' });
  let acc = win ? '' : '';
  for (const [i, part] of parts.entries()) {
    if (win) acc = i === 0 ? `${part}${sep}` : `${acc}${acc.endsWith(sep) ? '' : sep}${part}`;
    else acc = `${acc}/${part}`;
    crumbs.push({ label: part, path: acc });
  }
  return crumbs;
}
