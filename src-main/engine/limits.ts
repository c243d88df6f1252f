/**
 * Every size or count a remote party controls has a named limit here, with its reason
 * (ARCHITECTURE.md section 3). Modules add their limits to this file.
 */

/** BEP 3: blocks are requested in 16 KiB units; larger requests are refused by most clients. */
export const BLOCK_BYTES = 16 * 1024;

// ---- torrent and session (torrent/torrent.ts, session.ts)
/** A peer that alone sent this many pieces failing their hash is banned. */
export const BAN_AFTER_HASH_FAILURES = 2;
/** Dialling gives up after this long. */
export const CONNECT_TIMEOUT_MS = 10_000;
/** Known addresses kept per torrent; trackers and PEX can offer many more. */
export const MAX_CANDIDATES_PER_TORRENT = 2_000;
/** Protocol events kept per torrent for the Log tab. */
export const MAX_LOG_ENTRIES = 2_000;
/** Requests from one peer we queue for upload; more are rejected (BEP 6) or dropped. */
export const MAX_UPLOAD_QUEUE_PER_PEER = 4_000;
/** Whole pieces kept in memory to serve blocks without a read per block. */
export const PIECE_READ_CACHE_PIECES = 32;
/** A .torrent file larger than this is refused before parsing. */
export const MAX_TORRENT_FILE_BYTES = 64 * 1024 * 1024;
/** Incoming connections must complete the handshake within this time. */
export const HANDSHAKE_TIMEOUT_MS = 10_000;

// ---- bencode, metainfo, hashing (bencode/, metainfo/, hash/)
/** Bencode nesting a remote party may send; libtorrent's bdecode uses 100 too (BEP 3 sets none). */
export const BENCODE_MAX_DEPTH = 100;
/** Largest bencoded buffer we decode: 64 MiB holds 3.3M piece hashes, far past real torrents. */
export const BENCODE_MAX_BYTES = 64 * 1024 * 1024;
/** Items (ints, strings, lists, dicts) per decode, bounding memory on inputs like "lllll...". */
export const BENCODE_MAX_ITEMS = 3_000_000;
/** BEP 3 sets no bound on `piece length`; a piece is hashed and buffered whole, so cap it. */
export const PIECE_LENGTH_MAX_BYTES = 128 * 1024 * 1024;
/** Files per torrent: each costs an entry in every file table (libtorrent caps near 2^21 too). */
export const METAINFO_MAX_FILES = 1_000_000;
/** A magnet URI is pasted or clicked; anything longer is not a real one. */
export const MAGNET_MAX_CHARS = 64 * 1024;

// ---- peer wire and peer connection (wire/, peer/)
/** Largest frame a peer may send: a 16 KiB block needs 16 KiB + 9; a bitfield of 2M pieces 256 KiB. */
export const MAX_FRAME_BYTES = 1024 * 1024;
/** BEP 10 handshakes are a few hundred bytes; cap what we decode as bencode. */
export const EXTENDED_HANDSHAKE_MAX_BYTES = 64 * 1024;
/** Entries of a BEP 10 `m` dict we keep; real clients list fewer than 20. */
export const EXTENDED_HANDSHAKE_MAX_EXTENSIONS = 128;
/** Characters of a BEP 10 `v` (client name) we keep for display. */
export const EXTENDED_HANDSHAKE_MAX_VERSION_CHARS = 64;
/** BEP 3: larger requests are refused by most clients; we close a peer asking for more. */
export const MAX_REQUEST_BYTES = 128 * 1024;
/** BEP 6 allowed-fast pieces we remember from one peer (libtorrent grants about 10). */
export const MAX_ALLOWED_FAST_PIECES = 256;
/** Blocks a peer may send that we never asked for before it is closed (BEP 6 says close at once). */
export const MAX_UNREQUESTED_BLOCKS = 16;
/** Cancelled, expired or choke-dropped requests remembered so their late blocks are not "unrequested". */
export const MAX_LATE_REQUESTS_TRACKED = 4_096;
/** Requests we keep in flight to one peer at most, whatever its rate (16 KiB each: 32 MiB). */
export const MAX_REQUEST_QUEUE_DEPTH = 2_000;
/** Request keys pack index and begin into one number: index < 2^21 keeps it below 2^53. */
export const MAX_PIECE_COUNT_FOR_PEER_KEYS = 2 ** 21;
