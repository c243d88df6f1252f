import { describe, expect, it } from 'vitest';
import { originSender } from './origin-sender';
import type { PeerState } from './torrent-context';

/** The fields originSender reads; the rest of a PeerState does not matter to it. */
function fakePeer(): {
  peer: PeerState;
  conn: { remotePeerId: Uint8Array | null; clientName: string };
} {
  const conn = {
    remotePeerId: new Uint8Array(20).fill(0xab) as Uint8Array | null,
    clientName: 'A',
  };
  const peer = { conn, address: '10.0.0.1', port: 6881 } as unknown as PeerState;
  return { peer, conn };
}

describe('originSender (issue 20: one object per peer, not per block)', () => {
  it('returns the same object while the peer is unchanged', () => {
    const { peer } = fakePeer();
    const first = originSender(peer);
    expect(originSender(peer)).toBe(first);
    expect(first).toEqual({
      address: '10.0.0.1',
      port: 6881,
      peerIdHex: 'ab'.repeat(20),
      client: 'A',
    });
  });

  it('makes a new one when the client name or the peer id changes', () => {
    const { peer, conn } = fakePeer();
    const first = originSender(peer);
    conn.clientName = 'B';
    const renamed = originSender(peer);
    expect(renamed).not.toBe(first);
    expect(renamed.client).toBe('B');
    conn.remotePeerId = null;
    expect(originSender(peer).peerIdHex).toBe('');
  });

  it('keeps peers apart', () => {
    expect(originSender(fakePeer().peer)).not.toBe(originSender(fakePeer().peer));
  });
});
