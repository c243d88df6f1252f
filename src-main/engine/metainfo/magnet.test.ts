import { describe, expect, it } from 'vitest';
import { MetainfoError } from './errors';
import { parseMagnet, toMagnet } from './magnet';
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
    });
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
      'magnet.xt: only a v2 (btmh) hash; v2 is not supported',
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
