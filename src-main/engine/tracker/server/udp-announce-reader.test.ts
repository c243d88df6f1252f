/**
 * The UDP front's fast path reader (issue 20) must accept exactly the announces the full decoder
 * accepts (bar a claimed `ip`, left to the decoder), with the same values.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeUdpRequest, encodeUdpAnnounceRequest } from '../codec/udp-packets';
import { ConnectionIds } from './connection-ids';
import {
  newUdpAnnounceFields,
  readUdpAnnounce,
  UDP_ANNOUNCE_INFO_HASH_AT,
  UDP_ANNOUNCE_PEER_ID_AT,
} from './udp-announce-reader';

function announcePacket(): Uint8Array {
  return encodeUdpAnnounceRequest({
    connectionId: new Uint8Array(8).fill(9),
    transactionId: 0xdeadbeef,
    request: {
      infoHash: new Uint8Array(20).fill(1),
      peerId: new Uint8Array(20).fill(2),
      port: 6881,
      uploaded: 5,
      downloaded: 6,
      left: 7,
      event: 'started',
      numwant: 50,
      compact: true,
      noPeerId: true,
      key: 'abcd',
      trackerId: null,
      ip: null,
    },
  });
}

/** Byte positions whose value decides validity (action, counts, event, ip, numwant, port). */
const FIELD_BYTES = [8, 11, 56, 64, 72, 80, 83, 84, 87, 92, 95, 96, 97];

describe('readUdpAnnounce', () => {
  it('reads a valid announce with the values the decoder gives', () => {
    const f = newUdpAnnounceFields();
    const p = announcePacket();
    expect(readUdpAnnounce(p, f)).toBe(true);
    expect(f).toEqual({
      transactionId: 0xdeadbeef,
      downloaded: 6,
      left: 7,
      uploaded: 5,
      event: 'started',
      numwant: 50,
      port: 6881,
    });
    expect(p[UDP_ANNOUNCE_INFO_HASH_AT]).toBe(1);
    expect(p[UDP_ANNOUNCE_PEER_ID_AT]).toBe(2);
  });

  it('leaves a claimed ip, a short packet and other actions to the decoder', () => {
    const f = newUdpAnnounceFields();
    const ip = announcePacket();
    ip[87] = 1;
    expect(readUdpAnnounce(ip, f)).toBe(false);
    expect(readUdpAnnounce(announcePacket().subarray(0, 97), f)).toBe(false);
    const scrape = announcePacket();
    scrape[11] = 2;
    expect(readUdpAnnounce(scrape, f)).toBe(false);
  });

  it('accepts only what decodeUdpRequest decodes, with the same fields (random mutations)', () => {
    const f = newUdpAnnounceFields();
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            at: fc.constantFrom(...FIELD_BYTES),
            value: fc.integer({ min: 0, max: 255 }),
          }),
          { maxLength: 4 },
        ),
        fc.integer({ min: 90, max: 120 }),
        (edits, length) => {
          const base = announcePacket();
          const p = new Uint8Array(length);
          p.set(base.subarray(0, Math.min(length, base.length)));
          for (const e of edits) if (e.at < length) p[e.at] = e.value;
          const decoded = ((): ReturnType<typeof decodeUdpRequest> | null => {
            try {
              return decodeUdpRequest(p);
            } catch {
              return null;
            }
          })();
          const fast = readUdpAnnounce(p, f);
          if (!fast) {
            // Refused by the fast path: either the decoder refuses too, or it needs the ip string.
            if (decoded?.action === 'announce') expect(decoded.request.ip).not.toBeNull();
            return;
          }
          expect(decoded?.action).toBe('announce');
          if (decoded?.action !== 'announce') return;
          const r = decoded.request;
          expect(f).toEqual({
            transactionId: decoded.transactionId,
            downloaded: r.downloaded,
            left: r.left,
            uploaded: r.uploaded,
            event: r.event,
            numwant: r.numwant,
            port: r.port,
          });
          expect(r.ip).toBeNull();
        },
      ),
      { numRuns: 2000, seed: 20 },
    );
  });
});

describe('ConnectionIds.verifyAt', () => {
  it('checks the id in place inside a packet, as verify does on its own bytes', () => {
    const c = new ConnectionIds(new Uint8Array(32).fill(7), 60_000, 120_000);
    const id = c.issue('10.0.0.1', 6881, 1000);
    const packet = new Uint8Array(24);
    packet.set(id, 5);
    expect(c.verifyAt(packet, 5, '10.0.0.1', 6881, 1000)).toBe(true);
    expect(c.verifyAt(packet, 5, '10.0.0.1', 6882, 1000)).toBe(false);
    expect(c.verifyAt(packet, 4, '10.0.0.1', 6881, 1000)).toBe(false);
    packet[12] = (packet[12] as number) ^ 1;
    expect(c.verifyAt(packet, 5, '10.0.0.1', 6881, 1000)).toBe(false);
  });
});
