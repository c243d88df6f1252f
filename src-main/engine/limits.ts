/**
 * Every size or count a remote party controls has a named limit here, with its reason
 * (docs/ARCHITECTURE.md section 3). Modules add their limits to this file.
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

/** Response bytes a tracker HTTP client may leave unread (pipelining without reading) before it is cut off. */
export const TRACKER_HTTP_MAX_PENDING_WRITE_BYTES = 1024 * 1024;
/** Kernel buffer for the tracker's UDP socket: absorbs bursts of announces (the kernel caps it at rmem_max). */
export const TRACKER_UDP_SOCKET_BUFFER_BYTES = 4 * 1024 * 1024;

// ---- hostile names (metainfo/sanitize-path.ts, metainfo/parse.ts) — issue 16 item 5
/** One path component from a torrent, in UTF-8 bytes: ext4, APFS and NTFS all stop at 255. */
export const METAINFO_MAX_COMPONENT_BYTES = 255;
/** A file's whole relative path (name/dir/.../file) in UTF-8 bytes: Linux's PATH_MAX is 4,096. */
export const METAINFO_MAX_PATH_BYTES = 4_096;

// ---- message stream encryption, MSE/PE (crypto/)
/** MSE: PadA, PadB, PadC and PadD are each "0 to 512 bytes"; a longer one is refused. */
export const MSE_MAX_PAD_BYTES = 512;
/**
 * MSE: the responder finds HASH('req1', S) after Ya within PadA: 512 pad bytes + 20 hash bytes.
 * A stream without it in that window is not MSE (or not for us) and is closed.
 */
export const MSE_REQ1_SYNC_WINDOW_BYTES = MSE_MAX_PAD_BYTES + 20;
/** MSE: the initiator finds ENCRYPT(VC) after Yb within PadB: 512 pad bytes + the 8-byte VC. */
export const MSE_VC_SYNC_WINDOW_BYTES = MSE_MAX_PAD_BYTES + 8;
/**
 * The whole MSE handshake (both DH keys, pads and the initial payload) must finish within this
 * time; libtorrent allows its handshake about as long. A slow start holds only one socket.
 */
export const MSE_HANDSHAKE_TIMEOUT_MS = 10_000;
/**
 * Bytes an encrypted connection may hold waiting for the RC4 worker (crypto/rc4-offload.ts). A
 * well-behaved peer sends only what we asked for (a few MiB of requests in flight), so more
 * than this is a flood, and closes the peer instead of growing the buffer.
 */
export const RC4_OFFLOAD_MAX_PENDING_BYTES = 64 * 1024 * 1024;
/**
 * MSE: len(IA) is 2 bytes, so the initial payload is at most 65,535 bytes; real clients send the
 * 68-byte BitTorrent handshake, sometimes with their first messages.
 */
export const MSE_MAX_INITIAL_PAYLOAD_BYTES = 65_535;
/**
 * Bytes an MSE handshake buffers before it is done: its own reads stay under 67 KiB (Ya, PadA,
 * the hashes, PadC and a 65,535-byte IA), but the first frames after it may arrive in the same
 * socket reads (a bitfield frame is up to MAX_FRAME_BYTES), so twice that bound with room.
 */
export const MSE_MAX_HANDSHAKE_BUFFER_BYTES = 2 * 1024 * 1024 + 128 * 1024;

// ---- session: listener and data folder (session/, issue 16 items 1, 6 and 10)
/**
 * Incoming connections still in the handshake, over all addresses. Each holds a file descriptor
 * (a process often gets 1,024); 400 half-open ones from a stranger took 400 before this cap.
 * Real peers send the 68-byte handshake at once, so a few dozen pending is already a lot.
 */
export const MAX_PENDING_HANDSHAKES = 128;
/** Pending handshakes from one IP: a peer opens one connection per torrent, not dozens at once. */
export const MAX_PENDING_HANDSHAKES_PER_IP = 8;
/**
 * How often the all-time upload/download totals are written to session.json while torrents run,
 * so a crash loses at most this much of a ratio (pause, remove and close save at once).
 */
