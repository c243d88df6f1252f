/**
 * Piece origins (issue 19): which peer delivered each verified piece, for the Pieces tab's
 * "colour by origin" mode.
 *
 * Every peer that sends us a block takes a small slot number in this torrent (1, 2, ...; 0 means
 * unknown: read from disk, or verified before origins were kept). While a piece is assembled the
 * slot of each block's sender is noted; when the piece verifies, its origin is the slot that
 * delivered most of its bytes.
 *
 * Invariants:
 * - `origins` has one entry per piece, each 0 or a slot of the table.
 * - The table holds at most PIECE_ORIGIN_MAX_SLOTS slots; once full, new senders share the last
 *   one, which then reads "others" (a stranger cycling ids must not grow it, nor the resume file).
 * - A slot is keyed by the peer's IP and peer id, not its port: a peer that reconnects from a
 *   new ephemeral port keeps its slot, while two clients on one host (loopback) stay apart.
 * - Ties go to the lower slot, the peer known first, so the rule is deterministic.
 * - Per-piece notes are dropped when the piece verifies or fails; a piece abandoned by a stop is
 *   fetched again block by block, each block overwriting its note, so stale notes never count.
 * - Pure but for its own state: no clock, no I/O.
 */
import { BLOCK_BYTES, PIECE_ORIGIN_MAX_CLIENT_CHARS, PIECE_ORIGIN_MAX_SLOTS } from '../limits';
import type { OriginPeer } from '../../../src-shared/model';

/** Who sent a block, as the torrent knows its peer. */
export interface OriginSender {
  address: string;
  port: number;
  /** Hex peer id from the handshake; '' when none. */
  peerIdHex: string;
  client: string;
}

/** One slot as saved in resume data. */
export interface OriginSlotRecord {
  address: string;
  client: string;
  bytes: number;
  peerIdHex: string;
}

/** What the resume data keeps of a torrent's origins. */
export interface OriginsRecord {
  /** One slot per piece. */
  origins: Uint16Array;
  /** `slots[s - 1]` is slot s. */
  slots: OriginSlotRecord[];
}

interface Slot extends OriginSlotRecord {
  key: string;
  pieces: number;
}

/** Label of the shared last slot once the table is full. */
export const OVERFLOW_ADDRESS = 'others';

export class PieceOrigins {
  readonly origins: Uint16Array;
  private readonly slots: Slot[] = [];
  private readonly slotByKey = new Map<string, number>();
  /**
   * Issue 20: the slot of each sender object already seen. onBlock runs per 16 KiB block, and the
   * key string and Map lookup per block were a measurable part of a download's CPU; a sender
   * object is immutable (originSender makes a new one when its port or client changes), so its
   * slot and label stand until `restore` rebuilds the table.
   */
  private slotBySender = new WeakMap<OriginSender, number>();
  /** Per piece being assembled: the slot of each block's sender (0: not received yet). */
  private readonly partial = new Map<number, Uint16Array>();
  /** Moves whenever origins or the slot table's labels change (resume data, views). */
  version = 0;

  constructor(
    private readonly pieceCount: number,
    private readonly pieceLength: number,
    private readonly maxSlots = PIECE_ORIGIN_MAX_SLOTS,
  ) {
    this.origins = new Uint16Array(pieceCount);
  }

  get slotCount(): number {
    return this.slots.length;
  }

  /** The sender's slot, taking a new one (or the shared last one when full). */
  slotOf(sender: OriginSender): number {
    const known = this.slotBySender.get(sender);
    if (known !== undefined) return known;
    const slot = this.slotOfKey(sender);
    this.slotBySender.set(sender, slot);
    return slot;
  }

  private slotOfKey(sender: OriginSender): number {
    const key = `${sender.address}|${sender.peerIdHex}`;
    let slot = this.slotByKey.get(key);
    if (slot === undefined) {
      if (this.slots.length < this.maxSlots) {
        this.slots.push({ key, address: '', client: '', bytes: 0, peerIdHex: '', pieces: 0 });
        slot = this.slots.length;
        this.slotByKey.set(key, slot);
        this.label(slot, sender);
      } else {
        // Full: every newcomer shares the last slot, which now stands for "others".
        slot = this.slots.length;
        const last = this.slots[slot - 1] as Slot;
        if (last.address !== OVERFLOW_ADDRESS) {
          last.address = OVERFLOW_ADDRESS;
          last.client = '';
          last.peerIdHex = '';
          this.version++;
        }
      }
    } else if ((this.slots[slot - 1] as Slot).address !== OVERFLOW_ADDRESS) {
      // A known peer's label follows its latest port and client name; "others" stays.
      this.label(slot, sender);
    }
    return slot;
  }

