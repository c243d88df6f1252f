/**
 * Parsing v1 .torrent files (BEP 3), with BEP 12 announce-list, BEP 19 url-list and BEP 27
 * private.
 *
 * Invariants:
 * - The info-hash is SHA-1 over the exact bytes of `info` as found in the file.
 * - Required fields are checked strictly, each error naming its field; optional top-level fields
 *   (announce, comment, ...) of the wrong type are ignored, as other clients do.
 * - File paths are sanitised (sanitize-path.ts), each change listed in `pathWarnings`; two files
 *   may not land on the same path, nor a file where another needs a folder, even on a file
 *   system that ignores case or Unicode normalisation (Windows, macOS): `README` and `readme`,
 *   or NFC and NFD `café`, collide. A relative path is at most METAINFO_MAX_PATH_BYTES.
 * - pieceCount = ceil(totalLength / pieceLength) = pieces.length / 20, and totalLength > 0.
 */
import { createHash } from 'node:crypto';
import { BencodeError, decodeTorrentFile, isBytes, isDict, isList } from '../bencode';
import type { BDict, BValue } from '../bencode';
import { METAINFO_MAX_FILES, METAINFO_MAX_PATH_BYTES, PIECE_LENGTH_MAX_BYTES } from '../limits';
import { MetainfoError } from './errors';
import { sanitizePath, sanitizePathComponent, utf8Bytes } from './sanitize-path';
import type { Metainfo, TorrentFileEntry } from './types';

/** BEP 3: each piece hash is a 20-byte SHA-1. */
export const PIECE_HASH_BYTES = 20;

const utf8 = new TextDecoder('utf-8');

function text(bytes: Uint8Array): string {
  return utf8.decode(bytes);
}

/** A field's text, preferring its `.utf-8` twin (written by some clients for non-UTF-8 names). */
function optionalText(d: BDict, key: string): string | null {
  const twin = d[`${key}.utf-8`];
  if (isBytes(twin)) return text(twin);
  const v = d[key];
  return isBytes(v) ? text(v) : null;
}

function requireInt(d: BDict, key: string, field: string, min: number, max: number): number {
  const v = d[key];
  if (v === undefined) throw new MetainfoError(field, 'missing');
  if (typeof v !== 'number') throw new MetainfoError(field, 'must be an integer');
  if (v < min || v > max) throw new MetainfoError(field, `${v} is out of range ${min}..${max}`);
  return v;
}

function pathComponents(file: BDict, field: string): string[] {
  const twin = file['path.utf-8'];
  const raw = isList(twin) && twin.length > 0 && twin.every(isBytes) ? twin : file['path'];
  if (raw === undefined) throw new MetainfoError(field, 'missing');
  if (!isList(raw)) throw new MetainfoError(field, 'must be a list of strings');
  return raw.map((c, i) => {
    if (!isBytes(c)) throw new MetainfoError(`${field}[${i}]`, 'must be a string');
    return text(c);
  });
}

function parseFiles(
  info: BDict,
  name: string,
  warnings: string[],
): { files: TorrentFileEntry[]; single: boolean } {
  const hasLength = info['length'] !== undefined;
  const list = info['files'];
  if (hasLength && list !== undefined) {
    throw new MetainfoError('info', 'has both "length" and "files"');
  }
  if (hasLength) {
    const length = requireInt(info, 'length', 'info.length', 0, Number.MAX_SAFE_INTEGER);
    return { files: [{ path: [name], length, offset: 0 }], single: true };
  }
  if (list === undefined) {
    const v2 = info['file tree'] !== undefined ? ' (v2-only torrents are not supported)' : '';
    throw new MetainfoError('info', `has neither "length" nor "files"${v2}`);
  }
  if (!isList(list)) throw new MetainfoError('info.files', 'must be a list');
  if (list.length === 0) throw new MetainfoError('info.files', 'is empty');
  if (list.length > METAINFO_MAX_FILES) {
    throw new MetainfoError('info.files', `${list.length} files exceed ${METAINFO_MAX_FILES}`);
  }
  const files: TorrentFileEntry[] = [];
  let offset = 0;
  list.forEach((entry: BValue, i) => {
    const field = `info.files[${i}]`;
    if (!isDict(entry)) throw new MetainfoError(field, 'must be a dictionary');
    const length = requireInt(entry, 'length', `${field}.length`, 0, Number.MAX_SAFE_INTEGER);
    const attr = bep47Attr(entry, field, length, warnings);
    const raw = pathComponents(entry, `${field}.path`);
    const path = [name, ...sanitizePath(raw, `${field}.path`, warnings)];
    const bytes = utf8Bytes(path.join('/'));
    if (bytes > METAINFO_MAX_PATH_BYTES) {
      throw new MetainfoError(
        `${field}.path`,
        `path of ${bytes} bytes is longer than ${METAINFO_MAX_PATH_BYTES}`,
      );
    }
    files.push(attr.pad ? { path, length, offset, pad: true } : { path, length, offset });
    offset += length;
    if (!Number.isSafeInteger(offset)) {
      throw new MetainfoError(`${field}.length`, 'total length is beyond 2^53');
    }
  });
  checkCollisions(files);
  return { files, single: false };
}

