/** The swarm lab (issue 19): what hosts and the CLI use. The child entry is lab-peer.ts. */
export { LabController, LAB_REPORT_MS, LAB_CHURN_AWAY_MS } from './lab-controller';
export type { LabControllerOptions } from './lab-controller';
export { forkLabChild, defaultLabPeerScript } from './lab-child';
export type { LabChild, SpawnLabChild } from './lab-child';
export type { FromLabPeer, ToLabPeer, LabPeerInit } from './lab-protocol';
export { LabHost } from './lab-host';
export type { LabHostOptions } from './lab-host';
export { labHandlers } from './lab-handlers';
export type { LabHandlers } from './lab-handlers';
