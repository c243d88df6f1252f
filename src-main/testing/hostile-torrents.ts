/**
 * A corpus of hostile torrents, generated in code (issue 16): every attack on names and paths we
 * know, and BEP 47 attributes. Each entry states its expected outcome, so a table test can run
 * the whole corpus through parse and, where it matters, through storage on a real disk.
 *
 * Outcomes:
 * - `rejected`: parseTorrent throws a MetainfoError whose field and message are given.
 * - `sanitised`: it parses, and the files land at exactly `paths` (joined with '/'), with
 *   `warnings` matching Metainfo.pathWarnings one for one.
 * `onDisk` entries are also written through FileStorage: `absent` paths must not exist (pad files),
 * and no symlink and no executable file may appear anywhere in the save folder.
 */
import { encode } from '../engine/bencode';
import type { Encodable } from '../engine/bencode';
import { concatBytes, pieceHashes } from '../engine/metainfo/test-fixtures';

export interface HostileFile {
  path: string[];
  /** Bytes of the file; pads are zeros. */
  data: Uint8Array;
  /** BEP 47 `attr`. */
  attr?: string;
  /** BEP 47 `symlink path`. */
  symlinkPath?: string[];
}

export type HostileOutcome =
  | { kind: 'rejected'; field: string; problem: RegExp }
  | { kind: 'sanitised'; paths: string[]; warnings: RegExp[] };

export interface HostileTorrent {
  /** What the entry tries, in words (the test's name). */
  attack: string;
  torrentFile: Uint8Array;
  /** The concatenated file data (pieces are hashed over it). */
  content: Uint8Array;
  expected: HostileOutcome;
  /** Written to disk by the table test: these relative paths must not exist afterwards. */
  onDisk?: { absent: string[] };
}

const te = new TextEncoder();
const PIECE = 16;

function bytes(s: string): Uint8Array {
  return te.encode(s);
}

/** A multi-file torrent named `name` (or single-file when `single`). */
function torrent(
  name: string,
  files: HostileFile[],
  opts: { single?: boolean } = {},
): { torrentFile: Uint8Array; content: Uint8Array } {
  const content = concatBytes(files.map((f) => f.data));
  const info: Record<string, Encodable> = {
    name,
    'piece length': PIECE,
    pieces: pieceHashes(content, PIECE),
  };
  if (opts.single) info['length'] = content.length;
  else {
    info['files'] = files.map((f) => ({
      length: f.data.length,
      path: f.path,
      ...(f.attr !== undefined ? { attr: f.attr } : {}),
      ...(f.symlinkPath !== undefined ? { 'symlink path': f.symlinkPath } : {}),
    }));
  }
  return { torrentFile: encode({ announce: 'http://127.0.0.1:6969/announce', info }), content };
}

const file = (path: string[], text = 'data'): HostileFile => ({ path, data: bytes(text) });

/** A name that is only rejected or changed, in a one-file multi-file torrent. */
function named(attack: string, component: string, expected: HostileOutcome): HostileTorrent {
  return { attack, ...torrent('T', [file([component])]), expected };
}

const reject = (field: string, problem: RegExp): HostileOutcome => ({
  kind: 'rejected',
  field,
  problem,
});
const lands = (paths: string[], ...warnings: RegExp[]): HostileOutcome => ({
  kind: 'sanitised',
  paths,
  warnings,
});

const F0 = 'info.files[0].path';
const F1 = 'info.files[1].path';

