export * from './torrent';
export * from './peer';
export * from './pieces';
export * from './tracker';
export * from './settings';
export * from './errors';
export * from './jobs';
export * from './torrent-inputs';
// --- per-torrent actions and the queue (issue 21) ---
export * from './torrent-actions';
