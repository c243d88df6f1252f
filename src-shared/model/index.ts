export * from './torrent';
export * from './peer';
export * from './pieces';
export * from './tracker';
export * from './settings';
export * from './errors';
export * from './jobs';
export * from './torrent-inputs';
// --- explainer (issue 19) ---
export * from './explain';
// --- port mapping (issue 18) ---
export * from './port-mapping';
// --- timeline (issue 19) ---
export * from './timeline';
// --- swarm lab (issue 19) ---
export * from './lab';
// --- per-torrent actions and the queue (issue 21) ---
export * from './torrent-actions';
// --- listen interface (issues 18, 21) ---
export * from './ip-text';
export * from './labels'; // --- labels (issue 21)