/**
 * BEP 47 file attributes. A pad file (`p`) holds zeros that only align the next file: it is
 * never written, and pads may share a path (`.pad/16384` is common). A symlink (`l`) must hold
 * no data and is never created as a link: it lands as an empty regular file, with a warning.
 * Executable (`x`) and hidden (`h`) are ignored: we set no mode bits from a stranger's torrent.
 */
function bep47Attr(
  entry: BDict,
  field: string,
  length: number,
  warnings: string[],
): { pad: boolean } {
  const raw = entry['attr'];
  const attr = isBytes(raw) ? text(raw) : '';
  if (attr.includes('l')) {
    if (length !== 0)
      throw new MetainfoError(`${field}.attr`, 'a BEP 47 symlink must hold no data');
    const target = entry['symlink path'];
    const shown = isList(target) ? target.map((c) => (isBytes(c) ? text(c) : '?')).join('/') : '?';
    warnings.push(
      `${field}: BEP 47 symlink to ${JSON.stringify(shown)} lands as an empty file, never a link`,
    );
  }
  return { pad: attr.includes('p') };
}

/**
 * The key two paths share when some file system would take them for one: Windows and macOS
 * ignore case, and macOS (and some Windows tools) ignore Unicode normalisation.
 */
function foldKey(p: string): string {
  return p.normalize('NFC').toLowerCase();
}

/** Two files on one path would overwrite each other and never verify. */
function checkCollisions(files: TorrentFileEntry[]): void {
  const filePaths = new Map<string, { index: number; path: string }>();
  const dirPaths = new Map<string, { index: number; path: string }>();
  const clashText = (key: string, other: { index: number; path: string }): string =>
    other.path === key
      ? `"${key}" collides with info.files[${other.index}]`
      : `"${key}" collides with "${other.path}" (info.files[${other.index}]) where case or ` +
        'Unicode normalisation is ignored (Windows, macOS)';
  files.forEach((f, i) => {
    // Never written, so never in the way; BEP 47 pads routinely share one path.
    if (f.pad) return;
    const key = f.path.join('/');
    const folded = foldKey(key);
    const clash = filePaths.get(folded) ?? dirPaths.get(folded);
    if (clash !== undefined) {
      throw new MetainfoError(`info.files[${i}].path`, clashText(key, clash));
    }
    filePaths.set(folded, { index: i, path: key });
    for (let n = 1; n < f.path.length; n++) {
      const dir = f.path.slice(0, n).join('/');
      const dirKey = foldKey(dir);
      const asFile = filePaths.get(dirKey);
      if (asFile !== undefined) {
        throw new MetainfoError(
          `info.files[${i}].path`,
          `needs folder "${dir}" where info.files[${asFile.index}] is a file`,
        );
      }
      const asDir = dirPaths.get(dirKey);
      if (asDir === undefined) dirPaths.set(dirKey, { index: i, path: dir });
      else if (asDir.path !== dir) {
        throw new MetainfoError(`info.files[${i}].path`, `folder ${clashText(dir, asDir)}`);
      }
    }
  });
}

