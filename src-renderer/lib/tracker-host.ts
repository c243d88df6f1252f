/**
 * The host of a torrent's first tracker, read from its magnet link (`tr=`, in tier order as the
 * engine writes it): the list's Tracker column and its sort (issue 21). '' when it has none.
 */
export function trackerHost(magnet: string): string {
  const q = magnet.indexOf('?');
  if (q < 0) return '';
  const tr = new URLSearchParams(magnet.slice(q + 1)).get('tr');
  if (!tr) return '';
  try {
    return new URL(tr).hostname.replace(/^\[(.*)\]$/, '$1');
  } catch {
    return '';
  }
}
