/**
 * The receive half of one peer connection: the exhaustive switch over the peer's messages once
 * the handshake is done, with the BEP 3, BEP 6 (Fast Extension) and BEP 10 (Extension Protocol)
 * rules for each. It updates the connection's peer-side state (the peer's choke and interest
 * flags, its extended handshake and client name, its unrequested blocks), feeds the parts the
 * connection owns (our requests, the peer's requests, the peer's pieces), answers what must be
 * answered at once (BEP 6 rejects) and emits one typed event per fact. The connection keeps the
 * lifecycle, the sending API and the bytes.
 *
 * Invariants:
 * - A peer's fault throws ProtocolError; the connection closes the peer with 'protocol-error'.
 * - A repeated choke, unchoke, interested or not-interested changes nothing and emits nothing.
 * - A block is emitted only for a request we made (in flight, or late); past
 *   MAX_UNREQUESTED_BLOCKS others the peer is at fault.
 * - The peer's allowed-fast pieces are in range, distinct and at most MAX_ALLOWED_FAST_PIECES.
 * - Nothing here allocates per block beyond the emitted event itself (20,000 blocks a second).
 */
import type { PeerEventType } from '../../../src-shared/model';
import {
  MAX_ALLOWED_FAST_PIECES,
  MAX_REFUSED_REQUESTS_PER_REQQ,
  MAX_REQUEST_BYTES,
  MAX_UNREQUESTED_BLOCKS,
} from '../limits';
import type { RateMeter } from '../net/rate-meter';
import type { Clock } from '../time/clock';
import { EXTENDED_HANDSHAKE_ID, decodeExtendedHandshake } from '../wire/extension-handshake';
import type { BlockRef, Message } from '../wire/message';
import { ProtocolError } from '../wire/protocol-error';
import type { BlockLog, PeerLogEntry } from './block-log';
import type { PeerAvailability } from './peer-availability';
import type { PeerConnection } from './peer-connection';
import type { PeerConnectionEvents } from './peer-connection-options';
import { mergeExtendedHandshake } from './peer-handshake';
import type { RequestPipeline } from './request-pipeline';
import type { UploadQueue } from './upload-queue';

/** A message the peer had no right to send: its fault, so the connection closes it. */
export function unexpected(what: string): ProtocolError {
  return new ProtocolError('unexpected-message', 'handle-message', what);
}

/** The connection's peer-side state the inbox reads and updates (PeerConnection has it). */
export type InboxConnection = Pick<
  PeerConnection,
  | 'pieceCount'
  | 'metadataOnly'
  | 'amChoking'
  | 'peerChoking'
  | 'peerInterested'
  | 'supportsFast'
  | 'supportsExtended'
  | 'peerExtendedHandshake'
  | 'clientName'
  | 'unrequestedBlocks'
>;

/** What the inbox works on, all owned by the connection; built once per connection. */
export interface InboxParts {
  readonly clock: Clock;
  readonly requests: RequestPipeline;
  readonly uploads: UploadQueue;
  readonly availability: PeerAvailability;
  readonly down: RateMeter;
  /** Only when someone listens: block details are formatted only then. */
  readonly blockLog: BlockLog | null;
  /** The size of piece `index`, to refuse requests past its end; absent when unknown. */
  readonly pieceBytes: ((index: number) => number) | undefined;
  emit<K extends keyof PeerConnectionEvents>(name: K, payload: PeerConnectionEvents[K]): void;
  send(m: Message): void;
  log(dir: PeerLogEntry['dir'], type: PeerEventType, detail: string): void;
}

/** Messages about pieces: without the metadata (a magnet) there are no pieces to speak of yet. */
const AVAILABILITY_MESSAGES = new Set<Message['type']>([
  'have',
  'bitfield',
  'have-all',
  'have-none',
  'allowed-fast',
  'suggest',
]);

export class PeerInbox {
  /** BEP 6: pieces the peer lets us request while it chokes us. */
  readonly peerAllowedFast = new Set<number>();
  private readonly emitHave = (index: number): void => this.parts.emit('have', index);

