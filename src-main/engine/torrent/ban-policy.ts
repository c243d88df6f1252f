/**
 * The ban policy: strikes for pieces that failed their hash, and the bans they lead to.
 *
 * Invariants:
 * - A peer that alone sent a piece failing its hash is banned after `strikesToBan` such pieces;
 *   shared blame counts less (twice as many strikes), so an honest peer that happened to send
 *   blocks of a bad piece next to the culprit is not banned with it.
 * - A ban covers the connection's address:port, the address we dialled, the peer id, and, when
 *   the IP is one host (`banByAddress`, see AddressPolicy), the whole IP: a banned peer that
 *   returns with a new port and id is still refused (issue 16 item 6).
 * - Pure: no sockets; the torrent closes the banned peer.
 */
import { formatEndpoint, hostKey } from '../net/ip-address';
export interface BannedPeer {
  key: string;
  address: string;
  candidateKey: string | null;
  /** The peer id in hex, once the handshake named one. */
  peerIdHex: string | null;
}

export interface BanPolicyOptions {
  strikesToBan: number;
  /**
   * Whether a ban takes the whole IP address. No where several peers share an address (this
   * machine's own processes on loopback): one culprit must not ban its neighbours.
   */
  banByAddress: (address: string) => boolean;
}

export class BanPolicy {
  private readonly strikes = new Map<string, number>();
  private readonly banned = new Set<string>();
  private readonly bannedAddresses = new Set<string>();

  constructor(private readonly opts: BanPolicyOptions) {}

  /** A piece failed its hash check: strike its contributors; returns those now to be banned. */
  onPieceFailed(contributors: readonly string[]): string[] {
    const limit = contributors.length === 1 ? this.opts.strikesToBan : this.opts.strikesToBan * 2;
    const out: string[] = [];
    for (const key of contributors) {
      const strikes = (this.strikes.get(key) ?? 0) + 1;
      this.strikes.set(key, strikes);
      if (strikes >= limit) out.push(key);
    }
    return out;
  }

  ban(peer: BannedPeer): void {
    this.banned.add(peer.key);
    if (peer.candidateKey) this.banned.add(peer.candidateKey);
    if (peer.peerIdHex) this.banned.add(peer.peerIdHex);
    // --- IPv6 (issue 18): the host's key, so a banned v6 peer's whole /64 stays out.
    if (this.opts.banByAddress(peer.address)) this.bannedAddresses.add(hostKey(peer.address));
  }

  /** A key is an address:port or a peer id in hex. */
  isBanned(key: string): boolean {
    return this.banned.has(key);
  }

  isAddressBanned(address: string, port: number): boolean {
    return (
      this.bannedAddresses.has(hostKey(address)) || this.banned.has(formatEndpoint(address, port))
    );
  }
}
