/** A connected peer as piece origins name it (issue 19): address, port, peer id and client. */
import type { OriginSender } from './piece-origins';
import type { PeerState } from './torrent-context';

/**
 * Issue 20: one sender object per peer, made again only when its port, peer id or client name
 * changes. This runs per received block; building the object and hex-encoding the peer id each
 * time cost more than the rest of the origins bookkeeping, and a stable object lets PieceOrigins
 * remember its slot.
 */
const cache = new WeakMap<PeerState, { id: Uint8Array | null; sender: OriginSender }>();

export function originSender(peer: PeerState): OriginSender {
  const id = peer.conn.remotePeerId;
  const hit = cache.get(peer);
  if (
    hit !== undefined &&
    hit.id === id &&
    hit.sender.address === peer.address &&
    hit.sender.port === peer.port &&
    hit.sender.client === peer.conn.clientName
  )
    return hit.sender;
  const sender: OriginSender = {
    address: peer.address,
    port: peer.port,
    peerIdHex: id ? Buffer.from(id).toString('hex') : '',
    client: peer.conn.clientName,
  };
  cache.set(peer, { id, sender });
  return sender;
}
