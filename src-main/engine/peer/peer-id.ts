/**
 * Peer ids (BEP 20): ours is Azureus-style `-SW0100-` + 12 random printable characters; others'
 * are decoded into a client name for the Peers tab. Decoding never throws: an id it cannot read
 * becomes "unknown (…)" with a printable or hex prefix.
 */
import { systemRandom } from '../time/clock';
import type { Random } from '../time/clock';

/** BEP 20 Azureus style: '-' + 2-letter client code + 4 version characters + '-'. */
export const PEER_ID_PREFIX = '-SW0100-';
export const PEER_ID_BYTES = 20;
const RANDOM_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function generatePeerId(random: Random = systemRandom): Uint8Array {
  const out = new Uint8Array(PEER_ID_BYTES);
  for (let i = 0; i < PEER_ID_PREFIX.length; i++) out[i] = PEER_ID_PREFIX.charCodeAt(i);
  for (let i = PEER_ID_PREFIX.length; i < PEER_ID_BYTES; i++) {
    out[i] = RANDOM_ALPHABET.charCodeAt(random.int(RANDOM_ALPHABET.length));
  }
  return out;
}

/** How the 4 version characters of an Azureus-style id are read. */
type VersionStyle =
  /** a.b.c, each 0-9 or A-Z (= 10..35), the 4th ignored unless a non-zero digit (qB, LT, DE). */
  | 'abc'
  /** a.b.c.d (Azureus, BiglyBT). */
  | 'abcd'
  /** Hexadecimal a.b.c (libtorrent by rakshasa: 0D8 = 0.13.8). */
  | 'hex'
  /** Transmission: "3000" = 3.00, "2940" = 2.94; from 4: "4050" = 4.0.5; Z = dev, B/X = beta. */
  | 'transmission'
  /** Two-digit major and minor: "0105" = 1.5 (WebTorrent), "0211" = 2.11 (BitComet). */
  | 'twoTwo';

const AZUREUS_CLIENTS: Record<string, [name: string, style: VersionStyle]> = {
  SW: ['Swarmscope', 'abc'],
  LT: ['libtorrent (Rasterbar)', 'abc'],
  lt: ['libtorrent (rakshasa)', 'hex'],
  TR: ['Transmission', 'transmission'],
  qB: ['qBittorrent', 'abc'],
  DE: ['Deluge', 'abc'],
  UT: ['µTorrent', 'abc'],
  UM: ['µTorrent Mac', 'abc'],
  UW: ['µTorrent Web', 'abc'],
  BT: ['BitTorrent', 'abc'],
  AZ: ['Azureus', 'abcd'],
  BI: ['BiglyBT', 'abcd'],
  WW: ['WebTorrent', 'twoTwo'],
  WD: ['WebTorrent Desktop', 'twoTwo'],
  BC: ['BitComet', 'twoTwo'],
  KT: ['KTorrent', 'abc'],
  PI: ['PicoTorrent', 'abc'],
  FD: ['Free Download Manager', 'abc'],
  FW: ['FrostWire', 'abc'],
  XL: ['Xunlei', 'abc'],
  SD: ['Thunder', 'abc'],
  HL: ['Halite', 'abc'],
  LW: ['LimeWire', 'abc'],
  TT: ['TuoTu', 'abc'],
  RT: ['Retriever', 'abc'],
  BF: ['Bitflu', 'abc'],
  CD: ['Enhanced CTorrent', 'abc'],
  CT: ['CTorrent', 'abc'],
  ML: ['MLDonkey', 'abc'],
  AG: ['Ares', 'abc'],
  BB: ['BitBuddy', 'abc'],
  ES: ['electric sheep', 'abc'],
  SZ: ['Shareaza', 'abcd'],
  TL: ['Tribler', 'abc'],
  VG: ['Vagaa', 'abcd'],
  'A~': ['Ares', 'abc'],
};

/** BEP 20 Shadow style: one letter, up to five version characters, '-' padding. */
const SHADOW_CLIENTS: Record<string, string> = {
  A: 'ABC',
  O: 'Osprey Permaseed',
  Q: 'BTQueue',
  R: 'Tribler',
  S: "Shadow's client",
  T: 'BitTornado',
  U: 'UPnP NAT Bit Torrent',
};
const SHADOW_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz.-';