export const SESSION_TOTALS_SAVE_INTERVAL_MS = 60_000;
/** Alerts raised before any host listens (while restoring) are kept for the first listener. */
export const MAX_EARLY_ALERTS = 100;

// ---- peer connection, wire and transports (peer/, wire/, net/): issues 14 and 16
/** How often a peer connection checks its timers (request expiry, keep-alive, idle). */
export const PEER_TICK_MS = 1_000;
/**
 * A frame must complete within this long of its first byte, or the peer is closed (issue 16).
 * Why: every byte resets the idle timer, so a peer trickling a maximal frame one byte at a time
 * could hold its buffer (up to MAX_FRAME_BYTES) for ever. 60 s matches REQUEST_TIMEOUT_MS: a
 * 16 KiB block needs ~280 B/s to make it, and our largest frame, a 256 KiB bitfield of 2M pieces,
 * ~4.4 KB/s; a slower peer is useless to us anyway.
 */
export const FRAME_RECEIVE_TIMEOUT_MS = 60_000;
/**
 * Requests we may refuse a peer (while we choke it, or over our BEP 10 `reqq`) between two of our
 * choke/unchoke messages, as a multiple of that `reqq`, before it is closed as a request flood.
 * Why: each refusal costs us a reject (BEP 6) or a log line; an honest peer has at most `reqq`
 * requests on the wire when our choke arrives, so twice that is slack, not a limit it can meet.
 */
export const MAX_REFUSED_REQUESTS_PER_REQQ = 2;

// ---- tracker: per-IP limits, hostile trackers and reflection (issue 16 items 6 and 10)
// An "IP" here is an IPv4 address or an IPv6 /64: one IPv6 host is routinely given a whole /64,
// so counting single IPv6 addresses would let one host pose as 2^64 of them.
/** Peers one IP may register in one swarm: a carrier-grade NAT puts a few users of one torrent
 * behind one address, but 5,000 "peers" from one host (issue 16) are one host lying. */
export const TRACKER_MAX_PEERS_PER_IP_PER_SWARM = 32;
/** Peers one IP may register over all swarms: a seedbox seeds thousands of torrents, yet one
 * host must not be able to fill the global cap (TRACKER_MAX_PEERS_TOTAL) alone. */
export const TRACKER_MAX_PEERS_PER_IP = 4_096;
/** Per-IP announce rate (a token bucket): sustained announces per second, and the burst a host
 * may send at once (a client starting many torrents). Honest clients announce each torrent
 * every ~30 minutes; one host at 3,000/s (issue 16) is an attack on our CPU. */
export const TRACKER_ANNOUNCES_PER_IP_PER_SEC = 20;
export const TRACKER_ANNOUNCE_BURST_PER_IP = 200;
/** IPs whose announce rate is remembered; beyond this the least recently seen is forgotten
 * (it starts again with a full bucket), so address-rotating floods cannot grow our memory. */
export const TRACKER_RATE_LIMITED_IPS = 65_536;
/** Peers taken from one tracker response (client side): a hostile tracker may send a 1 MiB
 * compact list (~170k peers); more than this are dropped before they reach the torrent. */
export const TRACKER_CLIENT_MAX_PEERS_PER_RESPONSE = 500;
/** HTTP redirects a tracker announce or scrape follows before it fails (a loop ends here). */
export const TRACKER_HTTP_MAX_REDIRECTS = 5;
/** The seeding stat "peers served" counts distinct peers; the keys that tell them apart are kept
 * for at most this many peers and this long since each was last served, so a long-running seed
 * does not hold every address it ever served (issue 16 item 10). A peer forgotten and served
 * again counts again: the stat errs slightly high, never with unbounded memory. */
export const SEED_SERVED_PEERS_REMEMBERED = 10_000;
export const SEED_SERVED_PEER_MEMORY_MS = 60 * 60_000;

