/**
 * A .torrent file from a magnet link and the metadata (info dict) its peers sent (BEP 9): the
 * info bytes exactly as received, so the info-hash stays the one the link named, wrapped with
 * the link's trackers (one tier each, so every tracker is asked, as for a magnet they are
 * equals) and web seeds.
 *
 * Invariant: the result parses with parseTorrent to the same info-hash, or parsing throws.
 */
import { encode } from '../bencode';
import type { ParsedMagnet } from './magnet';
import { parseTorrent } from './parse';
import type { Metainfo } from './types';

const ascii = new TextEncoder();

export function torrentFileFromMetadata(info: Uint8Array, magnet: ParsedMagnet): Uint8Array {
  const tr = magnet.trackers;
  // Keys sort as announce < announce-list < info < url-list: the first two encoded without the
  // closing 'e', then info, then url-list, keeps BEP 3's sorted order.
  const before = encode({
    announce: tr[0],
    'announce-list': tr.length > 0 ? tr.map((t) => [t]) : undefined,
  });
  const after = magnet.webSeeds.length > 0 ? encode({ 'url-list': magnet.webSeeds }) : null;
  const parts = [
    before.subarray(0, before.length - 1),
    ascii.encode('4:info'),
    info,
    after ? after.subarray(1, after.length - 1) : new Uint8Array(0),
    ascii.encode('e'),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Parses what torrentFileFromMetadata built, checking the info-hash is the link's. */
export function metainfoFromMetadata(info: Uint8Array, magnet: ParsedMagnet): Metainfo {
  const meta = parseTorrent(torrentFileFromMetadata(info, magnet));
  if (meta.infoHashHex !== magnet.infoHashHex) {
    throw new Error(`metadata hashes to ${meta.infoHashHex}, not ${magnet.infoHashHex}`);
  }
  return meta;
}
