import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../time/clock';
import type { Random } from '../../time/clock';
import { encode } from '../../bencode';
import type { AnnounceEvent } from './announce-request';
import {
  compactPeer,
  decodeCompactPeers4,
  decodeCompactPeers6,
  encodeCompactPeers4,
  encodeCompactPeers6,
  formatIpv6,
  ipv6ToBytes,
  normalizeAddress,
  parseIpv4,
} from './compact-peers';
import { TrackerProtocolError } from './errors';
import {
  buildAnnounceUrl,
  buildScrapeUrl,
  parseAnnounceQuery,
  splitQuery,
  parseScrapeQuery,
  percentDecodeBytes,
  percentEncodeBytes,
  scrapeUrlFor,
} from './http-query';
import {
  compactAnnounceResponse,
  decodeAnnounceResponse,
  decodeScrapeResponse,
  encodeAnnounceResponse,
  encodeFailure,
  encodeScrapeResponse,
} from './http-response';
import {
  decodeUdpRequest,
  decodeUdpResponse,
  encodeUdpAnnounceRequest,
  encodeUdpAnnounceResponse,
  encodeUdpConnectRequest,
  encodeUdpConnectResponse,
  encodeUdpErrorResponse,
  encodeUdpScrapeRequest,
  encodeUdpScrapeResponse,
} from './udp-packets';

const EVENTS: AnnounceEvent[] = ['none', 'started', 'completed', 'stopped'];

function randomV4(r: Random): { address: string; port: number } {
  return { address: [0, 0, 0, 0].map(() => r.int(256)).join('.'), port: 1 + r.int(65535) };
}

function randomV6(r: Random): { address: string; port: number } {
  const bytes = r.bytes(16);
  // Runs of zeros exercise `::` compression.
  if (r.next() < 0.5) bytes.fill(0, r.int(8), 8 + r.int(8));
  return { address: formatIpv6(bytes), port: 1 + r.int(65535) };
}

/** Random bytes, sometimes starting from a valid prefix so the decoder gets past its first checks. */
function noise(r: Random, valid: Uint8Array[]): Uint8Array {
  const len = r.int(200);
  const out = r.bytes(len);
  if (r.next() < 0.5 && valid.length > 0) {
    const v = valid[r.int(valid.length)] as Uint8Array;
    out.set(v.subarray(0, Math.min(v.length, len)));
  }
  return out;
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(TrackerProtocolError);
    return (err as TrackerProtocolError).code;
  }
  return 'no error';
}

function expectOnlyProtocolErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(TrackerProtocolError);
  }
}

describe('compact peers (BEP 23, BEP 7)', () => {
  it('round-trips random IPv4 and IPv6 lists', () => {
    const r = seededRandom(1);
    for (let i = 0; i < 200; i++) {
      const v4 = Array.from({ length: r.int(20) }, () => randomV4(r));
      const v6 = Array.from({ length: r.int(20) }, () => randomV6(r));
      expect(decodeCompactPeers4(encodeCompactPeers4(v4))).toEqual(v4);
      expect(decodeCompactPeers6(encodeCompactPeers6(v6))).toEqual(v6);
    }
  });

  it('encodes address then big-endian port', () => {
    expect([...(compactPeer('10.1.2.3', 0x1ae1)?.bytes ?? [])]).toEqual([10, 1, 2, 3, 0x1a, 0xe1]);
    expect(compactPeer('::ffff:127.0.0.1', 80)?.family).toBe(4);
    expect(compactPeer('::1', 80)?.family).toBe(6);
    expect(compactPeer('example.org', 80)).toBeNull();
  });

  it('parses and formats IPv6 per RFC 5952', () => {
    expect(formatIpv6(ipv6ToBytes('2001:0db8:0:0:0:0:2:1') as Uint8Array)).toBe('2001:db8::2:1');
    expect(formatIpv6(ipv6ToBytes('::') as Uint8Array)).toBe('::');
    expect(formatIpv6(ipv6ToBytes('1::') as Uint8Array)).toBe('1::');
    expect(formatIpv6(ipv6ToBytes('::ffff:1.2.3.4') as Uint8Array)).toBe('::ffff:102:304');
    expect(formatIpv6(ipv6ToBytes('1:0:2:3:4:5:6:7') as Uint8Array)).toBe('1:0:2:3:4:5:6:7');
    expect(ipv6ToBytes('1:2:3:4:5:6:7:8:9')).toBeNull();
    expect(ipv6ToBytes('1::2::3')).toBeNull();
    expect(ipv6ToBytes('12345::')).toBeNull();
    expect(normalizeAddress('::ffff:10.0.0.1')).toBe('10.0.0.1');
  });

  it('refuses a torn list', () => {
    expect(() => decodeCompactPeers4(new Uint8Array(7))).toThrow(TrackerProtocolError);
    expect(() => decodeCompactPeers6(new Uint8Array(17))).toThrow(TrackerProtocolError);
  });
});