// ---- mainline DHT (dht/), BEP 5
/** A KRPC packet larger than this is dropped unread: BEP 5 messages fit one Ethernet frame. */
export const KRPC_MAX_PACKET_BYTES = 1_500;
/** Bencode nesting in a KRPC message: the deepest BEP 5 message is dict > dict > list. */
export const KRPC_MAX_DEPTH = 8;
/** Bencode items in one KRPC message; bounds work per packet (1,500 bytes hold < 400 anyway). */
export const KRPC_MAX_ITEMS = 512;
/** Transaction ids are echoed back; libtorrent sends 2 bytes, others up to 8. Longer is refused. */
export const KRPC_MAX_TRANSACTION_ID_BYTES = 16;
/** Tokens are opaque but short (ours 8 bytes, libtorrent 4); longer ones are refused. */
export const KRPC_MAX_TOKEN_BYTES = 64;
/** Compact nodes kept from one response: BEP 5 sends K = 8; more only feeds a lookup junk. */
export const KRPC_MAX_NODES_PER_RESPONSE = 16;
/** Peers kept from one get_peers response; a packet fits ~180, real nodes send <= 100. */
export const KRPC_MAX_VALUES_PER_RESPONSE = 100;
/** BEP 5: K, the size of a k-bucket and of a lookup's result. */
export const DHT_K = 8;
/** Nodes waiting in one bucket's replacement cache for a bad node to leave. */
export const DHT_REPLACEMENT_CACHE_SIZE = 8;
/** BEP 5: a node not heard from for 15 minutes is questionable. */
export const DHT_NODE_QUESTIONABLE_AFTER_MS = 15 * 60_000;
/** Failed queries in a row after which a node is bad and can be replaced. */
export const DHT_NODE_MAX_FAILURES = 2;
/** BEP 5: the token secret changes every 5 minutes; the previous one is still accepted. */
export const DHT_TOKEN_ROTATE_MS = 5 * 60_000;
/** BEP 5 (and libtorrent): an announced peer is dropped 30 minutes after its last announce. */
export const DHT_PEER_TTL_MS = 30 * 60_000;
/** Peers stored for one info-hash; the oldest leaves first (libtorrent keeps 100 by default). */
export const DHT_MAX_PEERS_PER_INFO_HASH = 200;
/** Info-hashes we store peers for; anyone may announce anything, so this bounds memory. */
export const DHT_MAX_INFO_HASHES = 5_000;
/** Peers stored over all info-hashes (~100 B each, so ~5 MB at most). */
export const DHT_MAX_STORED_PEERS = 50_000;
/** Peers we put in one get_peers answer: 50 compact peers keep the packet under 1,500 bytes. */
export const DHT_MAX_VALUES_PER_ANSWER = 50;
/** Per-IP query rate (token bucket): steady queries per second and the burst allowed. */
export const DHT_QUERY_RATE_PER_IP_PER_SEC = 50;
export const DHT_QUERY_BURST_PER_IP = 200;
/** IPs whose query rate we track; the oldest entry is forgotten first, so memory is bounded. */
export const DHT_RATE_LIMIT_MAX_IPS = 10_000;
/** Queries of ours awaiting an answer; beyond this new queries fail at once rather than queue. */
export const DHT_MAX_PENDING_QUERIES = 512;
/** An unanswered query counts as failed after this long. */
export const DHT_QUERY_TIMEOUT_MS = 5_000;
/** BEP 5: alpha, the queries one lookup keeps in flight. */
export const DHT_LOOKUP_ALPHA = 3;
/** Queries one lookup sends at most: a hostile node inventing nodes cannot keep it going. */
export const DHT_LOOKUP_MAX_QUERIES = 100;
/** Candidates one lookup remembers (closest first); farther ones are never queried anyway. */
export const DHT_LOOKUP_MAX_CANDIDATES = 64;
/** A whole lookup gives up after this long and returns what it has. */
export const DHT_LOOKUP_TIMEOUT_MS = 30_000;
/** Peers one get_peers lookup collects before it stops adding more. */
export const DHT_LOOKUP_MAX_PEERS = 500;
/** Lookups running at once; more are refused, so callers cannot queue unbounded work. */
export const DHT_MAX_LOOKUPS_IN_FLIGHT = 64;
/** Verification pings to nodes that queried us; each unknown node costs one pending query. */
export const DHT_MAX_VERIFY_PINGS_IN_FLIGHT = 32;
/** Routing-table upkeep: pings questionable nodes and refreshes stale buckets. */
export const DHT_MAINTENANCE_INTERVAL_MS = 60_000;
/** Nodes restored from a saved table; a table holds at most 160 * K = 1,280 anyway. */
export const DHT_MAX_RESTORED_NODES = 1_280;

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

