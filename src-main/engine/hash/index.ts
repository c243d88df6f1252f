/** SHA-1 hashing off the main thread. */
export { HashPool } from './pool';
export type { HashFile, HashPiecesOptions, HashPiecesResult } from './pool';
export { AbortError, HashPoolError } from './errors';
