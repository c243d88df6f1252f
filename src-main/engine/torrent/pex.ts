/**
 * Peer exchange (BEP 11, `ut_pex`) for one torrent: what we tell each peer, and what we accept.
 *
 * Invariants:
 * - We only tell about peers we connected to ourselves (an outgoing connection whose handshake
 *   completed), as libtorrent does: an address that dialled us may not be reachable.
 * - A peer never hears its own address.
 * - Each peer that speaks ut_pex gets at most one message per PEX_INTERVAL_MS, with at most
 *   PEX_MAX_ADDED_PER_MESSAGE added and PEX_MAX_DROPPED_PER_MESSAGE dropped peers; what does not
 *   fit goes in the next one. An empty difference sends nothing (and uses up no interval).
 * - From each peer we accept at most PEX_MAX_MESSAGES_PER_WINDOW messages and
 *   PEX_MAX_ADDED_PER_WINDOW added peers per PEX_INTERVAL_MS window; a peer over either, or
 *   sending a malformed or oversized message, is closed with 'protocol-error' and a reason.
 * - The received peers go to the candidates as source 'pex' under their own cap (the caller's
 *   `learn`). Clocked: the caller passes `now`; nothing here holds a timer.
 */
import type { CloseReason } from '../peer/close-reason';
import {
  PEX_INTERVAL_MS,
  PEX_MAX_ADDED_PER_MESSAGE,
  PEX_MAX_ADDED_PER_WINDOW,
  PEX_MAX_DROPPED_PER_MESSAGE,
  PEX_MAX_MESSAGES_PER_WINDOW,
} from '../limits';
import { LOCAL_EXTENSION_IDS } from '../wire/extension-ids';
import { decodePex, encodePex, PEX_FLAG_REACHABLE, PEX_FLAG_SEED } from '../wire/pex';
import type { PexPeer } from '../wire/pex';
import { ProtocolError } from '../wire/protocol-error';
import { formatIpv6 } from '../tracker/codec/compact-peers';
import { canonicalIp, parseEndpoint } from '../net/ip-address';
import { candidateKey } from './candidates';

/** What the PEX part needs of a connected peer (a PeerState fits). */
export interface PexContact {
  readonly key: string;
  readonly address: string;
  readonly port: number;
  readonly conn: {
    readonly incoming: boolean;
    readonly remotePeerId: Uint8Array | null;
    readonly peerExtendedHandshake: {
      readonly m: Readonly<Record<string, number>>;
      readonly p?: number;
      /** Our address as this peer sees it (BEP 10 `yourip`). */
      readonly yourip?: Uint8Array;
    } | null;
    readonly peerBitfield: { isFull(): boolean };
    sendExtended(extId: number, payload: Uint8Array): boolean;
    close(reason: CloseReason, error?: Error): void;
  };
}

export interface PexOptions {
  /** PEX is on for this torrent now (the setting, and never for a private torrent). */
  enabled: () => boolean;
  /** Addresses a peer told us about. */
  learn: (peers: { address: string; port: number }[], fromKey: string) => void;
  /** The protocol log: a sent or received PEX message. */
  log: (peerKey: string, dir: 'in' | 'out', detail: string) => void;
  /** Our listen port: a peer names us back to ourselves (libtorrent does), and we skip it. */
  ownPort?: () => number;
}

interface PeerPexState {
  /** Addresses (address:port) this peer has been told about and not told dropped. */
  readonly told: Set<string>;
  lastSentAt: number;
  /** The receive window: its start, and what arrived in it. */
  windowStart: number;
  messagesInWindow: number;
  addedInWindow: number;
}

/** The ut_pex id a peer wants our messages on; 0 when it does not speak PEX. */
export function peerPexId(c: PexContact): number {
  return c.conn.peerExtendedHandshake?.m['ut_pex'] ?? 0;
}

export class PexExchange {
  private readonly states = new Map<string, PeerPexState>();

  constructor(private readonly opts: PexOptions) {}

  private state(key: string): PeerPexState {
    let s = this.states.get(key);
    if (!s) {
      s = {
        told: new Set(),
        lastSentAt: -Infinity,
        windowStart: -Infinity,
        messagesInWindow: 0,
        addedInWindow: 0,
      };
      this.states.set(key, s);
    }
    return s;
  }