// --- resume data (issue 15) ---
/**
 * Resume files are written in a batch at most this often (plus at once when a torrent
 * completes, pauses or is removed, and at shutdown). A crash loses at most this much of the
 * bitfield; the pieces written since are found again by the check of their changed files.
 */
export const RESUME_SAVE_INTERVAL_MS = 30_000;
// --- disk faults and missing files (issue 15) ---
/**
 * A running torrent looks for its files this often (one stat per file that holds data), so a
 * file deleted or a drive unplugged under it stops it with "files missing" within seconds, not
 * at the next read. libtorrent and Transmission notice only when they next touch the file.
 */
export const FILES_PRESENCE_CHECK_MS = 5_000;
/** Bytes per read and write when a moved file must be copied to another device. */
export const MOVE_COPY_CHUNK_BYTES = 1024 * 1024;
// --- magnets and metadata exchange, BEP 9 (issue 17) ---
/** Trackers, peers or web seeds one magnet link may list; real links carry a few dozen at most. */
export const MAGNET_MAX_LIST_ENTRIES = 512;
/** Files a BEP 53 `so` selection may name (ranges counted out); a torrent's files are capped too. */
export const MAGNET_MAX_SELECTED_FILES = 100_000;
/** BEP 9: metadata travels in pieces of 16 KiB (the last one shorter). */
export const METADATA_PIECE_BYTES = 16 * 1024;
/**
 * The largest `metadata_size` we accept: a peer announcing more is closed. 8 MiB of info dict is
 * about 400,000 pieces of hashes (terabytes of data); libtorrent's default cap is 4 MiB.
 */
export const METADATA_MAX_BYTES = 8 * 1024 * 1024;
/** The bencoded dict before a metadata piece is about 50 bytes; a longer one is not a header. */
export const UT_METADATA_MAX_HEADER_BYTES = 512;
/** Metadata requests we keep in flight with one peer (pieces are 16 KiB; more gain nothing). */
export const METADATA_REQUESTS_PER_PEER = 4;
/** A metadata request unanswered this long is given to another peer. */
export const METADATA_REQUEST_TIMEOUT_MS = 10_000;
/** After a reject, a peer is not asked for metadata again for this long. */
export const METADATA_REJECT_BACKOFF_MS = 30_000;
/** Connections a magnet keeps open while it fetches metadata: a few peers suffice. */
export const METADATA_FETCH_MAX_PEERS = 20;
/**
 * Metadata pieces we serve one peer: a burst, then one a second. A leecher needs each piece
 * once; more is a peer making us send the same megabytes again and again.
 */
export const METADATA_SERVE_BURST_PIECES = 600;
export const METADATA_SERVE_PIECES_PER_SEC = 20;
/** Requests past the serving rate that are rejected before the peer is closed as a flood. */
export const METADATA_SERVE_MAX_REJECTS = 1_000;
/**
 * Assembled metadata that failed its hash (each time its senders are closed and never dialled
 * again) before a magnet gives up in the error state: every peer so far lied.
 */
export const METADATA_MAX_HASH_FAILURES = 8;
// --- DHT in the session (issue 17) ---
/** How often the session looks for torrents due a DHT announce or lookup. */
export const DHT_SESSION_TICK_MS = 5_000;
/**
 * Re-announce period: stored peers expire after 30 minutes (BEP 5 nodes, DHT_PEER_TTL_MS), and
 * libtorrent re-announces every 15, so we stay listed with one lost announce to spare.
 */
