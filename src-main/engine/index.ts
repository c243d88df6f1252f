/**
 * The engine's one entry point (docs/ARCHITECTURE.md section 3). Hosts, the CLI,
 * the bench and the test helpers import the engine from here and nowhere else; lint enforces it.
 * Everything a host needs is plain data from src-shared/model plus the few classes below: a
 * `Session` (many torrents behind one listen port) and the parts the CLI uses on their own
 * (creating and parsing torrents, the standalone tracker, the worker pool).
 */

// The session and the API every host drives.
export { Session, CLIENT_VERSION } from './session';
export type { SessionOptions } from './session';
export type * from './api';

// Torrent files and magnet links.
export {
  createTorrent,
  parseTorrent,
  parseMagnet,
  toMagnet,
  resolveInside,
  MetainfoError,
  DEFAULT_CREATED_BY,
} from './metainfo';
export type { CreateTorrentOptions, Metainfo, ParsedMagnet, TorrentFileEntry } from './metainfo';

// The worker pool that hashes and writes off the main thread.
export { HashWritePool } from './hash';
export type { HashFile, HashPiecesOptions, HashPiecesResult } from './hash';

// The standalone tracker (`swarmscope tracker`, the bench).
export { TrackerServer, SwarmRegistry } from './tracker/server';
export type { TrackerServerOptions } from './tracker/server';

// Storage backends, for embedders and test swarms.
export type { Storage } from './storage/storage';
export { FileStorage } from './storage/file-storage';
export { FileLayout } from './storage/file-layout';

// Logging and time: hosts pass their own, tests pass manual ones.
export { FileLogger, MemoryLogger } from './log/logger';
export type { Logger, FileLoggerOptions } from './log/logger';
export { systemClock, systemRandom, seededRandom, ManualClock } from './time/clock';
export type { Clock, Random, TimerHandle } from './time/clock';

// --- encryption, MSE/PE (issue 18): the cipher alone, for the bench's RC4 row
export { createMseRc4 } from './crypto/rc4';
export { setRc4OffloadAfterBytes } from './crypto/rc4-offload';
