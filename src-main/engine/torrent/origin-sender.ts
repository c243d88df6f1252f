/** A connected peer as piece origins name it (issue 19): address, port, peer id and client. */
import type { OriginSender } from './piece-origins';
import type { PeerState } from './torrent-context';

export function originSender(peer: PeerState): OriginSender {
  const id = peer.conn.remotePeerId;
  return {
    address: peer.address,
    port: peer.port,
    peerIdHex: id ? Buffer.from(id).toString('hex') : '',
    client: peer.conn.clientName,
  };
}