  constructor(
    private readonly conn: InboxConnection,
    private readonly parts: InboxParts,
  ) {}

  /** Throws ProtocolError when the message is a fault of the peer. */
  handle(m: Message): void {
    const conn = this.conn;
    const p = this.parts;
    if (conn.metadataOnly && AVAILABILITY_MESSAGES.has(m.type)) return;
    switch (m.type) {
      case 'keep-alive':
        return;
      case 'choke': {
        if (conn.peerChoking) return;
        conn.peerChoking = true;
        p.log('in', 'choke', '');
        // BEP 6: with the Fast Extension a choke keeps requests alive until each is rejected.
        p.emit('choke', conn.supportsFast ? [] : p.requests.dropAll());
        return;
      }
      case 'unchoke':
        if (!conn.peerChoking) return;
        conn.peerChoking = false;
        p.log('in', 'unchoke', '');
        p.emit('unchoke', undefined);
        return;
      case 'interested':
        if (conn.peerInterested) return;
        conn.peerInterested = true;
        p.log('in', 'interested', '');
        p.emit('interested', undefined);
        return;
      case 'not-interested':
        if (!conn.peerInterested) return;
        conn.peerInterested = false;
        p.log('in', 'not-interested', '');
        p.emit('not-interested', undefined);
        return;
      case 'have':
        p.log('in', 'have', String(m.index));
        if (p.availability.have(m.index)) p.emit('have', m.index);
        return;
      case 'bitfield':
        if (p.availability.isOpen) {
          const added = p.availability.mergeLate(m.bits, this.emitHave);
          p.log('in', 'bitfield', `late bitfield: +${added} pieces`);
          return;
        }
        p.availability.openWithBitfield(m.bits);
        p.log('in', 'bitfield', `${p.availability.bitfield.count()}/${conn.pieceCount}`);
        p.emit('bitfield', p.availability.bitfield);
        return;
      case 'have-all':
        this.requireFast('have-all');
        if (p.availability.isOpen) {
          p.availability.mergeLate(null, this.emitHave);
          p.log('in', 'bitfield', 'late have-all');
          return;
        }
        p.availability.openWithAll();
        p.log('in', 'bitfield', 'have-all');
        p.emit('have-all', undefined);
        return;
      case 'have-none':
        this.requireFast('have-none');
        p.availability.openWithNone();
        p.log('in', 'bitfield', 'have-none');
        p.emit('have-none', undefined);
        return;
      case 'request':
        this.onRequest({ index: m.index, begin: m.begin, length: m.length });
        return;
      case 'cancel': {
        const ref = { index: m.index, begin: m.begin, length: m.length };
        p.log('in', 'cancel', `${m.index}:${m.begin}+${m.length}`);
        if (!p.uploads.take(ref)) return;
        // BEP 6: every request gets exactly one answer, even a cancelled one.
        if (conn.supportsFast) p.send({ type: 'reject', ...ref });
        p.emit('cancel', ref);
        return;
      }
      case 'piece':
        this.onBlock(m.index, m.begin, m.block);
        return;
      case 'reject': {
        this.requireFast('reject');
        p.log('in', 'reject', `${m.index}:${m.begin}+${m.length}`);
        if (p.requests.onReject(m.index, m.begin, m.length)) {
          p.emit('reject', { index: m.index, begin: m.begin, length: m.length });
        }
        return;
      }
      case 'allowed-fast':
        this.requireFast('allowed-fast');
        p.log('in', 'allowed-fast', String(m.index));
        if (m.index >= conn.pieceCount || this.peerAllowedFast.has(m.index)) return;
        if (this.peerAllowedFast.size >= MAX_ALLOWED_FAST_PIECES) return;
        this.peerAllowedFast.add(m.index);
        p.emit('allowed-fast', m.index);
        return;
      case 'suggest':
        this.requireFast('suggest');
        if (m.index >= conn.pieceCount) return;
        p.emit('suggest', m.index);
        return;
      case 'port':
        p.emit('port', m.port);
        return;
      case 'extended':
        this.onExtended(m.extId, m.payload);
        return;
      default: {
        const unreachable: never = m;
        throw new TypeError(`unhandled message ${JSON.stringify(unreachable)}`);
      }
    }
  }

