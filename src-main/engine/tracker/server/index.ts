/** The embedded tracker (issue 5): registry, HTTP and UDP fronts, announce URLs. */
export { TrackerServer } from './tracker-server';
export type { TrackerServerOptions } from './tracker-server';
export { SwarmRegistry, defaultRegistryConfig } from './swarm-registry';
export type {
  AnnounceOutcome,
  RegistryAnnounce,
  RegistryConfig,
  RegistryPeer,
  ScrapeCounts,
} from './swarm-registry';
export { announceUrls, reachableAddresses } from './announce-urls';
export { parseAllowList, loadAllowList } from './allow-list';
export { ConnectionIds } from './connection-ids';
export { NOT_AUTHORIZED } from './tracker-core';
