import { describe, expect, it } from 'vitest';
import { MetainfoError } from './errors';
import { magnetPeerAddress, parseMagnet, toMagnet } from './magnet';
import type { ParsedMagnet } from './magnet';
import { parseTorrent } from './parse';
import { buildTorrent } from './test-fixtures';

const HEX = 'c12fe1c06bba254a9dc9f519b335aa7c1367a88a';
// The same 20 bytes in RFC 4648 base32.
const B32 = Buffer.from(HEX, 'hex');

function toBase32(bytes: Uint8Array): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const b of bytes) bits += b.toString(2).padStart(8, '0');
  let out = '';
  for (let i = 0; i < bits.length; i += 5) out += alphabet[parseInt(bits.slice(i, i + 5), 2)];
  return out;
}

describe('toMagnet', () => {
  it('writes xt, dn, tr per tracker and ws per web seed, percent-encoded', () => {
    const { torrentFile } = buildTorrent({
      name: 'my file & more.txt',
      pieceLength: 4,
      single: true,
      files: [{ path: [], data: new TextEncoder().encode('data') }],
      top: {
        announce: 'http://a/ann?x=1&y=2',
        'announce-list': [['http://a/ann?x=1&y=2'], ['udp://b:80']],
        'url-list': ['http://seed/f'],
      },
    });
    const meta = parseTorrent(torrentFile);
    const uri = toMagnet(meta);
    expect(uri).toBe(
      `magnet:?xt=urn:btih:${meta.infoHashHex}&dn=my%20file%20%26%20more.txt` +
        '&tr=http%3A%2F%2Fa%2Fann%3Fx%3D1%26y%3D2&tr=udp%3A%2F%2Fb%3A80&ws=http%3A%2F%2Fseed%2Ff',
    );
    const back = parseMagnet(uri);
    expect(back).toEqual({
      infoHashHex: meta.infoHashHex,
      name: 'my file & more.txt',
      trackers: ['http://a/ann?x=1&y=2', 'udp://b:80'],
      peers: [],
      webSeeds: ['http://seed/f'],
      selectOnly: null,
    });
  });
});