describe('HTTP announce and scrape queries (BEP 3, BEP 48)', () => {
  it('percent-encodes every byte value and decodes it back', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const enc = percentEncodeBytes(all);
    expect(enc).toMatch(/^[A-Za-z0-9._~%-]+$/);
    expect([...percentDecodeBytes(enc)]).toEqual([...all]);
  });

  it('round-trips random announces through the query string', () => {
    const r = seededRandom(2);
    for (let i = 0; i < 300; i++) {
      const p = {
        infoHash: r.bytes(20),
        peerId: r.bytes(20),
        port: 1 + r.int(65535),
        uploaded: r.int(2 ** 40),
        downloaded: r.int(2 ** 40),
        left: r.int(2 ** 40),
        event: EVENTS[r.int(4)] as AnnounceEvent,
        numwant: r.next() < 0.2 ? null : r.int(500),
        compact: r.next() < 0.5,
        noPeerId: false,
        key: r.int(2 ** 32).toString(16),
        trackerId: null,
        ip: null,
      };
      const url = buildAnnounceUrl('http://t.example:6969/announce', p);
      const q = parseAnnounceQuery(url.slice(url.indexOf('?') + 1));
      expect(q).toEqual({ ...p, compact: p.compact ? true : null });
    }
  });

  it('keeps a query the announce URL already has', () => {
    const p = {
      infoHash: new Uint8Array(20),
      peerId: new Uint8Array(20),
      port: 1,
      uploaded: 0,
      downloaded: 0,
      left: 0,
      event: 'none' as const,
      numwant: null,
      compact: null,
      noPeerId: false,
      key: null,
      trackerId: null,
      ip: null,
    };
    expect(buildAnnounceUrl('http://t/announce?passkey=abc', p)).toMatch(
      /^http:\/\/t\/announce\?passkey=abc&info_hash=/,
    );
  });

  it('rejects each invalid field with a reason naming it', () => {
    const ok = `info_hash=${'%00'.repeat(20)}&peer_id=${'a'.repeat(20)}&port=6881&left=0`;
    expect(parseAnnounceQuery(ok).port).toBe(6881);
    const cases: Array<[string, RegExp]> = [
      [ok.replace('%00'.repeat(20), '%00'.repeat(19)), /info_hash: 19 bytes/],
      [ok.replace('%00'.repeat(20), '%00'.repeat(21)), /info_hash: 21 bytes/],
      [ok.replace('port=6881', 'port=0'), /invalid port/],
      [ok.replace('port=6881', 'port=70000'), /invalid port/],
      [ok.replace('&port=6881', ''), /invalid port: missing/],
      [ok.replace('left=0', 'left=-1'), /invalid left/],
      [ok + '&event=bogus', /invalid event/],
      [ok.replace('peer_id=', 'peer_ix='), /invalid peer_id: missing/],
      [ok.replace('%00', '%0g'), /bad escape/],
    ];
    for (const [q, why] of cases) expect(() => parseAnnounceQuery(q)).toThrow(why);
  });

  it('builds and parses multi-hash scrapes, and derives the scrape URL', () => {
    const hashes = [new Uint8Array(20).fill(1), new Uint8Array(20).fill(0xfe)];
    const url = buildScrapeUrl('http://t/scrape', hashes);
    expect(parseScrapeQuery(url.slice(url.indexOf('?') + 1), 10)).toEqual(hashes);
    expect(() => parseScrapeQuery(url.slice(url.indexOf('?') + 1), 1)).toThrow(/more than 1/);
    expect(scrapeUrlFor('http://t:1/announce')).toBe('http://t:1/scrape');
    expect(scrapeUrlFor('http://t/x/announce.php?k=1')).toBe('http://t/x/scrape.php?k=1');
    expect(scrapeUrlFor('http://t/a')).toBeNull();
  });

  it('reads the first occurrence of each key, encoded keys by their decoded name', () => {
    // The first value of each key, by the generic splitter: parsing only those must agree.
    const oracle = (query: string): unknown => {
      const f = new Map<string, string>();
      for (const [k, v] of splitQuery(query)) if (!f.has(k)) f.set(k, v);
      return Object.fromEntries(f);
    };
    const r = seededRandom(4);
    const hash = '%AA'.repeat(20);
    const parts = [
      `info_hash=${hash}`,
      `info_hash=${'b'.repeat(20)}`,
      `peer_id=${'-XX0001-'.padEnd(20, 'z')}`,
      'peer%5Fid=' + '%01'.repeat(20),
      'port=6881',
      'port=7000',
      'left=5',
      'uploaded=7',
      'downloaded=9',
      'event=completed',
      'numwant=3',
      'compact=0',
      'no_peer_id=1',
      'key=ab%2Bc',
      'trackerid=t+1',
      'ip=10.0.0.9',
      '',
      'junk',
      '=x',
    ];
    for (let i = 0; i < 3000; i++) {
      const q = Array.from({ length: 1 + r.int(12) }, () => parts[r.int(parts.length)]).join('&');
      let got: unknown;
      let want: unknown;
      try {
        got = parseAnnounceQuery(q);
      } catch (err) {
        got = (err as Error).message;
      }
      const f = oracle(q) as Record<string, string | undefined>;
      try {
        // Same fields in, same request out: rebuild the query from the oracle's first values.
        const rebuilt = Object.entries(f)
          .map(([k, v]) => `${encodeURIComponent(k).replace(/%5F/g, '_')}=${v ?? ''}`)
          .join('&');
        want = parseAnnounceQuery(rebuilt);
      } catch (err) {
        want = (err as Error).message;
      }
      expect(got, q).toEqual(want);
    }
  });

  it('random query strings only ever raise TrackerProtocolError', () => {
    const r = seededRandom(3);
    const alphabet = 'info_hash=peer_id&port=left%0123456789abcdefABCDEF+event=started';
    for (let i = 0; i < 2000; i++) {
      let s = '';
      for (let j = r.int(120); j > 0; j--) s += alphabet[r.int(alphabet.length)];
      expectOnlyProtocolErrors(() => parseAnnounceQuery(s));
      expectOnlyProtocolErrors(() => parseScrapeQuery(s, 5));
    }
  });
});

