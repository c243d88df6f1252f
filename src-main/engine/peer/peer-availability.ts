/**
 * Which pieces the peer has, from its bitfield, have-all, have-none and haves (BEP 3, BEP 6),
 * with the rules a peer must keep: indices in range, a bitfield of the right length without
 * spare bits, and at most one opening availability message. Breaking one raises ProtocolError,
 * which closes the peer.
 *
 * A second bitfield or have-all is merged as haves rather than refused: aria2 batches haves into
 * a mid-connection bitfield, and a late have-all is a peer that just completed.
 */
import { Bitfield } from '../wire/bitfield';
import { ProtocolError } from '../wire/protocol-error';

function unexpected(what: string): ProtocolError {
  return new ProtocolError('unexpected-message', 'handle-message', what);
}

export class PeerAvailability {
  readonly pieceCount: number;
  /** Replaced by the opening bitfield, filled by haves. */
  bitfield: Bitfield;
  /** Whether the peer sent its bitfield, have-all or have-none. */
  private opened = false;

  constructor(pieceCount: number) {
    this.pieceCount = pieceCount;
    this.bitfield = new Bitfield(pieceCount);
  }

  /** Throws when `index` is not a piece of the torrent. */
  checkIndex(index: number, what: string): void {
    if (index >= this.pieceCount) {
      throw unexpected(`${what} for piece ${index} of ${this.pieceCount}`);
    }
  }

  /** True when the piece is new to us. */
  have(index: number): boolean {
    this.checkIndex(index, 'have');
    if (this.bitfield.get(index)) return false;
    this.bitfield.set(index);
    return true;
  }

  /** Whether the opening availability was sent already (then this bitfield is a late one). */
  get isOpen(): boolean {
    return this.opened;
  }

  /** The opening bitfield. */
  openWithBitfield(bits: Uint8Array): void {
    this.open('bitfield');
    this.bitfield = Bitfield.fromBytes(bits, this.pieceCount);
  }

  openWithAll(): void {
    this.open('have-all');
    this.bitfield.setAll();
  }

  openWithNone(): void {
    this.open('have-none');
    this.bitfield.clearAll();
  }

  /**
   * Merges a late bitfield (or, with `bits` null, a late have-all) as haves; `added` hears each
   * piece new to us. Returns how many were new.
   */
  mergeLate(bits: Uint8Array | null, added: (index: number) => void): number {
    // A repeated have-all from a peer that has everything changes nothing: no walk (issue 16
    // item 3). A late bitfield costs a walk in proportion to its own size.
    if (bits === null && this.bitfield.isFull()) return 0;
    const late = bits === null ? null : Bitfield.fromBytes(bits, this.pieceCount);
    let n = 0;
    for (let i = 0; i < this.pieceCount; i++) {
      if ((late === null || late.get(i)) && !this.bitfield.get(i)) {
        this.bitfield.set(i);
        n++;
        added(i);
      }
    }
    return n;
  }

  private open(what: string): void {
    if (this.opened) throw unexpected(`${what} after the peer's bitfield`);
    this.opened = true;
  }
}