  private onRequest(r: BlockRef): void {
    const p = this.parts;
    p.availability.checkIndex(r.index, 'request');
    if (r.length === 0 || r.length > MAX_REQUEST_BYTES) {
      throw new ProtocolError(
        'unexpected-message',
        'handle-message',
        `request of ${r.length} bytes (limit ${MAX_REQUEST_BYTES})`,
      );
    }
    const pieceBytes = p.pieceBytes?.(r.index);
    if (pieceBytes !== undefined && r.begin + r.length > pieceBytes) {
      throw unexpected(
        `request ${r.index}:${r.begin}+${r.length} past the piece's ${pieceBytes} bytes`,
      );
    }
    const verdict = p.uploads.offer(r, this.conn.amChoking);
    if (verdict === 'queued') {
      p.blockLog?.add('in', 'request', r.index, r.length);
      p.emit('request', r);
      return;
    }
    if (verdict === 'duplicate') return;
    // BEP 3: a choked peer's requests are discarded, and so are those over our `reqq` (the
    // queue is capped, so a flood costs us nothing); BEP 6: both are rejected.
    p.log(
      'in',
      'request',
      `${r.index}:${r.begin}+${r.length} ${verdict === 'choked' ? 'while choked' : 'over the queue limit'}`,
    );
    if (this.conn.supportsFast) p.send({ type: 'reject', ...r });
    if (p.uploads.refused > MAX_REFUSED_REQUESTS_PER_REQQ * p.uploads.limit) {
      throw unexpected(`request flood: ${p.uploads.refused} requests refused`);
    }
  }

  private onBlock(index: number, begin: number, data: Uint8Array): void {
    const p = this.parts;
    p.down.add(data.length);
    const match = p.requests.onBlock(index, begin, data.length, p.clock.now());
    if (match === 'requested') {
      p.blockLog?.add('in', 'piece', index, data.length);
      p.emit('block', { index, begin, data, late: false });
      return;
    }
    if (match === 'late') {
      p.log('in', 'piece', `${index}:${begin}+${data.length} late`);
      p.emit('block', { index, begin, data, late: true });
      return;
    }
    const conn = this.conn;
    conn.unrequestedBlocks++;
    p.log('in', 'piece', `${index}:${begin}+${data.length} not requested`);
    if (conn.unrequestedBlocks > MAX_UNREQUESTED_BLOCKS) {
      throw unexpected(`${conn.unrequestedBlocks} blocks that were never requested`);
    }
  }

  private onExtended(extId: number, payload: Uint8Array): void {
    const conn = this.conn;
    const p = this.parts;
    if (!conn.supportsExtended) throw unexpected('extended message without BEP 10 negotiated');
    if (extId !== EXTENDED_HANDSHAKE_ID) {
      p.log('in', 'extended', `id ${extId}, ${payload.length} bytes`);
      p.emit('extended', { extId, payload });
      return;
    }
    const h = decodeExtendedHandshake(payload);
    conn.peerExtendedHandshake = mergeExtendedHandshake(conn.peerExtendedHandshake, h);
    if (h.reqq !== undefined) p.requests.peerReqq = Math.max(1, h.reqq);
    if (h.v) conn.clientName = h.v;
    p.log(
      'in',
      'extended-handshake',
      `${h.v ?? '?'} reqq=${h.reqq ?? '-'} m=${Object.keys(h.m).join(',')}`,
    );
    p.emit('extended-handshake', conn.peerExtendedHandshake);
  }

  private requireFast(what: string): void {
    if (!this.conn.supportsFast) throw unexpected(`${what} without the Fast Extension negotiated`);
  }
}
