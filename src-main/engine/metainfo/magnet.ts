/**
 * Magnet links (BEP 9): `magnet:?xt=urn:btih:<info-hash>&dn=<name>&tr=<tracker>&x.pe=<peer>`,
 * plus `ws=` web seeds when writing.
 *
 * Invariants: a parsed magnet always has a 40-character lowercase hex info-hash; the btih may
 * be written as 40 hex or 32 base32 characters. Parameters may carry an index (`tr.1`).
 */
import { MAGNET_MAX_CHARS } from '../limits';
import { MetainfoError } from './errors';
import type { Metainfo } from './types';

export interface ParsedMagnet {
  infoHashHex: string;
  name: string | null;
  trackers: string[];
  /** `host:port` peer addresses (BEP 9 `x.pe`). */
  peers: string[];
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function toMagnet(meta: Metainfo): string {
  const parts = [`xt=urn:btih:${meta.infoHashHex}`, `dn=${encodeURIComponent(meta.name)}`];
  const seen = new Set<string>();
  for (const url of meta.announceList.flat()) {
    if (seen.has(url)) continue;
    seen.add(url);
    parts.push(`tr=${encodeURIComponent(url)}`);
  }
  for (const url of meta.urlList) parts.push(`ws=${encodeURIComponent(url)}`);
  return `magnet:?${parts.join('&')}`;
}

function base32ToHex(s: string): string | null {
  let bits = 0;
  let acc = 0;
  let hex = '';
  for (const ch of s.toUpperCase()) {
    const v = BASE32.indexOf(ch);
    if (v === -1) return null;
    acc = ((acc << 5) | v) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      hex += ((acc >> bits) & 0xff).toString(16).padStart(2, '0');
    }
  }
  return hex;
}

function btihToHex(v: string): string {
  if (/^[0-9a-fA-F]{40}$/.test(v)) return v.toLowerCase();
  if (v.length === 32) {
    const hex = base32ToHex(v);
    if (hex !== null) return hex;
  }
  throw new MetainfoError('magnet.xt', `"${v}" is neither 40 hex nor 32 base32 characters`);
}

function unescape(value: string, key: string): string {
  try {
    // Query strings write spaces as '+', and magnet links do too (libtorrent reads them so).
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch (err) {
    throw new MetainfoError(`magnet.${key}`, 'bad percent-encoding', err);
  }
}

export function parseMagnet(uri: string): ParsedMagnet {
  const trimmed = uri.trim();
  if (trimmed.length > MAGNET_MAX_CHARS) {
    throw new MetainfoError('magnet', `longer than ${MAGNET_MAX_CHARS} characters`);
  }
  if (!/^magnet:\?/i.test(trimmed)) throw new MetainfoError('magnet', 'must start with "magnet:?"');
  let infoHashHex: string | null = null;
  let sawV2 = false;
  let name: string | null = null;
  const trackers: string[] = [];
  const peers: string[] = [];
  for (const pair of trimmed.slice('magnet:?'.length).split('&')) {
    if (pair.length === 0) continue;
    const eq = pair.indexOf('=');
    const rawKey = (eq === -1 ? pair : pair.slice(0, eq)).toLowerCase();
    const key = rawKey.replace(/\.\d+$/, '');
    const value = unescape(eq === -1 ? '' : pair.slice(eq + 1), key);
    if (key === 'xt') {
      const lower = value.toLowerCase();
      if (lower.startsWith('urn:btih:')) infoHashHex ??= btihToHex(value.slice('urn:btih:'.length));
      else if (lower.startsWith('urn:btmh:')) sawV2 = true;
    } else if (key === 'dn') {
      name ??= value;
    } else if (key === 'tr') {
      if (value.length > 0 && !trackers.includes(value)) trackers.push(value);
    } else if (key === 'x.pe') {
      const port = Number(/:(\d{1,5})$/.exec(value)?.[1] ?? 0);
      const hostOk = /^(\[[0-9a-fA-F:.]+\]|[^\s:[\]]+):\d+$/.test(value);
      if (!hostOk || port < 1 || port > 65535) {
        throw new MetainfoError('magnet.x.pe', `"${value}" is not host:port`);
      }
      if (!peers.includes(value)) peers.push(value);
    }
  }
  if (infoHashHex === null) {
    throw new MetainfoError(
      'magnet.xt',
      sawV2 ? 'only a v2 (btmh) hash; v2 is not supported' : 'missing urn:btih info-hash',
    );
  }
  return { infoHashHex, name, trackers, peers };
}
