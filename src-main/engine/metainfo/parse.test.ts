import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encode } from '../bencode';
import type { Encodable } from '../bencode';
import { MetainfoError } from './errors';
import { parseTorrent } from './parse';
import { buildTorrent, straddlingTorrent, tinyTorrent } from './test-fixtures';

const te = new TextEncoder();
const sha1Hex = (b: Uint8Array): string => createHash('sha1').update(b).digest('hex');

function parseError(torrentFile: Uint8Array): MetainfoError {
  try {
    parseTorrent(torrentFile);
  } catch (err) {
    expect(err).toBeInstanceOf(MetainfoError);
    return err as MetainfoError;
  }
  throw new Error('parseTorrent accepted the torrent');
}

const goodInfo = (): Record<string, Encodable> => ({
  name: 'x',
  'piece length': 5,
  length: 13,
  pieces: new Uint8Array(60),
});

describe('parseTorrent', () => {
  it('parses the 13-byte single-file torrent with piece length 5', () => {
    const { torrentFile } = tinyTorrent();
    const meta = parseTorrent(torrentFile);
    expect(meta.name).toBe('tiny.txt');
    expect(meta.singleFile).toBe(true);
    expect(meta.totalLength).toBe(13);
    expect(meta.pieceLength).toBe(5);
    expect(meta.pieceCount).toBe(3);
    expect(meta.pieceHashes.length).toBe(60);
    expect(meta.files).toEqual([{ path: ['tiny.txt'], length: 13, offset: 0 }]);
    expect(meta.announce).toBe('http://127.0.0.1:6969/announce');
    expect(meta.announceList).toEqual([['http://127.0.0.1:6969/announce']]);
    expect(meta.private).toBe(false);
    expect(meta.comment).toBeNull();
    expect(meta.urlList).toEqual([]);
    expect(meta.infoHashHex).toBe(sha1Hex(meta.infoBytes));
    expect(Buffer.from(meta.infoHash).toString('hex')).toBe(meta.infoHashHex);
    expect(meta.torrentFile).toEqual(torrentFile);
    expect(meta.torrentFile).not.toBe(torrentFile);
  });

  it('parses multi-file torrents whose files straddle pieces, with an empty file', () => {
    const meta = parseTorrent(straddlingTorrent().torrentFile);
    expect(meta.singleFile).toBe(false);
    expect(meta.totalLength).toBe(20);
    expect(meta.pieceCount).toBe(3);
    expect(meta.files).toEqual([
      { path: ['straddle', 'a.txt'], length: 3, offset: 0 },
      { path: ['straddle', 'empty'], length: 0, offset: 3 },
      { path: ['straddle', 'sub', 'ünïcødé ✓.bin'], length: 10, offset: 3 },
      { path: ['straddle', 'sub', 'one'], length: 1, offset: 13 },
      { path: ['straddle', 'z'], length: 6, offset: 14 },
    ]);
  });

  it('hashes the exact info bytes, even when info is not canonically encoded', () => {
    // Unsorted info keys, written by hand: a re-encoding would sort them and change the hash.
    const info = 'd4:name1:x6:lengthi13e12:piece lengthi5e6:pieces60:' + 'a'.repeat(60) + 'e';
    const file = te.encode(`d4:info${info}e`);
    const meta = parseTorrent(file);
    expect(meta.infoHashHex).toBe(sha1Hex(te.encode(info)));
    expect(meta.infoHashHex).not.toBe(sha1Hex(encode(meta.info)));
  });

  it('prefers name.utf-8 and path.utf-8', () => {
    const { torrentFile } = buildTorrent({
      name: 'latin',
      pieceLength: 4,
      files: [{ path: ['old'], data: te.encode('data') }],
      info: { 'name.utf-8': 'nämé' },
    });
    expect(parseTorrent(torrentFile).name).toBe('nämé');
    const withPath = buildTorrent({
      name: 'n',
      pieceLength: 4,
      files: [{ path: ['old'], data: te.encode('data') }],
    });
    const meta = parseTorrent(withPath.torrentFile);
    const info = meta.info;
    const files = info['files'] as Record<string, Encodable>[];
    files[0]!['path.utf-8'] = [te.encode('nëw')];
    const again = parseTorrent(encode({ info }));
    expect(again.files[0]!.path).toEqual(['n', 'nëw']);
  });

  it('reads announce-list tiers, dropping empties and repeats, else falls back to announce', () => {
    const top = {
      announce: 'http://a/announce',
      'announce-list': [['http://a/announce', 'udp://b:1'], [], ['udp://b:1'], ['http://c', 5]],
      comment: 'hi',
      'created by': 'mktorrent 1.1',
      'creation date': 1_700_000_000,
      'url-list': 'http://seed/',
    };
    const meta = parseTorrent(encode({ ...top, info: goodInfo() }));
    expect(meta.announceList).toEqual([['http://a/announce', 'udp://b:1'], ['http://c']]);
    expect(meta.comment).toBe('hi');
    expect(meta.createdBy).toBe('mktorrent 1.1');
    expect(meta.creationDate).toBe(1_700_000_000);
    expect(meta.urlList).toEqual(['http://seed/']);
    const bare = parseTorrent(encode({ info: goodInfo(), 'url-list': ['http://1/', 'http://2/'] }));
    expect(bare.announce).toBeNull();
    expect(bare.announceList).toEqual([]);
    expect(bare.urlList).toEqual(['http://1/', 'http://2/']);
    const emptyList = parseTorrent(
      encode({ announce: 'http://t', 'announce-list': [], info: goodInfo() }),
    );
    expect(emptyList.announceList).toEqual([['http://t']]);
  });

  it('reads private (BEP 27) and ignores optional fields of the wrong type', () => {
    const meta = parseTorrent(
      encode({
        announce: 7,
        comment: ['x'],
        'creation date': 'yesterday',
        info: { ...goodInfo(), private: 1 },
      }),
    );
    expect(meta.private).toBe(true);
    expect(meta.announce).toBeNull();
    expect(meta.comment).toBeNull();
    expect(meta.creationDate).toBeNull();
  });

  const bad: [name: string, build: () => Uint8Array, message: string][] = [
    [
      'malformed bencode',
      () => te.encode('d4:infod'),
      'bencode: unterminated dictionary at offset 7',
    ],
    ['no info', () => encode({ announce: 'x' }), 'bencode: a torrent file must have an info value'],
    ['info not a dict', () => encode({ info: 3 }), 'info: must be a dictionary'],
    ['no name', () => encode({ info: { ...goodInfo(), name: null } }), 'info.name: missing'],
    [
      'name ..',
      () => encode({ info: { ...goodInfo(), name: '..' } }),
      'info.name: component ".." is not allowed',
    ],
    [
      'no piece length',
      () => encode({ info: { ...goodInfo(), 'piece length': null } }),
      'info.piece length: missing',
    ],
    [
      'piece length 0',
      () => encode({ info: { ...goodInfo(), 'piece length': 0 } }),
      'info.piece length: 0 is out of range 1..134217728',
    ],
    [
      'piece length huge',
      () => encode({ info: { ...goodInfo(), 'piece length': 2 ** 28 } }),
      'info.piece length: 268435456 is out of range 1..134217728',
    ],
    [
      'piece length a string',
      () => encode({ info: { ...goodInfo(), 'piece length': '5' } }),
      'info.piece length: must be an integer',
    ],
    [
      'pieces not a multiple of 20',
      () => encode({ info: { ...goodInfo(), pieces: new Uint8Array(59) } }),
      'info.pieces: length 59 is not a multiple of 20',
    ],
    [
      'too few pieces',
      () => encode({ info: { ...goodInfo(), pieces: new Uint8Array(40) } }),
      'info.pieces: 2 hashes for 3 pieces',
    ],
    [
      'too many pieces',
      () => encode({ info: { ...goodInfo(), pieces: new Uint8Array(80) } }),
      'info.pieces: 4 hashes for 3 pieces',
    ],
    ['no pieces', () => encode({ info: { ...goodInfo(), pieces: null } }), 'info.pieces: missing'],
    [
      'negative length',
      () => encode({ info: { ...goodInfo(), length: -1 } }),
      'info.length: -1 is out of range 0..9007199254740991',
    ],
    [
      'zero length',
      () => encode({ info: { ...goodInfo(), length: 0, pieces: new Uint8Array(0) } }),
      'info: the torrent holds no data',
    ],
    [
      'both length and files',
      () => encode({ info: { ...goodInfo(), files: [] } }),
      'info: has both "length" and "files"',
    ],
    [
      'v2-only',
      () => encode({ info: { ...goodInfo(), length: null, 'file tree': {} } }),
      'info: has neither "length" nor "files" (v2-only torrents are not supported)',
    ],
    [
      'empty files',
      () => encode({ info: { ...goodInfo(), length: null, files: [] } }),
      'info.files: is empty',
    ],
    [
      'files not a list',
      () => encode({ info: { ...goodInfo(), length: null, files: 'x' } }),
      'info.files: must be a list',
    ],
    [
      'file not a dict',
      () => encode({ info: { ...goodInfo(), length: null, files: [5] } }),
      'info.files[0]: must be a dictionary',
    ],
    [
      'traversal in a path',
      () =>
        encode({
          info: {
            ...goodInfo(),
            length: null,
            files: [
              { length: 10, path: ['a'] },
              { length: 1, path: ['b'] },
              { length: 1, path: ['c'] },
              { length: 1, path: ['ok', '..', 'x'] },
            ],
          },
        }),
      'info.files[3].path: component ".." is not allowed',
    ],
    [
      'path not a list',
      () => encode({ info: { ...goodInfo(), length: null, files: [{ length: 13, path: 'a' }] } }),
      'info.files[0].path: must be a list of strings',
    ],
    [
      'path component not a string',
      () => encode({ info: { ...goodInfo(), length: null, files: [{ length: 13, path: [1] }] } }),
      'info.files[0].path[0]: must be a string',
    ],
    [
      'empty path',
      () => encode({ info: { ...goodInfo(), length: null, files: [{ length: 13, path: [] }] } }),
      'info.files[0].path: path is empty',
    ],
    [
      'missing file length',
      () => encode({ info: { ...goodInfo(), length: null, files: [{ path: ['a'] }] } }),
      'info.files[0].length: missing',
    ],
    [
      'duplicate paths',
      () =>
        encode({
          info: {
            ...goodInfo(),
            length: null,
            files: [
              { length: 6, path: ['a'] },
              { length: 7, path: ['a'] },
            ],
          },
        }),
      'info.files[1].path: "x/a" collides with info.files[0]',
    ],
    [
      'paths equal after sanitising',
      () =>
        encode({
          info: {
            ...goodInfo(),
            length: null,
            files: [
              { length: 6, path: ['a.'] },
              { length: 7, path: ['a'] },
            ],
          },
        }),
      'info.files[1].path: "x/a" collides with info.files[0]',
    ],
    [
      'a file where a folder is needed',
      () =>
        encode({
          info: {
            ...goodInfo(),
            length: null,
            files: [
              { length: 6, path: ['a'] },
              { length: 7, path: ['a', 'b'] },
            ],
          },
        }),
      'info.files[1].path: needs folder "x/a" where info.files[0] is a file',
    ],
    [
      'a folder where a file is',
      () =>
        encode({
          info: {
            ...goodInfo(),
            length: null,
            files: [
              { length: 6, path: ['a', 'b'] },
              { length: 7, path: ['a'] },
            ],
          },
        }),
      'info.files[1].path: "x/a" collides with info.files[0]',
    ],
  ];
  for (const [name, build, message] of bad) {
    it(`rejects ${name} naming the field`, () => {
      const err = parseError(build());
      expect(err.message).toBe(message);
      expect(message.startsWith(`${err.field}: `)).toBe(true);
    });
  }
});
