export * from './torrent';
export * from './peer';
export * from './pieces';
export * from './tracker';
export * from './settings';
export * from './errors';
export * from './jobs';
export * from './torrent-inputs';
// --- swarm lab (issue 19) ---
export * from './lab';