export const DHT_ANNOUNCE_INTERVAL_MS = 15 * 60_000;
/** A download whose last lookup found peers asks again this often, for peers that join later. */
export const DHT_DOWNLOAD_LOOKUP_INTERVAL_MS = 5 * 60_000;
/** A download whose last lookup found nobody asks again sooner: the swarm may be just starting. */
export const DHT_EMPTY_LOOKUP_RETRY_MS = 30_000;
/**
 * Torrent announces run at once, session-wide. Each is a lookup of up to DHT_LOOKUP_MAX_QUERIES
 * queries; with hundreds of torrents this caps the rate of queries we send.
 */
export const DHT_SESSION_MAX_TORRENT_LOOKUPS = 4;
/** The routing table is saved to the data folder this often (and at shutdown). */
export const DHT_TABLE_SAVE_INTERVAL_MS = 5 * 60_000;
// --- PEX (BEP 11) and LSD (BEP 14), issue 17 ---
/** BEP 11: a peer gets at most one PEX message a minute from us. */
export const PEX_INTERVAL_MS = 60_000;
/** BEP 11: at most 50 added and 50 dropped peers in one message we send. */
export const PEX_MAX_ADDED_PER_MESSAGE = 50;
export const PEX_MAX_DROPPED_PER_MESSAGE = 50;
/**
 * A PEX message we accept carries at most this many added (IPv4 and IPv6 together) or dropped
 * peers: twice BEP 11's 50, for clients that round up. More is a flood and closes the sender.
 */
export const PEX_MAX_RECEIVED_PER_MESSAGE = 100;
/** Bytes of one PEX message: 100 IPv6 added + flags + 100 dropped is about 3.7 KB; room for keys. */
export const PEX_MAX_MESSAGE_BYTES = 8_192;
/**
 * PEX messages one peer may send us per PEX_INTERVAL_MS window. BEP 11 says one a minute; a few
 * more allow for a first message right after the handshake and timer jitter. More closes it.
 */
export const PEX_MAX_MESSAGES_PER_WINDOW = 4;
/** Added peers one peer may give us per PEX_INTERVAL_MS window; more closes it (a flood). */
export const PEX_MAX_ADDED_PER_WINDOW = 200;
/**
 * Candidates PEX may occupy in one torrent: a quarter of MAX_CANDIDATES_PER_TORRENT, so peers
 * that lie cannot crowd out what the trackers, the DHT and the user gave us.
 */
export const PEX_MAX_CANDIDATES_PER_TORRENT = 500;
/** Candidates LSD may occupy in one torrent: a LAN rarely holds more, and anyone on it may send. */
export const LSD_MAX_CANDIDATES_PER_TORRENT = 100;
/** BEP 14: the IPv4 multicast group and port. */
export const LSD_MULTICAST_GROUP4 = '239.192.152.143';
export const LSD_PORT = 6771;
/** BEP 14: a torrent is announced at most once a minute. */
export const LSD_MIN_ANNOUNCE_INTERVAL_MS = 60_000;
/** Each public torrent is announced again this often (libtorrent: five minutes). */
export const LSD_ANNOUNCE_INTERVAL_MS = 5 * 60_000;
/** How often the LSD service looks for torrents due an announce. */
export const LSD_TICK_MS = 5_000;
/** Bytes of one LSD datagram we read: BEP 14 messages fit one unfragmented packet. */
export const LSD_MAX_MESSAGE_BYTES = 1_400;
/** Info-hashes in one LSD message (sent or accepted): 1,400 bytes hold about 25 header lines. */
export const LSD_MAX_INFOHASHES_PER_MESSAGE = 20;
/** Header lines we read in one LSD message; more is garbage. */
export const LSD_MAX_HEADER_LINES = 32;
/** LSD messages accepted per source IP per LSD_MIN_ANNOUNCE_INTERVAL_MS; more are ignored. */
export const LSD_MAX_MESSAGES_PER_IP_PER_WINDOW = 30;
/** Source IPs whose LSD rate we track; the oldest entry is forgotten first (bounded memory). */
export const LSD_RATE_LIMIT_MAX_IPS = 1_024;
// --- uTP (issue 18, BEP 29) ---
/**
 * Extensions one uTP header may chain. BEP 29 defines two (selective ack, extension bits); a
 * longer chain is a malformed packet, not a reason to walk a stranger's bytes.
 */