describe('parseMagnet', () => {
  it('reads hex and base32 info-hashes alike', () => {
    expect(parseMagnet(`magnet:?xt=urn:btih:${HEX.toUpperCase()}`).infoHashHex).toBe(HEX);
    const b32 = toBase32(B32);
    expect(b32).toHaveLength(32);
    expect(parseMagnet(`magnet:?xt=urn:btih:${b32}`).infoHashHex).toBe(HEX);
    expect(parseMagnet(`magnet:?xt=urn:btih:${b32.toLowerCase()}`).infoHashHex).toBe(HEX);
  });

  it('reads names with + as space, indexed keys, peers, and skips repeats and unknown keys', () => {
    const m = parseMagnet(
      `MAGNET:?dn=A+b%2Bc&xt=urn:btih:${HEX}&tr.1=udp%3A%2F%2Ft%3A1&tr.2=udp%3A%2F%2Ft%3A1` +
        '&x.pe=127.0.0.1:6881&x.pe=[::1]:51413&so=0-3&kt=x&&tr=http://u',
    );
    expect(m).toEqual({
      infoHashHex: HEX,
      name: 'A b+c',
      trackers: ['udp://t:1', 'http://u'],
      peers: ['127.0.0.1:6881', '[::1]:51413'],
      webSeeds: [],
      selectOnly: [0, 1, 2, 3],
    });
  });

  const good: [input: string, expected: Partial<ParsedMagnet>][] = [
    [`magnet:?xt=urn:btih:${HEX}`, { name: null, trackers: [], peers: [], selectOnly: null }],
    [
      `magnet:?xt=urn:btih:${HEX}&dn=Ubuntu%2024.04&tr=udp://t:1&tr=http://h/a&tr=udp://t:1`,
      { name: 'Ubuntu 24.04', trackers: ['udp://t:1', 'http://h/a'] },
    ],
    [
      `magnet:?xt=urn:btih:${HEX}&x.pe=10.0.0.1:1&x.pe=[2001:db8::1]:6881&x.pe=peer.example:9`,
      { peers: ['10.0.0.1:1', '[2001:db8::1]:6881', 'peer.example:9'] },
    ],
    [
      `magnet:?xt=urn:btih:${HEX}&ws=https://w/f&ws=http://v/g`,
      { webSeeds: ['https://w/f', 'http://v/g'] },
    ],
    [`magnet:?xt=urn:btih:${HEX}&so=4,0,2-3&so=7`, { selectOnly: [0, 2, 3, 4, 7] }],
    [`magnet:?xt=urn:sha1:ABC&xt=urn:btih:${HEX}`, { infoHashHex: HEX }],
  ];
  for (const [input, expected] of good) {
    it(`reads ${input.slice(61, 120) || 'a bare btih'}`, () => {
      expect(parseMagnet(input)).toMatchObject({ infoHashHex: HEX, ...expected });
    });
  }

  it('turns x.pe values into addresses to dial', () => {
    expect(magnetPeerAddress('[2001:db8::1]:6881')).toEqual({ address: '2001:db8::1', port: 6881 });
    expect(magnetPeerAddress('127.0.0.1:80')).toEqual({ address: '127.0.0.1', port: 80 });
  });

  it('uses the btih of a hybrid magnet that also has btmh', () => {
    const m = parseMagnet(`magnet:?xt=urn:btmh:1220${'ab'.repeat(32)}&xt=urn:btih:${HEX}`);
    expect(m.infoHashHex).toBe(HEX);
  });

  const bad: [input: string, message: string][] = [
    ['http://example.com', 'magnet: must start with "magnet:?"'],
    ['magnet:?dn=x', 'magnet.xt: missing urn:btih info-hash'],
    [
      `magnet:?xt=urn:btmh:1220${'ab'.repeat(32)}`,
      'magnet.xt: v2-only (urn:btmh) magnet links are not supported yet',
    ],
    ['magnet:?xt=urn:btih:1234', 'magnet.xt: "1234" is neither 40 hex nor 32 base32 characters'],
    [
      `magnet:?xt=urn:btih:${'1'.repeat(32)}`,
      `magnet.xt: "${'1'.repeat(32)}" is neither 40 hex nor 32 base32 characters`,
    ],
    [
      `magnet:?xt=urn:btih:${'g'.repeat(40)}`,
      `magnet.xt: "${'g'.repeat(40)}" is neither 40 hex nor 32 base32 characters`,
    ],
    [`magnet:?xt=urn:btih:${HEX}&dn=%E0%A4%A`, 'magnet.dn: bad percent-encoding'],
    [`magnet:?xt=urn:btih:${HEX}&x.pe=nohost`, 'magnet.x.pe: "nohost" is not host:port'],
    [`magnet:?xt=urn:btih:${HEX}&x.pe=h:99999`, 'magnet.x.pe: "h:99999" is not host:port'],
    [`magnet:?xt=urn:btih:${HEX}&tr=${'x'.repeat(70_000)}`, 'magnet: longer than 65536 characters'],
    [`magnet:?xt=urn:btih:${HEX}&tr=not%20a%20url`, 'magnet.tr: "not a url" is not a tracker URL'],
    [`magnet:?xt=urn:btih:${HEX}&ws=ftp://x/y`, 'magnet.ws: "ftp://x/y" is not an http(s) URL'],
    [`magnet:?xt=urn:btih:${HEX}&so=1,x`, 'magnet.so: "x" is not a file index or a range a-b'],
    [`magnet:?xt=urn:btih:${HEX}&so=5-2`, 'magnet.so: "5-2" is not a file index or a range a-b'],
    [`magnet:?xt=urn:btih:${HEX}&so=0-9999999`, 'magnet.so: selects more than 100000 files'],
    [`magnet:?xt=urn:btih:${HEX}&x.pe=[::1]`, 'magnet.x.pe: "[::1]" is not host:port'],
    [`magnet:?xt=urn:btih:${HEX}&x.pe=h:0`, 'magnet.x.pe: "h:0" is not host:port'],
    [
      `magnet:?xt=urn:btih:${HEX}${Array.from({ length: 513 }, (_, i) => `&x.pe=h:${i + 1}`).join('')}`,
      'magnet.x.pe: more than 512 entries',
    ],
  ];
  for (const [input, message] of bad) {
    it(`rejects ${input.slice(0, 60)}`, () => {
      let caught: unknown;
      try {
        parseMagnet(input);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(MetainfoError);
      expect((caught as Error).message).toBe(message);
    });
  }
});
