/** SHA-1 hashing, and piece writes, off the main thread. */
export { HashPool } from './pool';
export type { HashFile, HashPiecesOptions, HashPiecesResult } from './pool';
export { AbortError, DiskWriteError, HashPoolError } from './errors';
