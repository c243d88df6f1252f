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
/**
 * A download's memory for piece data, in bytes (at least four pieces): the pieces awaiting their
 * hash and write plus the blocks requested share it, and as many spare buffers are kept. Twice a
 * full request pipeline to one fast peer (MAX_REQUEST_QUEUE_DEPTH blocks, 32 MiB).
 */
export const PIECE_BUFFER_POOL_BYTES = 64 * 1024 * 1024;
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
/**
 * Requests we keep in flight to one peer at most, whatever its rate (16 KiB each: 8 MiB, enough
 * for 80 MB/s at a 100 ms round trip). libtorrent's default is the same 500. Deeper queues cost
 * the serving side: a libtorrent seeder spent ~5% more CPU per GiB on 2,000 queued requests of
 * ours, and as it is the bottleneck on loopback, the 1 GiB bench went from 0.87-0.94x at 2,000 to
 * 1.02-1.07x at 500 (1,000: 1.04-1.06x), our own CPU per GiB down 10% too.
 */
export const MAX_REQUEST_QUEUE_DEPTH = 500;
/** Request keys pack index and begin into one number: index < 2^21 keeps it below 2^53. */
export const MAX_PIECE_COUNT_FOR_PEER_KEYS = 2 ** 21;

// ---- trackers (tracker/client, tracker/server)
/** Largest HTTP tracker response body we read: 200 peers dicts are ~15 KiB; 1 MiB is generous. */
export const TRACKER_HTTP_MAX_RESPONSE_BYTES = 1024 * 1024;
/** An HTTP tracker request (connect + response) is abandoned after this long. */
export const TRACKER_HTTP_TIMEOUT_MS = 20_000;
/** Peers we ask a tracker for (BEP 3 numwant); 50 is the usual default. */
export const TRACKER_CLIENT_NUMWANT = 50;
/** Announce interval we use when a tracker gives none or an absurd one, and the bounds we clamp to. */
export const TRACKER_CLIENT_MIN_INTERVAL_SEC = 30;
export const TRACKER_CLIENT_MAX_INTERVAL_SEC = 6 * 3600;
/** BEP 15: retransmit after 15 * 2^n s; n stops at 8 (the spec's ~1 h cap). */
export const TRACKER_UDP_BASE_TIMEOUT_MS = 15_000;
export const TRACKER_UDP_MAX_RETRANSMITS = 8;
/** BEP 15: a client may use a connection id for one minute after receiving it. */
export const TRACKER_UDP_CONNECTION_ID_TTL_MS = 60_000;
/** The `stopped` announce on shutdown waits at most this long (the app must quit promptly). */
export const TRACKER_STOP_TIMEOUT_MS = 5_000;
/** Swarms one embedded tracker holds; an open tracker must not grow without bound. */
export const TRACKER_MAX_SWARMS = 100_000;
/** Peers in one swarm; beyond this, new peers are refused (the swarm is healthy anyway). */
export const TRACKER_MAX_PEERS_PER_SWARM = 100_000;
/** Peers over all swarms: ~400 B each, so 1M peers stay under half a GiB. */
export const TRACKER_MAX_PEERS_TOTAL = 1_000_000;
/** Peers in one announce response when the client asks for none / at most (issue 5). */
export const TRACKER_DEFAULT_NUMWANT = 50;
export const TRACKER_MAX_NUMWANT = 200;
/** BEP 48 lets one scrape name many info-hashes; more than this per HTTP request is refused. */
export const TRACKER_MAX_SCRAPE_HASHES = 256;
/** HTTP tracker request head (request line + headers); a 1 MB query is refused with 431. */
export const TRACKER_HTTP_MAX_HEADER_BYTES = 8 * 1024;
/** An HTTP client must send its request head within this time (slowloris), and idle keep-alives close. */
export const TRACKER_HTTP_HEADERS_TIMEOUT_MS = 10_000;
export const TRACKER_HTTP_KEEP_ALIVE_MS = 15_000;
/** Concurrent HTTP connections to the embedded tracker. */
export const TRACKER_HTTP_MAX_CONNECTIONS = 4_096;
/** BEP 15: trackers accept a connection id for two minutes after sending it. */
export const TRACKER_UDP_CONNECTION_ID_VALID_MS = 120_000;
/** Swarms listed in the server's stats; the UI asks for one swarm's detail separately. */
export const TRACKER_MAX_STATS_SWARMS = 500;
/** Peers listed for one swarm in its detail view. */
export const TRACKER_MAX_STATS_PEERS = 1_000;

