/**
 * The add dialog's save folder follows the chosen label (issue 21): the label's folder from
 * Settings, else the download folder, unless the user has typed or browsed a folder of their own.
 */
import type { Settings } from '../../../src-shared/model';
import { labelSavePath, normalizeLabel } from '../../../src-shared/model';

type LabelSettings = Pick<Settings, 'downloadDir' | 'labelSavePaths'>;

/** The folder to show after the label changed from `before` to `after`. */
export function savePathAfterLabel(
  shown: string,
  settings: LabelSettings | null,
  before: string,
  after: string,
): string {
  if (!settings) return shown;
  const oldDefault = labelSavePath(settings, normalizeLabel(before));
  // A folder the user chose stays; an empty field or the old default follows the label.
  if (shown.trim() !== '' && shown !== oldDefault) return shown;
  return labelSavePath(settings, normalizeLabel(after));
}