  /** Notes one (non-duplicate) block of a piece being assembled. */
  onBlock(sender: OriginSender, index: number, begin: number, length: number): void {
    if (index < 0 || index >= this.pieceCount) return;
    const slot = this.slotOf(sender);
    (this.slots[slot - 1] as Slot).bytes += length;
    let notes = this.partial.get(index);
    if (!notes) {
      notes = new Uint16Array(Math.ceil(this.pieceLength / BLOCK_BYTES));
      this.partial.set(index, notes);
    }
    const block = Math.floor(begin / BLOCK_BYTES);
    if (block < notes.length) notes[block] = slot;
  }

  /**
   * The piece verified: its origin becomes the slot that delivered most of its bytes (ties to the
   * lower slot). `pieceBytes` is its size (the last piece may be short). Returns the origin.
   */
  onVerified(index: number, pieceBytes: number): number {
    const notes = this.partial.get(index);
    this.partial.delete(index);
    if (!notes || index < 0 || index >= this.pieceCount) return 0;
    const origin = majoritySlot(notes, pieceBytes);
    this.setOrigin(index, origin);
    return origin;
  }

  /** The piece failed its hash or was dropped: its notes go. */
  onDiscarded(index: number): void {
    this.partial.delete(index);
  }

  /** Forgets every piece being assembled (a stop). */
  clearPartial(): void {
    this.partial.clear();
  }

  /** Restores what the resume data kept; a record that does not fit this torrent is ignored. */
  restore(r: OriginsRecord): boolean {
    if (r.origins.length !== this.pieceCount || r.slots.length > this.maxSlots) return false;
    for (const v of r.origins) if (v > r.slots.length) return false;
    this.slots.length = 0;
    this.slotByKey.clear();
    this.slotBySender = new WeakMap();
    for (const s of r.slots) {
      const key = `${hostOf(s.address)}|${s.peerIdHex}`;
      this.slots.push({ ...s, key, pieces: 0 });
      if (!this.slotByKey.has(key)) this.slotByKey.set(key, this.slots.length);
    }
    this.origins.set(r.origins);
    for (const v of this.origins) if (v > 0) (this.slots[v - 1] as Slot).pieces++;
    this.version++;
    return true;
  }

  /** What the resume data keeps (copies). */
  record(): OriginsRecord {
    return {
      origins: this.origins.slice(),
      slots: this.slots.map((s) => ({
        address: s.address,
        client: s.client,
        bytes: s.bytes,
        peerIdHex: s.peerIdHex,
      })),
    };
  }

  /** The slot table for the piece map (copies). */
  peers(): OriginPeer[] {
    return this.slots.map((s) => ({
      address: s.address,
      client: s.client,
      bytes: s.bytes,
      pieces: s.pieces,
    }));
  }

  private setOrigin(index: number, origin: number): void {
    const old = this.origins[index] as number;
    if (old === origin) return;
    if (old > 0) (this.slots[old - 1] as Slot).pieces--;
    if (origin > 0) (this.slots[origin - 1] as Slot).pieces++;
    this.origins[index] = origin;
    this.version++;
  }

  private label(slot: number, sender: OriginSender): void {
    const s = this.slots[slot - 1] as Slot;
    const address = sender.address.includes(':')
      ? `[${sender.address}]:${sender.port}`
      : `${sender.address}:${sender.port}`;
    const client = sender.client.slice(0, PIECE_ORIGIN_MAX_CLIENT_CHARS);
    if (s.address === address && s.client === client && s.peerIdHex === sender.peerIdHex) return;
    s.address = address;
    s.client = client;
    s.peerIdHex = sender.peerIdHex;
    this.version++;
  }
}

/** The slot with most bytes among the blocks' notes; ties go to the lower slot; 0 if none. */
export function majoritySlot(notes: Uint16Array, pieceBytes: number): number {
  const bytes = new Map<number, number>();
  for (let b = 0; b < notes.length; b++) {
    const slot = notes[b] as number;
    if (slot === 0) continue;
    const length = Math.max(0, Math.min(BLOCK_BYTES, pieceBytes - b * BLOCK_BYTES));
    bytes.set(slot, (bytes.get(slot) ?? 0) + length);
  }
  let best = 0;
  let bestBytes = 0;
  for (const [slot, n] of bytes) {
    if (n > bestBytes || (n === bestBytes && slot < best)) {
      best = slot;
      bestBytes = n;
    }
  }
  return best;
}

/** The host part of an `address:port` label (`[v6]:port` too). */
function hostOf(label: string): string {
  if (label.startsWith('[')) return label.slice(1, label.indexOf(']'));
  const colon = label.lastIndexOf(':');
  return colon > 0 ? label.slice(0, colon) : label;
}