export const UTP_MAX_EXTENSIONS = 4;
/**
 * Bytes of a selective-ack bitmask we accept: 1024 packets past ack_nr. libtorrent sends at most
 * 32; more than our reorder window could ever use is malformed.
 */
export const UTP_MAX_SACK_BYTES = 128;
/**
 * Packets we hold out of order past the next one expected (the receive reordering buffer); a
 * sequence number further ahead is dropped. With 1400-byte payloads this is about 1.4 MiB, our
 * advertised window.
 */
export const UTP_REORDER_WINDOW_PACKETS = 1024;
/**
 * A packet whose ack_nr is further than this behind what we sent (or ahead of it) is from
 * another life of the connection or forged: dropped without a reply.
 */
export const UTP_MAX_ACK_DISTANCE = 2048;
/**
 * Incoming uTP connections (SYN received, BitTorrent handshake not yet read) held at once,
 * overall and per remote IP: a SYN flood costs one small record each, up to here, then nothing.
 */
export const UTP_MAX_PENDING_SYNS = 64;
export const UTP_MAX_PENDING_SYNS_PER_IP = 8;
/** uTP connections over the shared UDP port, all states together (TCP's cap is the session's). */
export const UTP_MAX_CONNECTIONS = 1_000;
/** Bytes the remote may advertise as its window that we honour; a larger value is clamped. */
export const UTP_MAX_PEER_WINDOW_BYTES = 8 * 1024 * 1024;

// --- piece origins (issue 19) ---
/**
 * Peers a torrent remembers as the origin of its pieces (the slot table). Every peer that sends
 * us a block takes a slot, and peers churning addresses or ids could otherwise grow the table,
 * and the resume file it is saved in, without end; past the cap, new senders share the last slot
 * ("others"). 1,000 is far more than the top peers the Pieces tab names.
 */
export const PIECE_ORIGIN_MAX_SLOTS = 1_000;
/** Characters of a peer's client name kept in the slot table (it comes from the peer). */
export const PIECE_ORIGIN_MAX_CLIENT_CHARS = 64;
// --- port mapping: UPnP IGD, NAT-PMP and PCP (issue 18) ---
/**
 * Lease we ask a router for, in seconds (NAT-PMP's recommended 7200). We renew at half of what
 * the router grants, so a mapping never lapses while we run and dies soon after a crash.
 */
export const PORT_MAPPING_LEASE_SEC = 7200;
/**
 * Shortest renewal interval we accept from a router's granted lifetime: a router that grants a
 * few seconds must not make us send a request every second.
 */
export const PORT_MAPPING_MIN_RENEW_MS = 60_000;
/** A failed mapping is tried again after this long (a router that was rebooting, say). */
export const PORT_MAPPING_RETRY_MS = 5 * 60_000;
/**
 * How long closing waits for the routers to confirm deletions: shutdown never hangs on a silent
 * gateway; the mapping's lease then ends by itself.
 */
export const PORT_MAPPING_CLOSE_WAIT_MS = 2_000;
/**
 * NAT-PMP (RFC 6886 section 3.1): the first retransmission after 250 ms, doubling. The RFC's nine
 * tries take 64 s; four (3.75 s) tell a silent gateway from a slow one on any home network.
 */
export const NATPMP_INITIAL_RTO_MS = 250;
export const NATPMP_MAX_ATTEMPTS = 4;
/**
 * PCP (RFC 6887 section 8.1.1): IRT 3 s, doubling with +-10% jitter. The RFC retries forever;
 * we give up after three tries (about 21 s) and let NAT-PMP or UPnP speak.
 */