  /** Sends each PEX peer whose interval has passed what changed since its last message. */
  tick(now: number, contacts: Iterable<PexContact>): void {
    if (!this.opts.enabled()) return;
    const all = [...contacts];
    // Peers we dialled and completed a handshake with: reachable, so worth telling about.
    const known = new Map<string, PexPeer>();
    for (const c of all) {
      if (c.conn.incoming || c.conn.remotePeerId === null) continue;
      const flags = PEX_FLAG_REACHABLE | (c.conn.peerBitfield.isFull() ? PEX_FLAG_SEED : 0);
      known.set(c.key, { address: c.address, port: c.port, flags });
    }
    for (const to of all) {
      const id = peerPexId(to);
      if (id === 0 || to.conn.remotePeerId === null) continue;
      const s = this.state(to.key);
      if (now - s.lastSentAt < PEX_INTERVAL_MS) continue;
      const own = new Set([to.key]);
      const p = to.conn.peerExtendedHandshake?.p;
      if (p) own.add(candidateKey(to.address, p));
      const added: PexPeer[] = [];
      for (const [key, peer] of known) {
        if (added.length >= PEX_MAX_ADDED_PER_MESSAGE) break;
        if (!s.told.has(key) && !own.has(key)) added.push(peer);
      }
      const dropped: { address: string; port: number }[] = [];
      const droppedKeys: string[] = [];
      for (const key of s.told) {
        if (dropped.length >= PEX_MAX_DROPPED_PER_MESSAGE) break;
        if (known.has(key)) continue;
        // --- IPv6 (issue 18): keys are `[v6]:port` for IPv6 peers.
        const at = parseEndpoint(key);
        if (at) dropped.push(at);
        droppedKeys.push(key);
      }
      if (added.length === 0 && dropped.length === 0) continue;
      if (!to.conn.sendExtended(id, encodePex({ added, dropped }))) continue;
      s.lastSentAt = now;
      for (const a of added) s.told.add(candidateKey(a.address, a.port));
      for (const key of droppedKeys) s.told.delete(key);
      this.opts.log(to.key, 'out', `pex: ${added.length} added, ${dropped.length} dropped`);
    }
  }

  /** A ut_pex message from `from`. Returns false when the peer was closed for it. */
  onMessage(from: PexContact, payload: Uint8Array, now: number): boolean {
    // We did not offer PEX (setting off, private torrent): a message is ignored, not a fault.
    if (!this.opts.enabled()) return true;
    const s = this.state(from.key);
    if (now - s.windowStart >= PEX_INTERVAL_MS) {
      s.windowStart = now;
      s.messagesInWindow = 0;
      s.addedInWindow = 0;
    }
    let msg;
    try {
      msg = decodePex(payload);
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err;
      from.conn.close('protocol-error', err);
      return false;
    }
    s.messagesInWindow++;
    s.addedInWindow += msg.added.length;
    if (s.messagesInWindow > PEX_MAX_MESSAGES_PER_WINDOW) {
      from.conn.close('protocol-error', flood(`${s.messagesInWindow} PEX messages in a minute`));
      return false;
    }
    if (s.addedInWindow > PEX_MAX_ADDED_PER_WINDOW) {
      from.conn.close('protocol-error', flood(`${s.addedInWindow} PEX peers added in a minute`));
      return false;
    }
    this.opts.log(from.key, 'in', `pex: ${msg.added.length} added, ${msg.dropped.length} dropped`);
    const own = this.opts.ownPort?.() ?? 0;
    const seenAs = ownAddress(from);
    const isUs = (p: { address: string; port: number }): boolean =>
      p.port === own && (canonicalIp(p.address) === seenAs || isLoopback(p.address));
    const added = msg.added
      .filter((p) => candidateKey(p.address, p.port) !== from.key && !isUs(p))
      .map(({ address, port }) => ({ address, port }));
    if (added.length > 0) this.opts.learn(added, from.key);
    return true;
  }

  /** The peer is gone: forget what it was told (a new connection starts afresh). */
  onPeerGone(key: string): void {
    this.states.delete(key);
  }

  /** The extended-handshake `m` entry that offers PEX, or none when it is off. */
  offer(): Record<string, number> {
    return this.opts.enabled() ? { ut_pex: LOCAL_EXTENSION_IDS.ut_pex } : {};
  }
}

/** Our address as `c` sees it (its `yourip`), as text; null when it did not say. */
function ownAddress(c: PexContact): string | null {
  const ip = c.conn.peerExtendedHandshake?.yourip;
  if (!ip) return null;
  return ip.length === 4 ? ip.join('.') : canonicalIp(formatIpv6(ip));
}

function isLoopback(address: string): boolean {
  const a = canonicalIp(address);
  return a.startsWith('127.') || a === '::1';
}

function flood(message: string): ProtocolError {
  return new ProtocolError('bad-pex', 'receive-pex', `PEX flood: ${message}`);
}
