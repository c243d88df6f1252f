/**
 * Magnet links in text the user pastes or drops (issue 17): finding one, telling whether a key
 * press belongs to a text field, and the list's "Fetching metadata · N peers". Pure.
 */
import type { TorrentSummary } from '../../../src-shared/model';
import { maxMagnetChars } from '../../../src-shared/validate';

/** The first `magnet:?` link in `text` (up to whitespace or a quote), or null. */
export function findMagnet(text: string): string | null {
  const m = /magnet:\?[^\s"'<>]+/i.exec(text.slice(0, maxMagnetChars * 2));
  if (!m || m[0].length > maxMagnetChars) return null;
  return m[0];
}

/** A paste into an input, a textarea or editable content is that field's, not a magnet add. */
export function isTextEntry(
  target: { tagName?: string; isContentEditable?: boolean } | null,
): boolean {
  if (!target) return false;
  const tag = (target.tagName ?? '').toLowerCase();
  return tag === 'input' || tag === 'textarea' || tag === 'select' || !!target.isContentEditable;
}

/** The state text of a magnet still fetching its metadata. */
export function fetchingText(t: Pick<TorrentSummary, 'peers'>): string {
  return `Fetching metadata · ${t.peers} ${t.peers === 1 ? 'peer' : 'peers'}`;
}
