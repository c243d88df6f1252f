/**
 * Issue 16 item 5: names unsafe on Windows or macOS are neutralised (with a warning saying why)
 * or rejected (with a MetainfoError naming the field), at parse time, the same on every OS.
 */
import { describe, expect, it } from 'vitest';
import { METAINFO_MAX_COMPONENT_BYTES, METAINFO_MAX_PATH_BYTES } from '../limits';
import { MetainfoError } from './errors';
import { parseTorrent } from './parse';
import { sanitizePathComponent } from './sanitize-path';
import { buildTorrent } from './test-fixtures';

const te = new TextEncoder();

describe('sanitizePathComponent neutralises names unsafe on Windows', () => {
  const table: [input: string, output: string, reason: string][] = [
    ['evil.exe:Zone.Identifier', 'evil.exe_Zone.Identifier', 'NTFS alternate data stream'],
    ['ab:stream', 'ab_stream', 'NTFS alternate data stream'],
    ['file::$DATA', 'file__$DATA', 'NTFS alternate data stream'],
    ['what?.txt', 'what_.txt', 'characters Windows forbids'],
    ['star*', 'star_', 'characters Windows forbids'],
    ['<tag>', '_tag_', 'characters Windows forbids'],
    ['a|b', 'a_b', 'characters Windows forbids'],
    ['"quoted"', '_quoted_', 'characters Windows forbids'],
    ['CONIN$', 'CONIN$_', 'a Windows device name'],
    ['conout$.log', 'conout$_.log', 'a Windows device name'],
    ['COM\u00b9', 'COM\u00b9_', 'a Windows device name'],
    ['com\u00b2.txt', 'com\u00b2_.txt', 'a Windows device name'],
    ['COM\u00b3', 'COM\u00b3_', 'a Windows device name'],
    ['LPT\u00b9', 'LPT\u00b9_', 'a Windows device name'],
    ['lpt\u00b2.bin', 'lpt\u00b2_.bin', 'a Windows device name'],
    ['LPT\u00b3 .x', 'LPT\u00b3 _.x', 'a Windows device name'],
    ['aux', 'aux_', 'a Windows device name'],
    ['name.', 'name', 'trailing dots or spaces'],
    ['tab\there', 'tab_here', 'control characters'],
  ];
  for (const [input, output, reason] of table) {
    it(`turns ${JSON.stringify(input)} into ${JSON.stringify(output)} (${reason})`, () => {
      const warnings: string[] = [];
      expect(sanitizePathComponent(input, 'info.files[0].path', warnings)).toBe(output);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain('info.files[0].path');
      expect(warnings[0]).toContain(reason);
    });
  }

  const untouched = ['COM4x', 'COM\u2074', 'console', 'CONINX', 'dollar$', 'café', 'ＣＯＮ'];
  for (const input of untouched) {
    it(`keeps ${JSON.stringify(input)} without a warning`, () => {
      const warnings: string[] = [];
      expect(sanitizePathComponent(input, 'f', warnings)).toBe(input);
      expect(warnings).toEqual([]);
    });
  }

  it('rejects a component over 255 UTF-8 bytes instead of failing at the first write', () => {
    const ok = 'é'.repeat(METAINFO_MAX_COMPONENT_BYTES >> 1); // 254 bytes
    expect(sanitizePathComponent(ok, 'f')).toBe(ok);
    for (const long of ['a'.repeat(256), 'é'.repeat(128), '名'.repeat(86)]) {
      expect(() => sanitizePathComponent(long, 'info.files[2].path')).toThrow(
        /^info\.files\[2\]\.path: component of \d+ bytes is longer than 255$/,
      );
    }
  });
});

/** A multi-file torrent with one byte per file at these paths. */
function multi(paths: string[][], name = 'T'): Uint8Array {
  return buildTorrent({
    name,
    pieceLength: 16,
    files: paths.map((p) => ({ path: p, data: te.encode('x') })),
  }).torrentFile;
}

function rejection(torrentFile: Uint8Array): MetainfoError {
  try {
    parseTorrent(torrentFile);
  } catch (err) {
    expect(err).toBeInstanceOf(MetainfoError);
    return err as MetainfoError;
  }
  throw new Error('parseTorrent accepted the torrent');
}

describe('parseTorrent rejects paths that collide or are too long on some OS', () => {
  const nfc = 'caf\u00e9';
  const nfd = 'cafe\u0301';
  const table: [what: string, paths: string[][], field: string, problem: RegExp][] = [
    [
      'a case collision',
      [['README'], ['readme']],
      'info.files[1].path',
      /"T\/readme" collides with "T\/README"/,
    ],
    [
      'an NFC/NFD collision',
      [[nfc], [nfd]],
      'info.files[1].path',
      /collides with .*Unicode normalisation/,
    ],
    [
      'a case collision of folders',
      [
        ['Docs', 'a'],
        ['docs', 'b'],
      ],
      'info.files[1].path',
      /folder "T\/docs" collides with "T\/Docs"/,
    ],
    [
      'an NFD folder next to an NFC file',
      [[nfc], [nfd, 'x']],
      'info.files[1].path',
      /needs folder/,
    ],
    [
      'a collision made by sanitising',
      [['xy:b'], ['xy_b']],
      'info.files[1].path',
      /"T\/xy_b" collides with info\.files\[0\]/,
    ],
    [
      'a path over 4,096 bytes',
      [Array.from({ length: 20 }, () => 'd'.repeat(250))],
      'info.files[0].path',
      /path of \d+ bytes is longer than 4096/,
    ],
  ];
  for (const [what, paths, field, problem] of table) {
    it(`rejects ${what}`, () => {
      const err = rejection(multi(paths));
      expect(err.field).toBe(field);
      expect(err.message).toMatch(problem);
    });
  }

  it('accepts a path of exactly the limit', () => {
    const dirs = Array.from({ length: 16 }, () => 'd'.repeat(250)); // 16*251 = 4016 with slashes
    const last = 'f'.repeat(METAINFO_MAX_PATH_BYTES - 2 - 16 * 251); // "T/" + dirs + file
    const meta = parseTorrent(multi([[...dirs, last]]));
    expect(meta.files[0]!.path.join('/').length).toBe(METAINFO_MAX_PATH_BYTES);
  });

  it('lists every neutralised name in pathWarnings', () => {
    const meta = parseTorrent(multi([['evil.exe:Zone.Identifier'], ['ok'], ['COM\u00b9']], 'aux'));
    expect(meta.name).toBe('aux_');
    expect(meta.files.map((f) => f.path.join('/'))).toEqual([
      'aux_/evil.exe_Zone.Identifier',
      'aux_/ok',
      'aux_/COM\u00b9_',
    ]);
    expect(meta.pathWarnings).toEqual([
      'info.name: "aux" became "aux_" (a Windows device name)',
      'info.files[0].path: "evil.exe:Zone.Identifier" became "evil.exe_Zone.Identifier" (an NTFS alternate data stream)',
      'info.files[2].path: "COM¹" became "COM¹_" (a Windows device name)',
    ]);
  });
});
