import { describe, expect, it } from 'vitest';
import { decodeExtendedHandshake } from '../wire/extension-handshake';
import { reservedFlags } from '../wire/handshake';
import {
  ipv4Bytes,
  mergeExtendedHandshake,
  negotiate,
  ourExtendedHandshake,
} from './peer-handshake';

const HASH = new Uint8Array(20).fill(1);
const US = new Uint8Array(20).fill(2);
const THEM = new Uint8Array(20).fill(3);
const ours = { infoHash: HASH, peerId: US, extensions: { fast: true, extended: false } };

describe('handshake rules', () => {
  it('refuses another torrent and ourselves', () => {
    const reserved = reservedFlags({ fast: true, extended: true });
    expect(negotiate({ infoHash: new Uint8Array(20), peerId: THEM, reserved }, ours)).toBe(
      'info-hash-mismatch',
    );
    expect(negotiate({ infoHash: HASH, peerId: US, reserved }, ours)).toBe('self-connection');
  });

  it('turns on only the extensions both sides offer', () => {
    const reserved = reservedFlags({ fast: true, extended: true });
    expect(negotiate({ infoHash: HASH, peerId: THEM, reserved }, ours)).toEqual({
      fast: true,
      extended: false,
      dht: false,
    });
  });

  it('sends yourip for IPv4 (also v4-mapped) and our reqq', () => {
    expect([...(ipv4Bytes('::ffff:10.1.2.3') ?? [])]).toEqual([10, 1, 2, 3]);
    expect(ipv4Bytes('::1')).toBeUndefined();
    const h = decodeExtendedHandshake(
      ourExtendedHandshake({ p: 6881 }, 'Swarmscope', 77, '127.0.0.1'),
    );
    expect(h).toMatchObject({ v: 'Swarmscope', reqq: 77, p: 6881 });
    expect([...(h.yourip ?? [])]).toEqual([127, 0, 0, 1]);
  });

  // --- IPv6 (issue 18) ---
  it('sends a 16-byte yourip to a peer reached over IPv6', () => {
    const h = decodeExtendedHandshake(ourExtendedHandshake({}, 'Swarmscope', 77, '2001:db8::2'));
    expect([...(h.yourip ?? [])]).toEqual([0x20, 0x01, 0x0d, 0xb8, ...new Array(11).fill(0), 2]);
  });

  it('a later BEP 10 handshake updates the earlier one and merges m', () => {
    const first = decodeExtendedHandshake(
      ourExtendedHandshake({ m: { ut_pex: 1 } }, 'A', 10, undefined),
    );
    const second = decodeExtendedHandshake(
      ourExtendedHandshake({ m: { ut_metadata: 2 } }, 'B', 20, undefined),
    );
    const merged = mergeExtendedHandshake(first, second);
    expect({ ...merged.m }).toEqual({ ut_pex: 1, ut_metadata: 2 });
    expect(merged.v).toBe('B');
  });
});