export function hostileTorrents(): HostileTorrent[] {
  const zeros = (n: number): Uint8Array => new Uint8Array(n);
  return [
    // ---- traversal and structure: rejected
    named('traversal with ..', '..', reject(F0, /component "\.\." is not allowed/)),
    named('a slash inside a component', 'a/../../etc', reject(F0, /path separator/)),
    named('a backslash (Windows separator)', '..\\evil', reject(F0, /path separator/)),
    named('a drive letter', 'C:', reject(F0, /drive letter/)),
    named('a NUL byte', 'a\0.txt', reject(F0, /contains NUL/)),
    named('an empty component', '', reject(F0, /empty path component/)),
    {
      attack: 'an absolute name',
      ...torrent('/etc', [file(['passwd'])]),
      expected: reject('info.name', /path separator/),
    },
    named('a component of 256 bytes', 'a'.repeat(256), reject(F0, /256 bytes is longer than 255/)),
    {
      attack: 'a path of more than 4,096 bytes',
      ...torrent('T', [file(Array.from({ length: 17 }, (_, i) => `${i}`.padEnd(250, 'd')))]),
      expected: reject(F0, /path of \d+ bytes is longer than 4096/),
    },
    // ---- collisions: rejected
    {
      attack: 'two files on one path',
      ...torrent('T', [file(['a']), file(['a'])]),
      expected: reject(F1, /"T\/a" collides with info\.files\[0\]/),
    },
    {
      attack: 'a case collision (README and readme)',
      ...torrent('T', [file(['README']), file(['readme'])]),
      expected: reject(F1, /"T\/readme" collides with "T\/README"/),
    },
    {
      attack: 'a Unicode normalisation collision (NFC and NFD café)',
      ...torrent('T', [file(['caf\u00e9']), file(['cafe\u0301'])]),
      expected: reject(F1, /Unicode normalisation/),
    },
    {
      attack: 'a collision made by sanitising (a:b and a_b)',
      ...torrent('T', [file(['ab:c']), file(['ab_c'])]),
      expected: reject(F1, /"T\/ab_c" collides with info\.files\[0\]/),
    },
    {
      attack: 'a file where another needs a folder',
      ...torrent('T', [file(['x']), file(['x', 'y'])]),
      expected: reject(F1, /needs folder "T\/x"/),
    },
    // ---- names unsafe on Windows or macOS: neutralised, with a warning
    named(
      'an NTFS alternate data stream (Zone.Identifier)',
      'evil.exe:Zone.Identifier',
      lands(['T/evil.exe_Zone.Identifier'], /NTFS alternate data stream/),
    ),
    named(
      'an NTFS stream on a short name',
      'ab:stream',
      lands(['T/ab_stream'], /NTFS alternate data stream/),
    ),
    named(
      'characters Windows forbids',
      'a?b*c<d>e|f"g',
      lands(['T/a_b_c_d_e_f_g'], /characters Windows forbids/),
    ),
    named('CON', 'CON', lands(['T/CON_'], /Windows device name/)),
    named('CONIN$', 'CONIN$', lands(['T/CONIN$_'], /Windows device name/)),
    named('CONOUT$ with an extension', 'conout$.txt', lands(['T/conout$_.txt'], /device/)),
    named('COM¹', 'COM\u00b9', lands(['T/COM\u00b9_'], /Windows device name/)),
    named('COM³ with an extension', 'com\u00b3.log', lands(['T/com\u00b3_.log'], /device/)),
    named('LPT²', 'LPT\u00b2', lands(['T/LPT\u00b2_'], /Windows device name/)),
    named('NUL before a spaced extension', 'nul .txt', lands(['T/nul _.txt'], /device/)),
    named('trailing dots and spaces', 'name. .', lands(['T/name'], /trailing dots or spaces/)),
    named('control characters', 'bell\x07', lands(['T/bell_'], /control characters/)),
    {
      attack: 'a device name as the torrent name',
      ...torrent('AUX', [file(['a'])]),
      expected: lands(['AUX_/a'], /info\.name: "AUX" became "AUX_"/),
    },
    {
      attack: 'a single-file torrent named like an NTFS stream',
      ...torrent('movie.mkv:hidden', [file([])], { single: true }),
      expected: lands(['movie.mkv_hidden'], /NTFS alternate data stream/),
    },
    {
      attack: 'a torrent named "..foo" (a legal name that merely starts with two dots)',
      ...torrent('..foo', [file(['..bar'])]),
      expected: lands(['..foo/..bar']),
      onDisk: { absent: [] },
    },
    named(
      'a right-to-left override (kept: not unsafe to a file system)',
      '\u202etxt.exe',
      lands(['T/\u202etxt.exe']),
    ),
    // ---- BEP 47 attributes
    {
      attack: 'BEP 47 pad files, two of them on one path',
      ...torrent('T', [
        { path: ['a'], data: bytes('abc') },
        { path: ['.pad', '13'], data: zeros(13), attr: 'p' },
        { path: ['b'], data: bytes('0123456789abcdef') },
        { path: ['.pad', '13'], data: zeros(13), attr: 'p' },
        { path: ['c'], data: bytes('end') },
      ]),
      expected: lands(['T/a', 'T/.pad/13', 'T/b', 'T/.pad/13', 'T/c']),
      onDisk: { absent: ['T/.pad/13', 'T/.pad'] },
    },
    {
      attack: 'a BEP 47 symlink out of the save folder',
      ...torrent('T', [
        file(['a']),
        { path: ['link'], data: zeros(0), attr: 'l', symlinkPath: ['..', '..', 'etc', 'passwd'] },
      ]),
      expected: lands(
        ['T/a', 'T/link'],
        /BEP 47 symlink to "\.\.\/\.\.\/etc\/passwd" lands as an empty file/,
      ),
      onDisk: { absent: [] },
    },
    {
      attack: 'a BEP 47 symlink that claims data',
      ...torrent('T', [{ path: ['link'], data: bytes('x'), attr: 'l', symlinkPath: ['a'] }]),
      expected: reject('info.files[0].attr', /symlink must hold no data/),
    },
    {
      attack: 'BEP 47 executable and hidden attributes (no mode bits set)',
      ...torrent('T', [
        { path: ['run.sh'], data: bytes('#!/bin/sh\nrm -rf ~\n'), attr: 'x' },
        { path: ['secret'], data: bytes('hidden'), attr: 'hx' },
      ]),
      expected: lands(['T/run.sh', 'T/secret']),
      onDisk: { absent: [] },
    },
  ];
}
