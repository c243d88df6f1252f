/**
 * Property tests of metainfo parsing and magnet links (issue 16, fuzzing): any input raises only
 * MetainfoError, and whatever parses has paths that are safe and distinct on every OS.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encode } from '../bencode';
import type { Encodable } from '../bencode';
import { METAINFO_MAX_COMPONENT_BYTES, METAINFO_MAX_PATH_BYTES } from '../limits';
import {
  anyBytes,
  bytesOf,
  checkBytes,
  expectOnlyTyped,
  mutated,
  textOf,
} from '../../testing/fuzz';
import { MetainfoError } from './errors';
import { parseMagnet } from './magnet';
import { parseTorrent } from './parse';
import { sanitizePathComponent, utf8Bytes } from './sanitize-path';
import type { Metainfo } from './types';

/** Path components an attacker would try, mixed with arbitrary text. */
const hostileComponent = fc.oneof(
  fc.constantFrom(
    '..',
    '.',
    '',
    'CON',
    'con.txt',
    'CONIN$',
    'conout$',
    'COM\u00b9',
    'LPT\u00b3.log',
    'aux ',
    'a:b',
    'evil.exe:Zone.Identifier',
    'C:',
    'x/y',
    'x\\y',
    'a\0b',
    'name.',
    'README',
    'readme',
    'caf\u00e9',
    'cafe\u0301',
    '?*<>|"',
    '\u202etxt.exe',
    'é'.repeat(130),
  ),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
);

/** Structurally valid torrents whose names and paths are hostile. */
const hostileTorrent = fc
  .record({
    name: hostileComponent,
    single: fc.boolean(),
    files: fc.array(
      fc.record({
        path: fc.array(hostileComponent, { minLength: 0, maxLength: 4 }),
        length: fc.integer({ min: 0, max: 40 }),
      }),
      { minLength: 1, maxLength: 5 },
    ),
    pieceLength: fc.integer({ min: 1, max: 64 }),
    attr: fc.option(fc.constantFrom('l', 'p', 'x', 'h', 'px', ''), { nil: undefined }),
  })
  .map(({ name, single, files, pieceLength, attr }) => {
    const total = single ? files[0]!.length : files.reduce((n, f) => n + f.length, 0);
    const info: Record<string, Encodable> = {
      name,
      'piece length': pieceLength,
      pieces: new Uint8Array(Math.ceil(total / pieceLength) * 20),
    };
    if (single) info['length'] = total;
    else {
      info['files'] = files.map((f) => ({
        length: f.length,
        path: f.path,
        ...(attr !== undefined ? { attr } : {}),
      }));
    }
    return encode({ announce: 'http://127.0.0.1/announce', info });
  });

/** The invariants of sanitize-path.ts and parse.ts, checked on a parsed torrent. */
function expectSafePaths(meta: Metainfo): void {
  const folded = new Set<string>();
  for (const f of meta.files) {
    const joined = f.path.join('/');
    expect(utf8Bytes(joined)).toBeLessThanOrEqual(METAINFO_MAX_PATH_BYTES);
    for (const c of f.path) {
      expect(c.length).toBeGreaterThan(0);
      expect(c === '.' || c === '..').toBe(false);
      // eslint-disable-next-line no-control-regex
      expect(c).not.toMatch(/[\x00-\x1f\x7f/\\<>:"|?*]/);
      expect(c).not.toMatch(/[. ]$/);
      expect(c.split('.')[0]!.trimEnd()).not.toMatch(
        /^(con|prn|aux|nul|conin\$|conout\$|com[1-9¹²³]|lpt[1-9¹²³])$/i,
      );
      expect(utf8Bytes(c)).toBeLessThanOrEqual(METAINFO_MAX_COMPONENT_BYTES);
    }
    const key = joined.normalize('NFC').toLowerCase();
    expect(folded.has(key)).toBe(false);
    folded.add(key);
  }
}

describe('metainfo properties', () => {
  it('parsing any bytes raises only MetainfoError', () => {
    checkBytes('metainfo-parse', fc.oneof(anyBytes(), mutated(hostileTorrent)), (input) => {
      expectOnlyTyped(() => parseTorrent(input), [MetainfoError], input);
    });
  });

  it('a torrent with hostile names is rejected with MetainfoError or lands on safe, distinct paths', () => {
    checkBytes('metainfo-paths', hostileTorrent, (input) => {
      let meta: Metainfo;
      try {
        meta = parseTorrent(input);
      } catch (err) {
        expect(err).toBeInstanceOf(MetainfoError);
        return;
      }
      expectSafePaths(meta);
    });
  });

  it('sanitising is idempotent: a sanitised name passes again unchanged and without a warning', () => {
    checkBytes('metainfo-sanitize-idempotent', hostileComponent.map(bytesOf), (input) => {
      let once: string;
      try {
        once = sanitizePathComponent(textOf(input), 'f');
      } catch (err) {
        expect(err).toBeInstanceOf(MetainfoError);
        return;
      }
      const warnings: string[] = [];
      expect(sanitizePathComponent(once, 'f', warnings)).toBe(once);
      expect(warnings).toEqual([]);
    });
  });

  it('parsing any magnet link raises only MetainfoError', () => {
    const param = fc.tuple(
      fc.constantFrom('xt', 'dn', 'tr', 'x.pe', 'xt.1', 'ws', 'XT', ''),
      fc.oneof(
        fc.string({ maxLength: 60 }),
        fc.constantFrom('urn:btih:', 'urn:btmh:', '%', '%zz', '%C0%80', '[::1]:0', 'h:65536'),
        fc
          .string({
            unit: fc.constantFrom(...'0123456789abcdefABCDEF'),
            minLength: 40,
            maxLength: 40,
          })
          .map((h) => `urn:btih:${h}`),
      ),
    );
    const magnet = fc
      .tuple(
        fc.constantFrom('magnet:?', 'MAGNET:?', 'magnet:', ''),
        fc.array(param, { maxLength: 6 }),
      )
      .map(([head, ps]) => bytesOf(head + ps.map(([k, v]) => `${k}=${v}`).join('&')));
    checkBytes('magnet-parse', fc.oneof(magnet, anyBytes(256)), (input) => {
      expectOnlyTyped(() => parseMagnet(textOf(input)), [MetainfoError], input);
    });
  });
});