/** BEP 12: tiers of tracker URLs; empty tiers and repeated URLs are dropped. */
function parseAnnounceList(top: BDict, announce: string | null): string[][] {
  const seen = new Set<string>();
  const tiers: string[][] = [];
  const raw = top['announce-list'];
  if (isList(raw)) {
    for (const tier of raw) {
      if (!isList(tier)) continue;
      const urls: string[] = [];
      for (const u of tier) {
        if (!isBytes(u)) continue;
        const url = text(u).trim();
        if (url.length === 0 || seen.has(url)) continue;
        seen.add(url);
        urls.push(url);
      }
      if (urls.length > 0) tiers.push(urls);
    }
  }
  if (tiers.length === 0 && announce !== null) tiers.push([announce]);
  return tiers;
}

/** BEP 19: `url-list` is one URL or a list of them. */
function parseUrlList(top: BDict): string[] {
  const raw = top['url-list'];
  const items = isBytes(raw) ? [raw] : isList(raw) ? raw : [];
  const out: string[] = [];
  for (const u of items) {
    if (!isBytes(u)) continue;
    const url = text(u).trim();
    if (url.length > 0 && !out.includes(url)) out.push(url);
  }
  return out;
}

export function parseTorrent(bytes: Uint8Array): Metainfo {
  const torrentFile = new Uint8Array(bytes.length);
  torrentFile.set(bytes);
  let top: BDict;
  let infoSpan: [number, number];
  try {
    ({ value: top, infoSpan } = decodeTorrentFile(torrentFile));
  } catch (err) {
    if (err instanceof BencodeError) {
      // The field names where it broke (the encoding itself); callers say "not a valid torrent
      // file" once, in front (issue 19: error texts say each thing once).
      throw new MetainfoError('bencode', err.message, err);
    }
    throw err;
  }
  const info = top['info'];
  if (!isDict(info)) throw new MetainfoError('info', 'must be a dictionary');

  const rawName = optionalText(info, 'name');
  if (rawName === null) throw new MetainfoError('info.name', 'missing');
  const pathWarnings: string[] = [];
  const name = sanitizePathComponent(rawName, 'info.name', pathWarnings);
  const pieceLength = requireInt(
    info,
    'piece length',
    'info.piece length',
    1,
    PIECE_LENGTH_MAX_BYTES,
  );
  const pieces = info['pieces'];
  if (pieces === undefined) throw new MetainfoError('info.pieces', 'missing');
  if (!isBytes(pieces)) throw new MetainfoError('info.pieces', 'must be a string');
  if (pieces.length % PIECE_HASH_BYTES !== 0) {
    throw new MetainfoError('info.pieces', `length ${pieces.length} is not a multiple of 20`);
  }

  const { files, single } = parseFiles(info, name, pathWarnings);
  const last = files[files.length - 1]!;
  const totalLength = last.offset + last.length;
  if (totalLength === 0) throw new MetainfoError('info', 'the torrent holds no data');
  const pieceCount = Math.ceil(totalLength / pieceLength);
  if (pieces.length !== pieceCount * PIECE_HASH_BYTES) {
    throw new MetainfoError(
      'info.pieces',
      `${pieces.length / PIECE_HASH_BYTES} hashes for ${pieceCount} pieces`,
    );
  }

  const infoBytes = torrentFile.subarray(infoSpan[0], infoSpan[1]);
  const infoHash = new Uint8Array(createHash('sha1').update(infoBytes).digest());
  const announceText = optionalText(top, 'announce')?.trim() ?? '';
  const announce = announceText.length > 0 ? announceText : null;
  const creationDate = top['creation date'];

  return {
    infoHash,
    infoHashHex: Buffer.from(infoHash).toString('hex'),
    name,
    pieceLength,
    pieceCount,
    pieceHashes: pieces,
    totalLength,
    files,
    singleFile: single,
    pathWarnings,
    announce,
    announceList: parseAnnounceList(top, announce),
    private: info['private'] === 1,
    comment: optionalText(top, 'comment'),
    createdBy: optionalText(top, 'created by'),
    creationDate: typeof creationDate === 'number' ? creationDate : null,
    urlList: parseUrlList(top),
    info,
    infoBytes,
    torrentFile,
  };
}
