import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LSD_MAX_INFOHASHES_PER_MESSAGE, LSD_MAX_MESSAGE_BYTES } from '../limits';
import { decodeLsdAnnounce, encodeLsdAnnounce, LsdMessageError } from './lsd-message';

const H1 = 'aa'.repeat(20);
const H2 = '0123456789abcdef0123456789abcdef01234567';
const text = (s: string): Uint8Array => new TextEncoder().encode(s);

function expectBad(buf: Uint8Array, message: RegExp): void {
  expect(() => decodeLsdAnnounce(buf)).toThrow(LsdMessageError);
  expect(() => decodeLsdAnnounce(buf)).toThrow(message);
}

describe('LSD messages (BEP 14)', () => {
  it('writes the BEP 14 form and reads it back', () => {
    const buf = encodeLsdAnnounce({
      host: '239.192.152.143:6771',
      port: 6881,
      infoHashes: [H1, H2],
      cookie: 'c00k1e',
    });
    expect(Buffer.from(buf).toString('latin1')).toBe(
      'BT-SEARCH * HTTP/1.1\r\nHost: 239.192.152.143:6771\r\nPort: 6881\r\n' +
        `Infohash: ${H1}\r\nInfohash: ${H2}\r\ncookie: c00k1e\r\n\r\n\r\n`,
    );
    expect(decodeLsdAnnounce(buf)).toEqual({
      host: '239.192.152.143:6771',
      port: 6881,
      infoHashes: [H1, H2],
      cookie: 'c00k1e',
    });
  });

  it('reads what other clients send: any header case, bare newlines, upper-case hex, no cookie', () => {
    const got = decodeLsdAnnounce(
      text(
        `BT-SEARCH * HTTP/1.1\nHOST: x\nport:51413\ninfohash: ${H2.toUpperCase()}\nX-Other: 1\n\n`,
      ),
    );
    expect(got).toEqual({ host: 'x', port: 51413, infoHashes: [H2], cookie: null });
  });

  it('refuses hostile messages', () => {
    const ok = `Host: h\r\nPort: 6881\r\nInfohash: ${H1}\r\n`;
    expectBad(text(`GET / HTTP/1.1\r\n${ok}`), /not a BT-SEARCH/);
    expectBad(text('\x00\xff garbage'), /not a BT-SEARCH/);
    expectBad(
      text(`BT-SEARCH * HTTP/1.1\r\nPort: 6881\r\nInfohash: ${H1.slice(2)}\r\n`),
      /Infohash/,
    );
    expectBad(text(`BT-SEARCH * HTTP/1.1\r\nPort: 6881\r\nInfohash: ${H1}00\r\n`), /Infohash/);
    expectBad(
      text(`BT-SEARCH * HTTP/1.1\r\nPort: 6881\r\nInfohash: ${'zz'.repeat(20)}\r\n`),
      /Infohash/,
    );
    expectBad(text(`BT-SEARCH * HTTP/1.1\r\nPort: 0\r\nInfohash: ${H1}\r\n`), /bad Port/);
    expectBad(text(`BT-SEARCH * HTTP/1.1\r\nPort: 70000\r\nInfohash: ${H1}\r\n`), /bad Port/);
    expectBad(text(`BT-SEARCH * HTTP/1.1\r\nPort: -1\r\nInfohash: ${H1}\r\n`), /bad Port/);
    expectBad(text(`BT-SEARCH * HTTP/1.1\r\nInfohash: ${H1}\r\n`), /no Port/);
    expectBad(text(`BT-SEARCH * HTTP/1.1\r\nPort: 1\r\n`), /no Infohash/);
    expectBad(text(`BT-SEARCH * HTTP/1.1\r\nnonsense\r\n`), /without a name/);
    const many = Array.from(
      { length: LSD_MAX_INFOHASHES_PER_MESSAGE + 1 },
      (_, i) => `Infohash: ${i.toString(16).padStart(40, '0')}\r\n`,
    ).join('');
    expectBad(text(`BT-SEARCH * HTTP/1.1\r\nPort: 1\r\n${many}`), /more than/);
    expectBad(text(`BT-SEARCH * HTTP/1.1\r\n${'X: y\r\n'.repeat(40)}`), /header lines/);
    expectBad(new Uint8Array(LSD_MAX_MESSAGE_BYTES + 1), /exceeds/);
  });

  it('random bytes raise nothing but LsdMessageError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        try {
          decodeLsdAnnounce(bytes);
        } catch (err) {
          if (!(err instanceof LsdMessageError)) throw err;
        }
      }),
      { numRuns: 300 },
    );
  });
});
