import { describe, expect, it } from 'vitest';
import { encode } from '../bencode';
import {
  METADATA_PIECE_BYTES,
  METADATA_SERVE_BURST_PIECES,
  METADATA_SERVE_MAX_REJECTS,
  METADATA_SERVE_PIECES_PER_SEC,
} from '../limits';
import { ManualClock } from '../time/clock';
import { LOCAL_EXTENSION_IDS } from '../wire/extension-ids';
import { MetadataServer, metadataHandshakeFields } from './metadata-server';
import type { MetadataPeer } from './metadata-server';
import { decodeUtMetadata, encodeUtMetadata } from './ut-metadata-codec';

const OURS = LOCAL_EXTENSION_IDS.ut_metadata;
const THEIRS = 9;

/** A connection that records what is sent and how it is closed. */
function peer(m: Record<string, number> = { ut_metadata: THEIRS }) {
  const sent: { extId: number; payload: Uint8Array }[] = [];
  const closed: string[] = [];
  const conn: MetadataPeer = {
    peerExtendedHandshake: { m },
    sendExtended: (extId, payload) => {
      sent.push({ extId, payload });
      return true;
    },
    close: (reason, err) => void closed.push(`${reason}: ${err?.message ?? ''}`),
  };
  return { conn, sent, closed };
}

const info = new Uint8Array(2 * METADATA_PIECE_BYTES + 100).map((_, i) => i & 0xff);
const request = (piece: number) => encodeUtMetadata({ type: 'request', piece });

describe('MetadataServer (BEP 9)', () => {
  it('advertises ut_metadata and the size in the extended handshake', () => {
    expect(metadataHandshakeFields(info)).toEqual({
      m: { ut_metadata: OURS },
      metadata_size: info.length,
    });
  });

  it('answers a request with the piece, on the id the peer chose; the last one short', () => {
    const server = new MetadataServer(info, new ManualClock());
    const p = peer();
    server.onExtended(p.conn, 'k', OURS, request(2));
    expect(p.sent).toHaveLength(1);
    expect(p.sent[0]?.extId).toBe(THEIRS);
    const m = decodeUtMetadata(p.sent[0]!.payload);
    expect(m).toMatchObject({ type: 'data', piece: 2, totalSize: info.length });
    expect(m.type === 'data' && [...m.data]).toEqual([...info.subarray(2 * METADATA_PIECE_BYTES)]);
  });

  it('ignores messages on other ids, and data or rejects sent to us', () => {
    const server = new MetadataServer(info, new ManualClock());
    const p = peer();
    server.onExtended(p.conn, 'k', OURS + 1, request(0));
    server.onExtended(p.conn, 'k', OURS, encodeUtMetadata({ type: 'reject', piece: 0 }));
    server.onExtended(p.conn, 'k', OURS, encode({ msg_type: 9, piece: 0 }));
    expect(p.sent).toEqual([]);
    expect(p.closed).toEqual([]);
  });

  it('closes a peer asking for a piece out of range, or sending garbage', () => {
    const server = new MetadataServer(info, new ManualClock());
    const p = peer();
    server.onExtended(p.conn, 'k', OURS, request(3));
    expect(p.closed).toEqual(['protocol-error: ut_metadata request for piece 3 of 3']);
    const q = peer();
    server.onExtended(q.conn, 'q', OURS, new TextEncoder().encode('garbage'));
    expect(q.closed[0]).toMatch(/^protocol-error: ut_metadata: no bencoded header/);
  });

  it('rate-limits each peer: a burst, then rejects, refilled over time; a flood is closed', () => {
    const clock = new ManualClock();
    const server = new MetadataServer(info, clock);
    const p = peer();
    const other = peer();
    for (let i = 0; i < METADATA_SERVE_BURST_PIECES; i++)
      server.onExtended(p.conn, 'k', OURS, request(0));
    server.onExtended(p.conn, 'k', OURS, request(1));
    expect(decodeUtMetadata(p.sent.at(-1)!.payload)).toEqual({ type: 'reject', piece: 1 });
    // Another peer has its own allowance.
    server.onExtended(other.conn, 'o', OURS, request(1));
    expect(decodeUtMetadata(other.sent[0]!.payload).type).toBe('data');
    clock.advance(1000);
    for (let i = 0; i < METADATA_SERVE_PIECES_PER_SEC; i++)
      server.onExtended(p.conn, 'k', OURS, request(0));
    expect(
      p.sent
        .slice(-METADATA_SERVE_PIECES_PER_SEC)
        .every((s) => decodeUtMetadata(s.payload).type === 'data'),
    ).toBe(true);
    for (let i = 0; i < METADATA_SERVE_MAX_REJECTS + 1 && p.closed.length === 0; i++) {
      server.onExtended(p.conn, 'k', OURS, request(0));
    }
    expect(p.closed[0]).toMatch(/^protocol-error: ut_metadata request flood/);
    expect(other.closed).toEqual([]);
  });

  it('sends nothing to a peer that did not announce ut_metadata', () => {
    const server = new MetadataServer(info, new ManualClock());
    const p = peer({});
    server.onExtended(p.conn, 'k', OURS, request(0));
    expect(p.sent).toEqual([]);
  });
});