describe('HTTP tracker responses', () => {
  it('round-trips compact IPv4 + IPv6 announces with every optional field', () => {
    const r = seededRandom(4);
    for (let i = 0; i < 100; i++) {
      const v4 = Array.from({ length: r.int(30) }, () => randomV4(r));
      const v6 = Array.from({ length: r.int(5) }, () => randomV6(r));
      const body = encodeAnnounceResponse(
        {
          intervalSec: 1800,
          minIntervalSec: 60,
          trackerId: 'tid',
          complete: 3,
          incomplete: 4,
          downloaded: 5,
          warning: 'careful',
          peers: [...v4, ...v6],
        },
        { compact: true, noPeerId: true },
      );
      expect(decodeAnnounceResponse(body)).toEqual({
        kind: 'ok',
        intervalSec: 1800,
        minIntervalSec: 60,
        trackerId: 'tid',
        complete: 3,
        incomplete: 4,
        downloaded: 5,
        warning: 'careful',
        peers: [...v4, ...v6],
      });
    }
  });

  it('takes at most maxPeers peers, IPv4 first, from compact and dict lists', () => {
    const r = seededRandom(5);
    const v4 = Array.from({ length: 10 }, () => randomV4(r));
    const v6 = Array.from({ length: 3 }, () => randomV6(r));
    const peersOf = (compact: boolean, maxPeers: number) => {
      const body = encodeAnnounceResponse(
        { intervalSec: 10, complete: 0, incomplete: 0, peers: [...v4, ...v6] },
        { compact, noPeerId: true },
      );
      const d = decodeAnnounceResponse(body, maxPeers);
      return d.kind === 'ok' ? d.peers : null;
    };
    for (const compact of [true, false]) {
      expect(peersOf(compact, 11)).toEqual([...v4, ...v6.slice(0, 1)]);
      expect(peersOf(compact, 4)).toEqual(v4.slice(0, 4));
      expect(peersOf(compact, 0)).toEqual([]);
    }
  });

  it('round-trips dict peers, with and without peer ids', () => {
    const peers = [
      { address: '1.2.3.4', port: 5, peerId: new Uint8Array(20).fill(7) },
      { address: '::1', port: 6 },
    ];
    for (const noPeerId of [false, true]) {
      const body = encodeAnnounceResponse(
        { intervalSec: 10, complete: 0, incomplete: 2, peers },
        { compact: false, noPeerId },
      );
      const text = Buffer.from(body).toString('latin1');
      expect(text.includes('peer id')).toBe(!noPeerId);
      const d = decodeAnnounceResponse(body);
      expect(d.kind === 'ok' && d.peers).toEqual([
        { address: '1.2.3.4', port: 5 },
        { address: '::1', port: 6 },
      ]);
    }
  });

  it('surfaces failure reason', () => {
    expect(decodeAnnounceResponse(encodeFailure('not authorized'))).toEqual({
      kind: 'failure',
      reason: 'not authorized',
    });
    expect(decodeScrapeResponse(encodeFailure('no'))).toEqual({ kind: 'failure', reason: 'no' });
  });

  it('rejects a body without interval, or with wrong types', () => {
    expect(() => decodeAnnounceResponse(encode({ peers: '' }))).toThrow(/interval is missing/);
    expect(() => decodeAnnounceResponse(encode({ interval: 'x' }))).toThrow(TrackerProtocolError);
    expect(() => decodeAnnounceResponse(encode({ interval: 1, peers: 5 }))).toThrow(
      TrackerProtocolError,
    );
    expect(() => decodeAnnounceResponse(new TextEncoder().encode('<html>'))).toThrow(
      TrackerProtocolError,
    );
  });

  it('round-trips scrapes', () => {
    const files = [
      { infoHash: new Uint8Array(20).fill(0x80), complete: 1, incomplete: 2, downloaded: 3 },
      { infoHash: new Uint8Array(20).fill(0x01), complete: 0, incomplete: 0, downloaded: 9 },
    ];
    const d = decodeScrapeResponse(encodeScrapeResponse(files));
    expect(d.kind === 'ok' && [...d.files].sort((a, b) => a.infoHash[0]! - b.infoHash[0]!)).toEqual(
      [files[1], files[0]],
    );
  });

  it('random bytes only ever raise TrackerProtocolError', () => {
    const r = seededRandom(5);
    const valid = [
      encodeAnnounceResponse(
        { intervalSec: 5, complete: 1, incomplete: 1, peers: [randomV4(r)] },
        { compact: true, noPeerId: true },
      ),
      encodeScrapeResponse([{ infoHash: r.bytes(20), complete: 1, incomplete: 1, downloaded: 1 }]),
    ];
    for (let i = 0; i < 3000; i++) {
      const b = noise(r, valid);
      expectOnlyProtocolErrors(() => decodeAnnounceResponse(b));
      expectOnlyProtocolErrors(() => decodeScrapeResponse(b));
    }
  });
});

