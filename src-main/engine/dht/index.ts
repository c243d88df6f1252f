/** The mainline DHT (BEP 5): a node over an injected datagram transport, and its parts. */
export { DEFAULT_BOOTSTRAP_NODES, DhtNode } from './dht-node';
export type { AnnounceResult, BootstrapNode, DhtNodeOptions, DhtSend, DhtStats } from './dht-node';
export { bindUdpDhtNode } from './udp-dht-node';
export type { UdpDhtNode } from './udp-dht-node';
export { KrpcError, decodeKrpc, encodeKrpc, isKrpcPacket } from './krpc';
export type { KrpcMessage } from './krpc';
export type { NodeInfo } from './compact-nodes';
export { idFromHex, idToHex } from './node-id';
export type { NodeId } from './node-id';
export type { SerializedRoutingTable } from './routing-table';
