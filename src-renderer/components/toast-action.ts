/**
 * Toast buttons (issue 21: the "Download complete" toast offers "Open folder" on desktop).
 * Pure parts; unit-tested.
 */

/** Where a torrent's content is: its save folder joined with its name, in the host's style. */
export function contentPath(savePath: string, name: string): string {
  const sep = savePath.includes('\\') && !savePath.includes('/') ? '\\' : '/';
  const base = savePath.endsWith(sep) ? savePath.slice(0, -1) : savePath;
  return `${base}${sep}${name}`;
}
