/** Torrent metainfo (BEP 3, 9, 12, 19, 27): parse, sanitise, create, magnet links. */
export { createTorrent, DEFAULT_CREATED_BY } from './create';
export type { CreateTorrentOptions } from './create';
export { MetainfoError } from './errors';
export { parseMagnet, toMagnet } from './magnet';
export type { ParsedMagnet } from './magnet';
export { parseTorrent, PIECE_HASH_BYTES } from './parse';
export { autoPieceLength } from './piece-length';
export { resolveInside, sanitizePath, sanitizePathComponent } from './sanitize-path';
export type { Metainfo, TorrentFileEntry } from './types';