export const PCP_INITIAL_RTO_MS = 3_000;
export const PCP_MAX_ATTEMPTS = 3;
/** PCP's largest message (RFC 6887 section 7): a longer datagram from the gateway is malformed. */
export const PCP_MAX_MESSAGE_BYTES = 1100;
/** PCP options we walk in one response; the MAP opcode needs none, so a long chain is garbage. */
export const PCP_MAX_OPTIONS = 8;
/** How long we collect SSDP answers to one M-SEARCH (its MX is 2 s, plus a margin). */
export const SSDP_WAIT_MS = 3_000;
/** M-SEARCH rounds before UPnP is declared absent (UDP multicast is lossy; UPnP DA says send more than once). */
export const SSDP_ATTEMPTS = 2;
/** An SSDP answer is one datagram of headers; anything longer is not a router's reply. */
export const SSDP_MAX_DATAGRAM_BYTES = 2048;
/** Distinct device descriptions we fetch per search: a LAN full of chatty devices costs this much. */
export const SSDP_MAX_DEVICES = 8;
/**
 * An IGD's device description or SOAP answer, in bytes. Real ones are 2-20 KiB; the cap keeps a
 * hostile device on the LAN from filling memory.
 */
export const UPNP_MAX_HTTP_BYTES = 64 * 1024;
/** Time for one HTTP exchange with the router (connect, send, whole answer). */
export const UPNP_HTTP_TIMEOUT_MS = 5_000;
/** Elements and nesting we parse in one XML document: a description has a few hundred at most. */
export const XML_MAX_ELEMENTS = 4_096;
export const XML_MAX_DEPTH = 32;
/**
 * External ports we try after ConflictInMappingEntry (UPnP error 718: another device holds our
 * port): each try is one SOAP exchange, so a router that refuses everything costs only this many.
 */
export const UPNP_MAX_CONFLICT_RETRIES = 4;
// --- end port mapping ---
// --- timeline (issue 19) ---
// The per-peer timeline (torrent/peer-timeline.ts) records what each peer does; every event is
// caused by a remote party, so its memory is capped by time, per lane and in lanes.
/** How far back the timeline keeps events: the Timeline tab's ten minutes. */
export const TIMELINE_WINDOW_MS = 10 * 60_000;
/**
 * Events kept per lane. Coalescing keeps a full-speed peer near five events a second (a run or
 * burst lasts at least TIMELINE_MERGE_MS), so ten minutes fit; a peer flooding haves or
 * rejects loses its oldest events, never our memory.
 */
export const TIMELINE_MAX_EVENTS_PER_LANE = 3_000;
/** Lanes kept per torrent (open and recently closed); past it the oldest closed lane goes. */
export const TIMELINE_MAX_LANES = 300;
/** A pause longer than this ends a piece run, a request burst, a run of haves or rejects. */
export const TIMELINE_RUN_GAP_MS = 1_000;
/** A run younger than this takes in the next piece rather than a new run starting. */
export const TIMELINE_MERGE_MS = 250;
/** Requests, haves and rejects coalesce into one event for at most this long. */
export const TIMELINE_BURST_MAX_MS = 2_000;
// --- per-torrent actions and the queue (issue 21) ---
/**
 * How often the queue and the seed limits are looked at. Completion, pause, resume and removal
 * apply the queue at once; this catches ratios crossed by uploads and seeding-time limits,
 * whose pace a remote leecher sets. Once a second is finer than any limit a user sets.
 */
export const QUEUE_TICK_MS = 1_000;
/** Tracker tiers and URLs a user may set on one torrent (Edit trackers…). */
export const MAX_TRACKER_TIERS = 64;
export const MAX_TRACKERS_PER_TORRENT = 200;
// --- a thousand torrents: the announce queue (issue 20) ---
/**
 * A slot of the session's announce queue is taken back after this long: a tracker that never
 * answers (a UDP one retransmits for an hour under BEP 15) must not hold one of the few slots
 * that every torrent shares. Past the HTTP timeout and a UDP tracker's first retransmit.
 */
export const ANNOUNCE_SLOT_TIMEOUT_MS = 30_000;
/**
 * Seeds' routine announces started per second, at most: a thousand seeds restored at start-up
 * reach a tracker over 50 s and keep that spread, instead of in one burst that a tracker's rate
 * limit (ours: TRACKER_ANNOUNCES_PER_IP_PER_SEC) would refuse.
 */
export const ANNOUNCE_BACKGROUND_PER_SEC = 20;
