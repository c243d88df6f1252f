/**
 * One connection as the Peers tab shows it: plain serialisable data (src-shared/model), read
 * from the connection's public state only.
 */
import type { PeerSnapshot } from '../../../src-shared/model';
import type { PeerConnection } from './peer-connection';

/** What the connection knows; the torrent adds the address and where it came from. */
export type ConnectionSnapshot = Omit<PeerSnapshot, 'key' | 'address' | 'port' | 'source'>;

export function peerSnapshot(c: PeerConnection): ConnectionSnapshot {
  return {
    client: c.clientName,
    peerIdHex: c.remotePeerId ? Buffer.from(c.remotePeerId).toString('hex') : '',
    flags: {
      amChoking: c.amChoking,
      amInterested: c.amInterested,
      peerChoking: c.peerChoking,
      peerInterested: c.peerInterested,
      optimistic: c.optimistic,
      snubbed: c.snubbed,
      incoming: c.incoming,
      encrypted: c.encrypted,
      fast: c.supportsFast,
      extended: c.supportsExtended,
    },
    progress: c.pieceCount === 0 ? 1 : c.peerBitfield.count() / c.pieceCount,
    downRateBps: c.downRateBps(),
    upRateBps: c.upRateBps(),
    downloadedBytes: c.downloadedBytes,
    uploadedBytes: c.uploadedBytes,
    requestsInFlight: c.inFlight,
    connectedAt: c.connectedAt,
    // uTP (issue 18): the in-memory test transport shows as TCP, the stream it stands for.
    transport: c.transportName === 'utp' ? 'utp' : 'tcp',
  };
}