describe('UDP packets (BEP 15)', () => {
  it('lays out a connect request with the protocol magic', () => {
    expect(Buffer.from(encodeUdpConnectRequest(0xdeadbeef)).toString('hex')).toBe(
      '0000041727101980' + '00000000' + 'deadbeef',
    );
  });

  it('round-trips random requests', () => {
    const r = seededRandom(6);
    for (let i = 0; i < 300; i++) {
      const connectionId = r.bytes(8);
      const transactionId = r.int(2 ** 32);
      expect(decodeUdpRequest(encodeUdpConnectRequest(transactionId))).toEqual({
        action: 'connect',
        transactionId,
      });
      // What BEP 15 carries comes back as sent; it has no room for the HTTP-only fields.
      const request = {
        infoHash: r.bytes(20),
        peerId: r.bytes(20),
        downloaded: r.int(2 ** 50),
        left: r.int(2 ** 50),
        uploaded: r.int(2 ** 50),
        event: EVENTS[r.int(4)] as AnnounceEvent,
        key: r.int(2 ** 32).toString(16),
        numwant: r.next() < 0.3 ? null : r.int(300),
        port: 1 + r.int(65535),
        compact: true,
        noPeerId: true,
        trackerId: null,
        ip: r.next() < 0.5 ? null : `10.${r.int(256)}.${r.int(256)}.${1 + r.int(255)}`,
      };
      const d = decodeUdpRequest(
        encodeUdpAnnounceRequest({ connectionId, transactionId, request }),
      );
      expect(d).toEqual({ action: 'announce', connectionId, transactionId, request });
      const infoHashes = Array.from({ length: 1 + r.int(74) }, () => r.bytes(20));
      expect(
        decodeUdpRequest(encodeUdpScrapeRequest({ connectionId, transactionId, infoHashes })),
      ).toEqual({
        action: 'scrape',
        connectionId,
        transactionId,
        infoHashes,
      });
    }
  });

  it('round-trips random responses', () => {
    const r = seededRandom(7);
    for (let i = 0; i < 300; i++) {
      const transactionId = r.int(2 ** 32);
      const connectionId = r.bytes(8);
      expect(decodeUdpResponse(encodeUdpConnectResponse(transactionId, connectionId))).toEqual({
        action: 'connect',
        transactionId,
        connectionId,
      });
      const v4 = Array.from({ length: r.int(50) }, () => randomV4(r));
      const v6 = Array.from({ length: r.int(50) }, () => randomV6(r));
      const base = {
        transactionId,
        intervalSec: r.int(10000),
        leechers: r.int(1e6),
        seeders: r.int(1e6),
      };
      expect(
        decodeUdpResponse(
          encodeUdpAnnounceResponse({ ...base, compactPeers: encodeCompactPeers4(v4) }),
          4,
        ),
      ).toEqual({ action: 'announce', ...base, peers: v4 });
      expect(
        decodeUdpResponse(
          encodeUdpAnnounceResponse({ ...base, compactPeers: encodeCompactPeers6(v6) }),
          6,
        ),
      ).toEqual({ action: 'announce', ...base, peers: v6 });
      const files = Array.from({ length: r.int(74) }, () => ({
        seeders: r.int(1e9),
        completed: r.int(1e9),
        leechers: r.int(1e9),
      }));
      expect(decodeUdpResponse(encodeUdpScrapeResponse(transactionId, files))).toEqual({
        action: 'scrape',
        transactionId,
        files,
      });
      expect(decodeUdpResponse(encodeUdpErrorResponse(transactionId, 'nope ✓'))).toEqual({
        action: 'error',
        transactionId,
        message: 'nope ✓',
      });
    }
  });

  it('cuts an error message to fit maxBytes, never inside a character', () => {
    const message = (b: Uint8Array): string => {
      const d = decodeUdpResponse(b);
      return d.action === 'error' ? d.message : '';
    };
    expect(encodeUdpErrorResponse(1, 'connection id expired', 16)).toHaveLength(16);
    expect(message(encodeUdpErrorResponse(1, 'connection id expired', 16))).toBe('connecti');
    // 'nope ✓' is 4 + 1 + 3 bytes: 7 bytes of room keep 'nope ' whole and drop the tick.
    expect(message(encodeUdpErrorResponse(1, 'nope ✓', 15))).toBe('nope ');
    expect(message(encodeUdpErrorResponse(1, 'nope ✓', 16))).toBe('nope ✓');
    expect(encodeUdpErrorResponse(1, 'anything', 3)).toHaveLength(8);
  });

  it('rejects every wrong size and action', () => {
    const connect = encodeUdpConnectRequest(1);
    for (let n = 0; n < 16; n++)
      expect(codeOf(() => decodeUdpRequest(connect.subarray(0, n)))).toBe('truncated');
    const announce = encodeUdpAnnounceRequest({
      connectionId: new Uint8Array(8),
      transactionId: 1,
      request: {
        infoHash: new Uint8Array(20),
        peerId: new Uint8Array(20),
        downloaded: 0,
        left: 0,
        uploaded: 0,
        event: 'none',
        port: 1,
        numwant: null,
        compact: null,
        noPeerId: false,
        key: null,
        trackerId: null,
        ip: null,
      },
    });
    for (let n = 16; n < 98; n++)
      expect(() => decodeUdpRequest(announce.subarray(0, n))).toThrow(TrackerProtocolError);
    const scrape = encodeUdpScrapeRequest({
      connectionId: new Uint8Array(8),
      transactionId: 1,
      infoHashes: [new Uint8Array(20)],
    });
    for (let n = 16; n < 36; n++)
      expect(() => decodeUdpRequest(scrape.subarray(0, n))).toThrow(TrackerProtocolError);
    const badAction = Uint8Array.from(connect);
    badAction[11] = 9;
    expect(() => decodeUdpRequest(badAction)).toThrow(/action 9/);
    const badMagic = Uint8Array.from(connect);
    badMagic[0] = 1;
    expect(() => decodeUdpRequest(badMagic)).toThrow(/protocol id/);
    const negativeLeft = Uint8Array.from(announce);
    negativeLeft[64] = 0xff;
    expect(() => decodeUdpRequest(negativeLeft)).toThrow(/negative left/);
    const counts = Buffer.from(announce);
    counts.writeBigInt64BE(2n ** 40n + 5n, 56); // downloaded: exact above 32 bits
    counts.writeBigInt64BE(2n ** 62n, 64); // left: beyond 2^53, clamped
    const decoded = decodeUdpRequest(counts);
    if (decoded.action !== 'announce') throw new Error('expected an announce');
    expect(decoded.request.downloaded).toBe(2 ** 40 + 5);
    expect(decoded.request.left).toBe(Number.MAX_SAFE_INTEGER);
    const port0 = Uint8Array.from(announce);
    port0[97] = 0;
    expect(() => decodeUdpRequest(port0)).toThrow(/port/);
  });

  it('random bytes only ever raise TrackerProtocolError', () => {
    const r = seededRandom(8);
    const valid = [
      encodeUdpConnectRequest(1),
      encodeUdpConnectResponse(1, r.bytes(8)),
      encodeUdpErrorResponse(1, 'x'),
    ];
    for (let i = 0; i < 5000; i++) {
      const b = noise(r, valid);
      expectOnlyProtocolErrors(() => decodeUdpRequest(b));
      expectOnlyProtocolErrors(() => decodeUdpResponse(b, 4));
      expectOnlyProtocolErrors(() => decodeUdpResponse(b, 6));
    }
  });
});

