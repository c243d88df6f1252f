/**
 * Port mapping (issue 18): what the engine's PortMapper reports, per protocol family and
 * transport, for the status bar and Settings. Plain data; times are epoch milliseconds.
 */
export type PortMappingProtocol = 'upnp' | 'natpmp' | 'pcp';
export type PortMappingTransport = 'tcp' | 'udp';

export type PortMappingState =
  | { state: 'searching' }
  | {
      state: 'mapped';
      externalAddress: string;
      externalPort: number;
      protocol: PortMappingProtocol;
      /** When the router drops it unless renewed (we renew at half); null for a permanent lease. */
      expiresAt: number | null;
    }
  | { state: 'failed'; reason: string };

export interface PortMappingStatus {
  /** The setting is on and the host allows mapping (tests and tools never map). */
  enabled: boolean;
  /** Our TCP listen port and UDP port, the ones being mapped; null while not listening. */
  tcpPort: number | null;
  udpPort: number | null;
  /** UPnP IGD. */
  upnp: Record<PortMappingTransport, PortMappingState>;
  /** PCP, or NAT-PMP when the gateway speaks only that (the mapped state's `protocol` says which). */
  natpmp: Record<PortMappingTransport, PortMappingState>;
}
