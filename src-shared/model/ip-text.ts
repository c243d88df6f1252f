/**
 * IP address text, checked without Node (issues 18 and 21): the renderer validates the listen
 * interface and `[v6]:port` bootstrap entries with the same rules the host applies.
 *
 * Invariants (pure):
 * - IPv4 is four dotted decimals 0–255 without leading zeros (`010.0.0.1` is ambiguous: octal to
 *   some parsers, decimal to others).
 * - IPv6 is RFC 4291 text: up to eight hex groups of 1–4 digits, at most one `::`, optionally
 *   ending in dotted IPv4; no zone (`%eth0`), no brackets. Case is kept; callers compare
 *   lower-cased text.
 */

export function isIpv4Text(text: string): boolean {
  const parts = text.split('.');
  if (parts.length !== 4) return false;
  return parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255);
}

export function isIpv6Text(text: string): boolean {
  if (text.length === 0 || text.length > 45) return false;
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const groups = (half: string): string[] | null => (half === '' ? [] : half.split(':'));
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return false;
  const all = [...head, ...tail];
  let units = 0;
  for (let i = 0; i < all.length; i++) {
    const g = all[i]!;
    if (i === all.length - 1 && g.includes('.')) {
      if (!isIpv4Text(g)) return false;
      units += 2;
    } else if (/^[0-9A-Fa-f]{1,4}$/.test(g)) {
      units += 1;
    } else {
      return false;
    }
  }
  return halves.length === 2 ? units <= 7 : units === 8;
}

/** 4, 6, or 0 for text that is neither (a name, or garbage). */
export function ipTextFamily(text: string): 0 | 4 | 6 {
  if (isIpv4Text(text)) return 4;
  return isIpv6Text(text) ? 6 : 0;
}

/** One of the host machine's addresses (`net.interfaces`), for the listen-interface choice. */
export interface NetAddress {
  /** The OS's interface name, e.g. `eth0`, `en0`, `Wi-Fi`. */
  name: string;
  address: string;
  family: 4 | 6;
  /** Loopback: reachable from this machine only. */
  internal: boolean;
}
