/**
 * Property tests of the tracker codecs (issue 16, fuzzing): HTTP announce and scrape queries and
 * responses, compact peers and UDP packets raise only TrackerProtocolError on any input.
 * Only the public functions are used: the codecs themselves are owned elsewhere.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { encode } from '../../bencode';
import {
  anyBytes,
  bytesOf,
  checkBytes,
  expectOnlyTyped,
  mutated,
  textOf,
} from '../../../testing/fuzz';
import {
  TrackerProtocolError,
  buildAnnounceUrl,
  decodeAnnounceResponse,
  decodeCompactPeers4,
  decodeCompactPeers6,
  decodeScrapeResponse,
  decodeUdpRequest,
  decodeUdpResponse,
  encodeUdpAnnounceRequest,
  encodeUdpConnectRequest,
  encodeUdpScrapeRequest,
  parseAnnounceQuery,
  parseScrapeQuery,
  percentDecodeBytes,
} from './index';

const id20 = fc.uint8Array({ minLength: 20, maxLength: 20 });
const count = fc.integer({ min: -1, max: 2 ** 40 });

/** Announce queries as a client builds them, with awkward values. */
const queries = fc
  .record({
    infoHash: id20,
    peerId: id20,
    port: fc.integer({ min: -1, max: 70_000 }),
    uploaded: count,
    downloaded: count,
    left: count,
    event: fc.constantFrom('none', 'started', 'stopped', 'completed'),
    numwant: fc.option(fc.integer({ min: -5, max: 100_000 })),
    key: fc.option(fc.string({ maxLength: 20 })),
    trackerId: fc.option(fc.string({ maxLength: 20 })),
    compact: fc.option(fc.boolean()),
    noPeerId: fc.boolean(),
    ip: fc.option(fc.string({ maxLength: 40 })),
  })
  .map((p) =>
    bytesOf(
      buildAnnounceUrl('http://t/a', p as Parameters<typeof buildAnnounceUrl>[1]).split('?')[1]!,
    ),
  );

const anyQuery = fc.oneof(
  queries,
  mutated(queries),
  fc.string({ maxLength: 200 }).map(bytesOf),
  fc
    .array(
      fc.tuple(
        fc.constantFrom('info_hash', 'peer_id', 'port', 'left', 'event', 'ip', 'x'),
        fc.string({ maxLength: 30 }),
      ),
      { maxLength: 8 },
    )
    .map((ps) => bytesOf(ps.map(([k, v]) => `${k}=${v}`).join('&'))),
);

/** HTTP tracker responses, compact and not, with fields of every type. */
const responses = fc
  .record(
    {
      interval: fc.oneof(fc.integer({ min: -10, max: 1e6 }), fc.uint8Array({ maxLength: 4 })),
      'min interval': fc.integer({ min: -10, max: 1e6 }),
      complete: fc.integer({ min: -10, max: 1e6 }),
      incomplete: fc.integer({ min: -10, max: 1e6 }),
      peers: fc.oneof(
        fc.uint8Array({ maxLength: 60 }),
        fc.array(
          fc.record({
            ip: fc.string({ maxLength: 40 }),
            port: fc.integer({ min: -1, max: 70_000 }),
          }),
          { maxLength: 4 },
        ),
      ),
      peers6: fc.uint8Array({ maxLength: 54 }),
      'failure reason': fc.string({ maxLength: 20 }),
      files: fc.dictionary(
        fc.string({ minLength: 0, maxLength: 20 }),
        fc.record({ complete: fc.integer(), incomplete: fc.integer(), downloaded: fc.integer() }),
        { maxKeys: 3, noNullPrototype: true },
      ),
    },
    { requiredKeys: [] },
  )
  .map((d) => encode(d));

const udpRequests = fc.oneof(
  fc.integer({ min: 0, max: 2 ** 32 - 1 }).map((t) => encodeUdpConnectRequest(t)),
  fc
    .record({
      connectionId: fc.uint8Array({ minLength: 8, maxLength: 8 }),
      transactionId: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
      request: fc.record({
        infoHash: id20,
        peerId: id20,
        downloaded: fc.integer({ min: 0, max: 2 ** 40 }),
        left: fc.integer({ min: 0, max: 2 ** 40 }),
        uploaded: fc.integer({ min: 0, max: 2 ** 40 }),
        event: fc.constantFrom('none', 'started', 'stopped', 'completed'),
        key: fc.option(fc.integer({ min: 0, max: 2 ** 32 - 1 }).map((k) => k.toString(16))),
        numwant: fc.option(fc.integer({ min: 0, max: 1000 })),
        port: fc.integer({ min: 0, max: 65535 }),
        compact: fc.constant(true),
        noPeerId: fc.constant(false),
        trackerId: fc.constant(null),
        ip: fc.constant(null),
      }),
    })
    .map((f) => encodeUdpAnnounceRequest(f as Parameters<typeof encodeUdpAnnounceRequest>[0])),
  fc
    .record({
      connectionId: fc.uint8Array({ minLength: 8, maxLength: 8 }),
      transactionId: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
      infoHashes: fc.array(id20, { minLength: 1, maxLength: 5 }),
    })
    .map((f) => encodeUdpScrapeRequest(f)),
);

const only = [TrackerProtocolError];

describe('tracker codec properties', () => {
  it('announce and scrape queries raise only TrackerProtocolError', () => {
    checkBytes('tracker-query', anyQuery, (bytes) => {
      const q = textOf(bytes);
      expectOnlyTyped(() => parseAnnounceQuery(q), only, bytes);
      expectOnlyTyped(() => parseScrapeQuery(q, 74), only, bytes);
      expectOnlyTyped(() => percentDecodeBytes(q), only, bytes);
    });
  });

  it('HTTP announce and scrape responses raise only TrackerProtocolError', () => {
    checkBytes(
      'tracker-http-response',
      fc.oneof(anyBytes(), responses, mutated(responses)),
      (bytes) => {
        expectOnlyTyped(() => decodeAnnounceResponse(bytes), only, bytes);
        expectOnlyTyped(() => decodeScrapeResponse(bytes), only, bytes);
      },
    );
  });

  it('compact peer lists raise only TrackerProtocolError', () => {
    checkBytes('tracker-compact-peers', anyBytes(200), (bytes) => {
      expectOnlyTyped(() => decodeCompactPeers4(bytes), only, bytes);
      expectOnlyTyped(() => decodeCompactPeers6(bytes), only, bytes);
    });
  });

  it('UDP requests and responses raise only TrackerProtocolError', () => {
    const input = fc.oneof(anyBytes(1500), udpRequests, mutated(udpRequests));
    checkBytes('tracker-udp', input, (bytes) => {
      expectOnlyTyped(() => decodeUdpRequest(bytes), only, bytes);
      expectOnlyTyped(() => decodeUdpResponse(bytes, 4), only, bytes);
      expectOnlyTyped(() => decodeUdpResponse(bytes, 6), only, bytes);
    });
  });
});
