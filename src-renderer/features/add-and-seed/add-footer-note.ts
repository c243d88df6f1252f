/**
 * The add dialog's footer line. A torrent already in the list has nothing to download by this
 * dialog (issue 21: the duplicate dialog showed a size to download for a torrent already
 * complete): it says how far the one in the list is instead. Pure; unit-tested.
 */
import { formatBytes, formatPercent } from '../../lib/format';

export function addFooterNote(opts: {
  alreadyAdded: boolean;
  /** The copy in the list, when the list has it. */
  existing: { progress: number } | undefined;
  wantedBytes: number;
  nothingSelected: boolean;
}): string {
  if (opts.alreadyAdded) {
    if (!opts.existing) return 'Already in the list';
    return opts.existing.progress >= 1
      ? 'Already in the list, complete'
      : `Already in the list, ${formatPercent(opts.existing.progress)} done`;
  }
  if (opts.nothingSelected) return 'Select at least one file';
  return `${formatBytes(opts.wantedBytes)} to download`;
}
