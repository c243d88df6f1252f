import { describe, expect, it } from 'vitest';
import { BLOCK_BYTES, PIECE_ORIGIN_MAX_SLOTS } from '../limits';
import { OVERFLOW_ADDRESS, PieceOrigins, majoritySlot } from './piece-origins';
import type { OriginSender } from './piece-origins';

const PIECE = 4 * BLOCK_BYTES;
const peer = (n: number, port = 6881 + n): OriginSender => ({
  address: `10.0.0.${n}`,
  port,
  peerIdHex: n.toString(16).padStart(40, '0'),
  client: `client ${n}`,
});

/** Delivers the piece's blocks, block b from senders[b]. */
function deliver(
  o: PieceOrigins,
  index: number,
  senders: OriginSender[],
  pieceBytes = PIECE,
): void {
  senders.forEach((s, b) => {
    const length = Math.min(BLOCK_BYTES, pieceBytes - b * BLOCK_BYTES);
    o.onBlock(s, index, b * BLOCK_BYTES, length);
  });
}

describe('piece origins', () => {
  it('credits a verified piece to the peer that sent most of its bytes', () => {
    const o = new PieceOrigins(3, PIECE);
    const [a, b] = [peer(1), peer(2)];
    deliver(o, 0, [a, b, b, a]); // a tie: 2 blocks each
    deliver(o, 1, [b, b, a, b]);
    expect(o.onVerified(1, PIECE)).toBe(2);
    expect(o.onVerified(0, PIECE)).toBe(1); // the tie goes to the peer known first (slot 1)
    expect([...o.origins]).toEqual([1, 2, 0]);
    expect(o.peers()).toEqual([
      { address: '10.0.0.1:6882', client: 'client 1', bytes: 3 * BLOCK_BYTES, pieces: 1 },
      { address: '10.0.0.2:6883', client: 'client 2', bytes: 5 * BLOCK_BYTES, pieces: 1 },
    ]);
  });

  it('weighs blocks by their bytes: a short last block counts less', () => {
    // 3 full blocks and a last block of 100 bytes: the slot with the two full blocks wins.
    const notes = new Uint16Array([1, 2, 2, 1]);
    expect(majoritySlot(notes, 3 * BLOCK_BYTES + 100)).toBe(2);
    // With full blocks only it is a tie, which goes to the lower slot.
    expect(majoritySlot(notes, 4 * BLOCK_BYTES)).toBe(1);
    expect(majoritySlot(new Uint16Array(4), PIECE)).toBe(0);
  });

  it('forgets the senders of a piece that failed, so the refetch alone counts', () => {
    const o = new PieceOrigins(1, PIECE);
    deliver(o, 0, [peer(1), peer(1), peer(1), peer(1)]);
    o.onDiscarded(0);
    deliver(o, 0, [peer(2), peer(2), peer(1), peer(2)]);
    expect(o.onVerified(0, PIECE)).toBe(2);
    expect(o.peers().map((p) => p.pieces)).toEqual([0, 1]);
  });

  it('moves a piece count when a piece is fetched again from someone else', () => {
    const o = new PieceOrigins(1, PIECE);
    deliver(o, 0, [peer(1), peer(1), peer(1), peer(1)]);
    o.onVerified(0, PIECE);
    deliver(o, 0, [peer(2), peer(2), peer(2), peer(2)]);
    o.onVerified(0, PIECE);
    expect(o.peers().map((p) => p.pieces)).toEqual([0, 1]);
  });

  it('keeps one slot per IP and peer id: a new port relabels it, a second client on one host does not share it', () => {
    const o = new PieceOrigins(1, PIECE);
    expect(o.slotOf(peer(1))).toBe(1);
    expect(o.slotOf(peer(1, 40000))).toBe(1);
    expect(o.peers()[0]!.address).toBe('10.0.0.1:40000');
    expect(o.slotOf({ ...peer(1), peerIdHex: 'ff'.repeat(20) })).toBe(2);
    expect(o.slotOf({ ...peer(3), address: '::1' })).toBe(3);
    expect(o.peers()[2]!.address).toBe('[::1]:6884');
  });

  it('caps the slot table at PIECE_ORIGIN_MAX_SLOTS: newcomers share the last slot, labelled others', () => {
    const o = new PieceOrigins(1, PIECE);
    for (let n = 0; n < PIECE_ORIGIN_MAX_SLOTS; n++)
      expect(o.slotOf({ ...peer(1), peerIdHex: n.toString(16).padStart(40, '0') })).toBe(n + 1);
    const extra = { ...peer(2), peerIdHex: 'ee'.repeat(20) };
    expect(o.slotOf(extra)).toBe(PIECE_ORIGIN_MAX_SLOTS);
    expect(o.slotCount).toBe(PIECE_ORIGIN_MAX_SLOTS);
    expect(o.peers()[PIECE_ORIGIN_MAX_SLOTS - 1]!.address).toBe(OVERFLOW_ADDRESS);
    // The peer that owned the last slot does not relabel "others" back to itself.
    o.slotOf({
      ...peer(1),
      peerIdHex: (PIECE_ORIGIN_MAX_SLOTS - 1).toString(16).padStart(40, '0'),
    });
    expect(o.peers()[PIECE_ORIGIN_MAX_SLOTS - 1]!.address).toBe(OVERFLOW_ADDRESS);
  });

  it('restores a record, recounting pieces, and refuses one that does not fit', () => {
    const o = new PieceOrigins(3, PIECE);
    deliver(o, 2, [peer(1), peer(1), peer(1), peer(1)]);
    o.onVerified(2, PIECE);
    const r = o.record();
    const back = new PieceOrigins(3, PIECE);
    expect(back.restore(r)).toBe(true);
    expect([...back.origins]).toEqual([0, 0, 1]);
    expect(back.peers()).toEqual(o.peers());
    // The same peer after the restart keeps its slot.
    expect(back.slotOf(peer(1))).toBe(1);
    expect(new PieceOrigins(4, PIECE).restore(r)).toBe(false);
    expect(new PieceOrigins(3, PIECE).restore({ ...r, origins: new Uint16Array([0, 2, 0]) })).toBe(
      false,
    );
  });

  // --- issue 20: a sender object's slot is remembered (onBlock runs per block) ---
  it('remembers a sender object slot until a restore rebuilds the table', () => {
    const o = new PieceOrigins(2, PIECE);
    const [a, b] = [peer(1), peer(2)];
    expect([o.slotOf(a), o.slotOf(b), o.slotOf(a)]).toEqual([1, 2, 1]);
    // A restored table where b came first: the same objects must take the restored slots.
    const other = new PieceOrigins(2, PIECE);
    deliver(other, 0, [b, b, b, b]);
    other.onVerified(0, PIECE);
    expect(o.restore(other.record())).toBe(true);
    expect(o.slotOf(b)).toBe(1);
    expect(o.slotOf(a)).toBe(2);
  });

  it('ignores blocks of pieces out of range', () => {
    const o = new PieceOrigins(1, PIECE);
    o.onBlock(peer(1), 5, 0, BLOCK_BYTES);
    expect(o.onVerified(5, PIECE)).toBe(0);
    expect([...o.origins]).toEqual([0]);
  });
});