// ---- storage (storage/file-storage.ts)
/** Open file handles per FileStorage: a torrent may list 100k files, a process gets ~1024 fds. */
export const MAX_OPEN_FILES_PER_STORAGE = 32;

// ---- desktop integration (host/electron/desktop)
/** Files or magnet links one launch hands over; "open with" on a whole folder is cut here. */
export const DESKTOP_MAX_LAUNCH_TARGETS = 64;
/** One launch argument: Windows caps a whole command line at 32,767 characters. */
export const DESKTOP_MAX_LAUNCH_ARG_CHARS = 32_767;
/** Tray tooltip and dock/taskbar badge refresh: rates move every second, no need for more. */
export const DESKTOP_REFRESH_INTERVAL_MS = 1_000;
/** Response bytes a tracker HTTP client may leave unread (pipelining without reading) before it is cut off. */
export const TRACKER_HTTP_MAX_PENDING_WRITE_BYTES = 1024 * 1024;
/** Kernel buffer for the tracker's UDP socket: absorbs bursts of announces (the kernel caps it at rmem_max). */
export const TRACKER_UDP_SOCKET_BUFFER_BYTES = 4 * 1024 * 1024;

// ---- one torrent's timings and counts (torrent/)
/** Candidates are looked at for dialling this often. */
export const CONNECT_TICK_MS = 1_000;
/** Request expiry, request top-up, the upload-rate history and the idle-seed check run this often. */
export const TORRENT_TICK_MS = 1_000;
/** A candidate just dialled waits this long before the next try (a seed keeps other seeds for later). */
export const REDIAL_AFTER_DIAL_MS = 30_000;
/** A failed dial backs off exponentially: first wait, doubling per failure up to the cap. */
export const DIAL_BACKOFF_BASE_MS = 2_000;
export const DIAL_BACKOFF_MAX_MS = 300_000;
/** A peer that hung up on us may come back soon (it restarted, or was full for a moment). */
export const REDIAL_AFTER_REMOTE_CLOSE_MS = 5_000;
/** A peer we closed (idle, not wanted, protocol fault) is given longer before we try it again. */
export const REDIAL_AFTER_LOCAL_CLOSE_MS = 15_000;
/** Upload-rate samples kept for the seeding chart: five minutes at one per tick. */
export const RATE_HISTORY_SAMPLES = 300;
/**
 * Requests are topped up once this many (or a quarter of the pipeline) can go out together: a
 * write to a loopback socket also pays for the receiving side, so fewer, larger ones are cheaper.
 */
export const REQUEST_BATCH_MAX = 256;
/** Shortest wait before requests held back by the download limit are tried again. */
export const REQUEST_RETRY_MIN_MS = 10;
/** While seeding to fewer peers than this, re-announce every IDLE_SEED_ANNOUNCE_MS. */
export const IDLE_SEED_MIN_PEERS = 2;
export const IDLE_SEED_ANNOUNCE_MS = 20_000;
/** Regular unchoke slots when the session sets none (BEP 3 suggests four). */
export const DEFAULT_UNCHOKE_SLOTS = 4;
/** BEP 10 `reqq`: requests a peer may queue with us; matches MAX_UPLOAD_QUEUE_PER_PEER. */
export const ADVERTISED_REQQ = MAX_UPLOAD_QUEUE_PER_PEER;
/** Blocks one upload loop serves before it yields; a bound for the loop, far above a real queue. */
export const UPLOAD_LOOP_MAX_BLOCKS = 100_000;
/**
 * Connections per IP address in one torrent (issue 16 item 6): one host with many ports or ids
 * took every slot. libtorrent's default is one too. Loopback peers (this machine's own test
 * swarms, bench and CLI processes) are exempt unless the options say otherwise; see
 * torrent/address-policy.ts.
 */
export const MAX_CONNECTIONS_PER_IP = 1;