/** Mainline style (BEP 20): M4-3-6-- or M4-20-8-. */
const MAINLINE = /^([MQ])(\d{1,3})-(\d{1,3})-(\d{1,3})-/;
const MAINLINE_CLIENTS: Record<string, string> = { M: 'Mainline', Q: 'Queen Bee' };
/** aria2: A2-1-36-0-. */
const ARIA2 = /^A2-(\d{1,3})-(\d{1,3})-(\d{1,3})-/;

function ascii(id: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < Math.min(to, id.length); i++) s += String.fromCharCode(id[i] ?? 0);
  return s;
}

function isPrintable(s: string): boolean {
  return /^[\x20-\x7e]*$/.test(s);
}

/** 0-9 and A-Z as 10..35 (libtorrent's version_to_char); anything else is null. */
function alnum(c: string): number | null {
  if (c >= '0' && c <= '9') return c.charCodeAt(0) - 48;
  if (c >= 'A' && c <= 'Z') return c.charCodeAt(0) - 55;
  return null;
}

function azureusVersion(v: string, style: VersionStyle): string | null {
  const [a = '', b = '', c = '', d = ''] = v;
  switch (style) {
    case 'abc':
    case 'abcd': {
      const parts = [alnum(a), alnum(b), alnum(c)];
      if (parts.some((p) => p === null)) return null;
      const dv = alnum(d);
      if (style === 'abcd') return dv === null ? parts.join('.') : [...parts, dv].join('.');
      return d >= '1' && d <= '9' ? [...parts, d].join('.') : parts.join('.');
    }
    case 'hex': {
      const parts = [a, b, c].map((x) => (/^[0-9A-Fa-f]$/.test(x) ? parseInt(x, 16) : null));
      return parts.some((p) => p === null) ? null : parts.join('.');
    }
    case 'transmission': {
      if (!/^\d{3}$/.test(a + b + c)) return null;
      const suffix = d === 'Z' ? '+' : d === 'B' || d === 'X' ? ' beta' : '';
      return Number(a) >= 4 ? `${a}.${b}.${c}${suffix}` : `${a}.${b}${c}${suffix}`;
    }
    case 'twoTwo': {
      if (!/^\d{4}$/.test(v)) return null;
      return `${Number(a + b)}.${Number(c + d)}`;
    }
    default: {
      const unreachable: never = style;
      return unreachable;
    }
  }
}

function shadowVersion(id: string): string | null {
  const parts: number[] = [];
  let i = 1;
  for (; i <= 5; i++) {
    const ch = id[i] ?? '';
    if (ch === '-') break;
    const n = SHADOW_ALPHABET.indexOf(ch);
    if (n < 0) return null;
    parts.push(n);
  }
  if (parts.length === 0) return null;
  for (; i <= 5; i++) if (id[i] !== '-') return null;
  return parts.join('.');
}

function unknown(id: Uint8Array): string {
  const prefix = ascii(id, 0, 8);
  if (isPrintable(prefix) && prefix.length === 8) return `unknown (${prefix})`;
  return `unknown (${Buffer.from(id.subarray(0, 8)).toString('hex')})`;
}

/** A display name such as "libtorrent (Rasterbar) 2.0.8" from a peer id (BEP 20). */
export function clientName(peerId: Uint8Array): string {
  const head = ascii(peerId, 0, 12);
  if (head[0] === '-' && head[7] === '-') {
    const known = AZUREUS_CLIENTS[head.slice(1, 3)];
    if (known) {
      const version = azureusVersion(head.slice(3, 7), known[1]);
      if (version !== null) return `${known[0]} ${version}`;
    }
    return unknown(peerId);
  }
  const aria = ARIA2.exec(head);
  if (aria) return `aria2 ${aria[1]}.${aria[2]}.${aria[3]}`;
  const main = MAINLINE.exec(head);
  if (main)
    return `${MAINLINE_CLIENTS[main[1] ?? ''] ?? 'Mainline'} ${main[2]}.${main[3]}.${main[4]}`;
  const shadow = SHADOW_CLIENTS[head[0] ?? ''];
  if (shadow) {
    const version = shadowVersion(head);
    if (version !== null) return `${shadow} ${version}`;
  }
  return unknown(peerId);
}
