/**
 * Magnet links (BEP 9): `magnet:?xt=urn:btih:<info-hash>&dn=<name>&tr=<tracker>&x.pe=<peer>`,
 * `ws=` web seeds (BEP 19) and `so=` file selection (BEP 53).
 *
 * Invariants: a parsed magnet always has a 40-character lowercase hex info-hash; the btih may
 * be written as 40 hex or 32 base32 characters. Parameters may carry an index (`tr.1`). Lists
 * are bounded (MAGNET_MAX_LIST_ENTRIES, MAGNET_MAX_SELECTED_FILES) and every error is a
 * MetainfoError naming the parameter.
 */
import { MAGNET_MAX_CHARS, MAGNET_MAX_LIST_ENTRIES, MAGNET_MAX_SELECTED_FILES } from '../limits';
import { MetainfoError } from './errors';
import type { Metainfo } from './types';

export interface ParsedMagnet {
  infoHashHex: string;
  name: string | null;
  trackers: string[];
  /** `host:port` peer addresses (BEP 9 `x.pe`); IPv6 as `[addr]:port`. */
  peers: string[];
  /** BEP 19 web seeds (`ws`). */
  webSeeds: string[];
  /** BEP 53 `so`: the file indices to download, ascending; null when the link selects none. */
  selectOnly: number[] | null;
}

/** A `x.pe` value as an address to dial: IPv6 brackets removed. */
export function magnetPeerAddress(peer: string): { address: string; port: number } {
  const colon = peer.lastIndexOf(':');
  const host = peer.slice(0, colon);
  return {
    address: host.startsWith('[') ? host.slice(1, -1) : host,
    port: Number(peer.slice(colon + 1)),
  };
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
  const webSeeds: string[] = [];
  let selectOnly: number[] | null = null;
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
      // Any scheme://: the tracker client skips the schemes it does not speak.
      if (!/^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(value)) {
        throw new MetainfoError('magnet.tr', `"${value.slice(0, 80)}" is not a tracker URL`);
      }
      addBounded(trackers, value, 'tr');
    } else if (key === 'x.pe') {
      const port = Number(/:(\d{1,5})$/.exec(value)?.[1] ?? 0);
      const hostOk = /^(\[[0-9a-fA-F:.]+\]|[^\s:[\]]+):\d+$/.test(value);
      if (!hostOk || port < 1 || port > 65535) {
        throw new MetainfoError('magnet.x.pe', `"${value}" is not host:port`);
      }
      addBounded(peers, value, 'x.pe');
    } else if (key === 'ws') {
      if (!/^https?:\/\/[^\s]+$/i.test(value)) {
        throw new MetainfoError('magnet.ws', `"${value.slice(0, 80)}" is not an http(s) URL`);
      }
      addBounded(webSeeds, value, 'ws');
    } else if (key === 'so') {
      selectOnly = parseSelectOnly(value, selectOnly ?? []);
    }
  }
  if (infoHashHex === null) {
    throw new MetainfoError(
      'magnet.xt',
      sawV2
        ? 'v2-only (urn:btmh) magnet links are not supported yet'
        : 'missing urn:btih info-hash',
    );
  }
  return { infoHashHex, name, trackers, peers, webSeeds, selectOnly };
}

function addBounded(list: string[], value: string, key: string): void {
  if (list.includes(value)) return;
  if (list.length >= MAGNET_MAX_LIST_ENTRIES) {
    throw new MetainfoError(`magnet.${key}`, `more than ${MAGNET_MAX_LIST_ENTRIES} entries`);
  }
  list.push(value);
}

/** BEP 53: `so=0,2,4,6-8`; several `so` parameters add up. */
function parseSelectOnly(value: string, into: number[]): number[] {
  const set = new Set(into);
  for (const part of value.split(',')) {
    const m = /^(\d{1,7})(?:-(\d{1,7}))?$/.exec(part);
    const from = Number(m?.[1]);
    const to = m?.[2] === undefined ? from : Number(m[2]);
    if (!m || to < from) {
      throw new MetainfoError('magnet.so', `"${part}" is not a file index or a range a-b`);
    }
    if (set.size + (to - from + 1) > MAGNET_MAX_SELECTED_FILES) {
      throw new MetainfoError('magnet.so', `selects more than ${MAGNET_MAX_SELECTED_FILES} files`);
    }
    for (let i = from; i <= to; i++) set.add(i);
  }
  return [...set].sort((a, b) => a - b);
}
