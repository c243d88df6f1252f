/**
 * Which peer sources a torrent may use. BEP 27: a private torrent gets its peers from its
 * trackers only, never from the DHT, PEX or LSD. This is the one place that rule lives; the DHT,
 * PEX and LSD parts ask here before they announce, send or accept anything for a torrent.
 */

/** What the rule needs of a torrent: its metainfo's `private` flag. */
export interface PrivacyFlag {
  readonly private: boolean;
}

export function allowsDht(meta: PrivacyFlag): boolean {
  return !meta.private;
}

export function allowsPex(meta: PrivacyFlag): boolean {
  return !meta.private;
}

export function allowsLsd(meta: PrivacyFlag): boolean {
  return !meta.private;
}

/** Whether peers from `source` may be used for this torrent (only trackers' for a private one). */
export function allowsSource(meta: PrivacyFlag, source: string): boolean {
  if (source === 'dht') return allowsDht(meta);
  if (source === 'pex') return allowsPex(meta);
  if (source === 'lsd') return allowsLsd(meta);
  return true;
}
