/**
 * Serving our metadata (BEP 9) to peers that ask for it: every torrent we have the info dict of,
 * whether we download or only seed, answers `ut_metadata` requests with data, and a peer over
 * its rate with reject.
 *
 * Invariants:
 * - A peer gets METADATA_SERVE_BURST_PIECES pieces at once, then METADATA_SERVE_PIECES_PER_SEC;
 *   requests past that are rejected, and a peer rejected more than METADATA_SERVE_MAX_REJECTS
 *   times is closed as a flood.
 * - A request for a piece out of range, or a message that is not BEP 9, closes the peer.
 * - Data and reject messages sent to us (we have the metadata) are ignored.
 */
import {
  METADATA_PIECE_BYTES,
  METADATA_SERVE_BURST_PIECES,
  METADATA_SERVE_MAX_REJECTS,
  METADATA_SERVE_PIECES_PER_SEC,
} from '../limits';
import type { Clock } from '../time/clock';
import { ProtocolError } from '../wire/protocol-error';
import type { PeerConnection } from '../peer/peer-connection';
import { LOCAL_EXTENSION_IDS } from '../wire/extension-ids';
import { decodeUtMetadata, encodeUtMetadata } from './ut-metadata-codec';
import { pieceBytes, pieceCountOf } from './metadata-assembler';

/** What serving needs of a connection. */
export type MetadataPeer = Pick<PeerConnection, 'sendExtended' | 'peerExtendedHandshake' | 'close'>;

interface Allowance {
  tokens: number;
  at: number;
  rejects: number;
}

/** The BEP 10 handshake fields that advertise our metadata. */
export function metadataHandshakeFields(info: Uint8Array): {
  m: Record<string, number>;
  metadata_size: number;
} {
  return { m: { ut_metadata: LOCAL_EXTENSION_IDS.ut_metadata }, metadata_size: info.length };
}

export class MetadataServer {
  private readonly allowances = new Map<string, Allowance>();

  constructor(
    private readonly info: Uint8Array,
    private readonly clock: Clock,
  ) {}

  /** An extension message from `conn`; ours if it came on our ut_metadata id. */
  onExtended(conn: MetadataPeer, key: string, extId: number, payload: Uint8Array): void {
    if (extId !== LOCAL_EXTENSION_IDS.ut_metadata) return;
    try {
      this.handle(conn, key, payload);
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err;
      conn.close('protocol-error', err);
    }
  }

  forget(key: string): void {
    this.allowances.delete(key);
  }

  private handle(conn: MetadataPeer, key: string, payload: Uint8Array): void {
    const m = decodeUtMetadata(payload);
    if (m.type !== 'request') return;
    const count = pieceCountOf(this.info.length);
    if (m.piece >= count) {
      throw new ProtocolError(
        'unexpected-message',
        'serve-ut-metadata',
        `ut_metadata request for piece ${m.piece} of ${count}`,
      );
    }
    const theirId = conn.peerExtendedHandshake?.m['ut_metadata'];
    // BEP 10: a peer that did not announce ut_metadata cannot receive it.
    if (theirId === undefined || theirId === 0) return;
    const a = this.allowance(key);
    if (a.tokens < 1) {
      a.rejects++;
      if (a.rejects > METADATA_SERVE_MAX_REJECTS) {
        throw new ProtocolError(
          'unexpected-message',
          'serve-ut-metadata',
          `ut_metadata request flood: ${a.rejects} requests over the rate`,
        );
      }
      conn.sendExtended(theirId, encodeUtMetadata({ type: 'reject', piece: m.piece }));
      return;
    }
    a.tokens--;
    const begin = m.piece * METADATA_PIECE_BYTES;
    const data = this.info.subarray(begin, begin + pieceBytes(this.info.length, m.piece));
    conn.sendExtended(
      theirId,
      encodeUtMetadata({ type: 'data', piece: m.piece, totalSize: this.info.length, data }),
    );
  }

  private allowance(key: string): Allowance {
    const now = this.clock.now();
    let a = this.allowances.get(key);
    if (!a) {
      a = { tokens: METADATA_SERVE_BURST_PIECES, at: now, rejects: 0 };
      this.allowances.set(key, a);
      return a;
    }
    const refill = ((now - a.at) / 1000) * METADATA_SERVE_PIECES_PER_SEC;
    a.tokens = Math.min(METADATA_SERVE_BURST_PIECES, a.tokens + refill);
    a.at = now;
    return a;
  }
}
