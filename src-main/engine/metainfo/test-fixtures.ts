/**
 * Torrents built in memory for tests (docs/ARCHITECTURE.md section 4: fixtures are generated in code,
 * never stored as binary blobs). Hashes are computed here with node:crypto, independently of the
 * HashWritePool, so tests can compare the two.
 */
import { createHash } from 'node:crypto';
import { encode } from '../bencode';
import type { Encodable } from '../bencode';

export interface FixtureFile {
  /** Components below the torrent's name (multi-file), ignored for single-file. */
  path: string[];
  data: Uint8Array;
}

export interface FixtureSpec {
  name: string;
  pieceLength: number;
  /** One entry and `single: true` makes a single-file torrent. */
  files: FixtureFile[];
  single?: boolean;
  /** Extra top-level keys (announce, comment, ...). */
  top?: Record<string, Encodable | null>;
  /** Extra keys inside info (private, name.utf-8, ...). */
  info?: Record<string, Encodable | null>;
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function pieceHashes(content: Uint8Array, pieceLength: number): Uint8Array {
  const count = Math.ceil(content.length / pieceLength);
  const out = new Uint8Array(count * 20);
  for (let i = 0; i < count; i++) {
    const piece = content.subarray(i * pieceLength, (i + 1) * pieceLength);
    out.set(createHash('sha1').update(piece).digest(), i * 20);
  }
  return out;
}

export function buildTorrent(spec: FixtureSpec): { torrentFile: Uint8Array; content: Uint8Array } {
  const content = concatBytes(spec.files.map((f) => f.data));
  const info: Record<string, Encodable | null> = {
    name: spec.name,
    'piece length': spec.pieceLength,
    pieces: pieceHashes(content, spec.pieceLength),
  };
  if (spec.single) info['length'] = content.length;
  else info['files'] = spec.files.map((f) => ({ length: f.data.length, path: f.path }));
  Object.assign(info, spec.info);
  const torrentFile = encode({ ...spec.top, info });
  return { torrentFile, content };
}

const te = new TextEncoder();

/** BEP 3 example size: 13 bytes in pieces of 5 (the last piece is 3 bytes). */
export function tinyTorrent(): { torrentFile: Uint8Array; content: Uint8Array } {
  return buildTorrent({
    name: 'tiny.txt',
    pieceLength: 5,
    single: true,
    files: [{ path: [], data: te.encode('hello, world!') }],
    top: { announce: 'http://127.0.0.1:6969/announce' },
  });
}

/**
 * Files straddling pieces of 8 bytes: 3 + 0 (empty) + 10 + 1 + 6 = 20 bytes, 3 pieces; a
 * non-ASCII name, a nested folder.
 */
export function straddlingTorrent(): { torrentFile: Uint8Array; content: Uint8Array } {
  return buildTorrent({
    name: 'straddle',
    pieceLength: 8,
    files: [
      { path: ['a.txt'], data: te.encode('abc') },
      { path: ['empty'], data: new Uint8Array(0) },
      { path: ['sub', 'ünïcødé ✓.bin'], data: te.encode('0123456789') },
      { path: ['sub', 'one'], data: te.encode('x') },
      { path: ['z'], data: te.encode('zzzzzz') },
    ],
  });
}
