/** SHA-1 hashing, and piece writes, off the main thread. */
export { HashWritePool } from './hash-write-pool';
export type { HashFile, HashPiecesOptions, HashPiecesResult } from './hash-write-pool';
export { AbortError, DiskWriteError, HashWritePoolError } from './errors';