describe('parseIpv4', () => {
  it('accepts dotted quads only', () => {
    expect(parseIpv4('1.2.3.4')).toBe(0x01020304);
    expect(parseIpv4('255.255.255.255')).toBe(0xffffffff);
    expect(parseIpv4('0.0.0.0')).toBe(0);
    for (const bad of [
      '1.2.3',
      '1.2.3.4.5',
      '01.2.3.4',
      '1.2.3.256',
      '1..3.4',
      '1.2.3.4 ',
      'a.b.c.d',
      '1.2.3.',
      '.1.2.3',
      '1234.1.1.1',
    ]) {
      expect(parseIpv4(bad)).toBe(-1);
    }
  });
});

describe('compactAnnounceResponse', () => {
  it('is byte for byte what the generic encoder makes', () => {
    const r = seededRandom(9);
    for (let i = 0; i < 200; i++) {
      const v4 = Array.from({ length: r.int(60) }, () => randomV4(r));
      const v6 = Array.from({ length: r.int(3) }, () => randomV6(r));
      const counts = {
        intervalSec: r.int(5000),
        minIntervalSec: r.int(100),
        complete: r.int(1e6),
        incomplete: r.int(1e6),
        downloaded: r.int(1e6),
      };
      const generic = encodeAnnounceResponse(
        { ...counts, peers: [...v4, ...v6] },
        { compact: true, noPeerId: true },
      );
      const fast = compactAnnounceResponse({
        ...counts,
        peers4: encodeCompactPeers4(v4),
        peers6: encodeCompactPeers6(v6),
      });
      expect(fast.equals(Buffer.from(generic))).toBe(true);
    }
  });
});
