/**
 * The swarm lab (issue 19): a swarm of real engine sessions on loopback, made to be watched.
 * These are the plain shapes the lab controller (src-main/lab), the CLI, the contract and the
 * renderer share, the caps on what a user may ask for, and the two pure rules everyone reads:
 * which peers hold a piece (bitfields, BEP 3 bit order) and when every piece is "out in the
 * swarm".
 */

export type LabRole = 'seeder' | 'leecher' | 'freeloader' | 'corrupt';
export const labRoles: readonly LabRole[] = ['seeder', 'leecher', 'freeloader', 'corrupt'];

/** What a user asks for. Sizes in MiB, rates in bytes per second, times in seconds. */
export interface LabConfig {
  /** Generated content of this size; ignored when `filePath` is set. */
  sizeMiB: number;
  /** Share this file instead of generated content. */
  filePath: string | null;
  /** Seed of the generated content: the same seed and size give the same bytes. */
  seed: number;
  leechers: number;
  seeders: number;
  /** Peers that download but never unchoke anyone. */
  freeloaders: number;
  /** Peers that hold the content but flip a byte of every block they send. */
  corrupt: number;
  /** Each lab peer's upload cap; 0 means unlimited. */
  uploadLimitBps: number;
  /** Leechers arrive evenly over this many seconds (0: all at once). */
  arrivalSpreadSec: number;
  /** Downloading peers that leave (and come back a few seconds later) per minute. */
  churnPerMin: number;
}

/** Caps, so a typo cannot fork a thousand processes or fill the disk. */
export const LAB_MAX_LEECHERS = 50;
export const LAB_MAX_SEEDERS = 5;
export const LAB_MAX_FREELOADERS = 10;
export const LAB_MAX_CORRUPT = 5;
/** Every leecher keeps a full copy on disk: 50 copies of 1 GiB is already a lot. */
export const LAB_MAX_SIZE_MIB = 1024;
export const LAB_MAX_ARRIVAL_SPREAD_SEC = 600;
export const LAB_MAX_CHURN_PER_MIN = 60;
/** 1 GiB/s: a per-peer cap above this is a typo for "unlimited". */
export const LAB_MAX_UPLOAD_LIMIT_BPS = 1024 * 1024 * 1024;

export const defaultLabConfig: LabConfig = {
  sizeMiB: 16,
  filePath: null,
  seed: 1,
  leechers: 8,
  seeders: 1,
  freeloaders: 0,
  corrupt: 0,
  uploadLimitBps: 0,
  arrivalSpreadSec: 0,
  churnPerMin: 0,
};

function intIn(v: unknown, lo: number, hi: number): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;
}

/** The first thing wrong with a config, as a sentence for the user, or null when it is fine. */
export function labConfigError(c: LabConfig): string | null {
  if (!intIn(c.leechers, 1, LAB_MAX_LEECHERS))
    return `leechers must be a whole number from 1 to ${LAB_MAX_LEECHERS}`;
  if (!intIn(c.seeders, 1, LAB_MAX_SEEDERS))
    return `seeders must be a whole number from 1 to ${LAB_MAX_SEEDERS}`;
  if (!intIn(c.freeloaders, 0, LAB_MAX_FREELOADERS))
    return `freeloaders must be a whole number from 0 to ${LAB_MAX_FREELOADERS}`;
  if (!intIn(c.corrupt, 0, LAB_MAX_CORRUPT))
    return `corrupt peers must be a whole number from 0 to ${LAB_MAX_CORRUPT}`;
  if (c.filePath === null && !intIn(c.sizeMiB, 1, LAB_MAX_SIZE_MIB))
    return `size must be a whole number of MiB from 1 to ${LAB_MAX_SIZE_MIB}`;
  if (c.filePath !== null && (typeof c.filePath !== 'string' || c.filePath.trim() === ''))
    return 'file path is empty';
  if (!intIn(c.seed, 0, 0xffffffff)) return 'seed must be a whole number from 0 to 4294967295';
  if (!intIn(c.uploadLimitBps, 0, LAB_MAX_UPLOAD_LIMIT_BPS))
    return 'upload limit must be a whole number of bytes per second (0 for unlimited)';
  if (
    typeof c.arrivalSpreadSec !== 'number' ||
    !(c.arrivalSpreadSec >= 0 && c.arrivalSpreadSec <= LAB_MAX_ARRIVAL_SPREAD_SEC)
  )
    return `arrival spread must be from 0 to ${LAB_MAX_ARRIVAL_SPREAD_SEC} seconds`;
  if (
    typeof c.churnPerMin !== 'number' ||
    !(c.churnPerMin >= 0 && c.churnPerMin <= LAB_MAX_CHURN_PER_MIN)
  )
    return `churn must be from 0 to ${LAB_MAX_CHURN_PER_MIN} peers a minute`;
  return null;
}

export type LabPeerStatus =
  | 'waiting' // not arrived yet
  | 'starting'
  | 'running'
  | 'paused'
  | 'away' // left by churn, coming back
  | 'removed'
  | 'failed';

export interface LabPeerState {
  id: number;
  /** "seeder 1", "leecher 4": what the matrix's rows and the CLI call it. */
  name: string;
  role: LabRole;
  status: LabPeerStatus;
  /** Its listen port on 127.0.0.1 once running: how other peers' lists name it. */
  port: number | null;
  peerIdHex: string | null;
  /** The pieces it has, one bit a piece, high bit first (BEP 3's bitfield). */
  have: Uint8Array;
  haveCount: number;
  downRateBps: number;
  upRateBps: number;
  downloadedBytes: number;
  uploadedBytes: number;
  connections: number;
  /** Its copy hashed to the original's SHA-256 (honest downloaders only). */
  verified: boolean;
  /** Milliseconds from the lab's start until it had every piece, or null. */
  doneAtMs: number | null;
  error: string | null;
}

export interface LabBan {
  /** The name of the peer that banned... */
  by: string;
  /** ...and of the one it banned (its address when no lab peer matches). */
  banned: string;
  reason: string;
  atMs: number;
}

export type LabStatus = 'starting' | 'running' | 'complete' | 'failed' | 'closed';

export interface LabState {
  status: LabStatus;
  /** Why it failed, or the last refused action. */
  message: string | null;
  config: LabConfig;
  name: string;
  infoHashHex: string;
  sizeBytes: number;
  pieceLength: number;
  pieceCount: number;
  /** The lab's tracker, on 127.0.0.1. */
  announceUrl: string;
  /** Milliseconds since the lab started. */
  elapsedMs: number;
  /** Pieces that some honest peer other than the original seeders holds. */
  piecesOut: number;
  /** When every honest leecher had verified content, or null. */
  fullDistributionMs: number | null;
  originalSeederRemoved: boolean;
  bans: LabBan[];
  peers: LabPeerState[];
}

export type LabAction =
  | { kind: 'remove-original-seeder' }
  | { kind: 'pause'; peer: number }
  | { kind: 'resume'; peer: number }
  | { kind: 'add'; role: LabRole };

export function bitfieldBytes(pieceCount: number): number {
  return Math.ceil(pieceCount / 8);
}

export function hasPiece(bits: Uint8Array, index: number): boolean {
  return ((bits[index >> 3] ?? 0) & (0x80 >> (index & 7))) !== 0;
}

export function setPiece(bits: Uint8Array, index: number): void {
  bits[index >> 3] = (bits[index >> 3] ?? 0) | (0x80 >> (index & 7));
}

export function countPieces(bits: Uint8Array, pieceCount: number): number {
  let n = 0;
  for (let i = 0; i < pieceCount; i++) if (hasPiece(bits, i)) n++;
  return n;
}

/** Peers whose pieces others can rely on: not corrupt, and uploading (not a freeloader). */
export function servesHonestly(role: LabRole): boolean {
  return role === 'seeder' || role === 'leecher';
}

/**
 * How many pieces are "out in the swarm": held by an honest peer other than `excluded` (the
 * original seeder) that is still in the swarm. When this reaches the piece count, removing the
 * original seeder leaves the swarm able to finish.
 */
export function piecesOutInSwarm(
  peers: readonly Pick<LabPeerState, 'id' | 'role' | 'status' | 'have'>[],
  pieceCount: number,
  excluded: ReadonlySet<number>,
): number {
  const holders = peers.filter(
    (p) =>
      !excluded.has(p.id) &&
      servesHonestly(p.role) &&
      // A paused or departed peer serves nobody now.
      p.status === 'running',
  );
  let out = 0;
  for (let i = 0; i < pieceCount; i++) if (holders.some((p) => hasPiece(p.have, i))) out++;
  return out;
}

/** A lab peer as the contract carries it: its bitfield lives in the view's matrix instead. */
export type LabPeerView = Omit<LabPeerState, 'have'>;

/**
 * The lab as the contract carries it (`lab.state`): the peers × pieces matrix is one byte array,
 * row `r` (peer `peers[r]`) at `matrix.subarray(r * rowBytes, (r + 1) * rowBytes)`, each row a
 * BEP 3 bitfield. One typed array however many peers, so a frame stays small and simple.
 */
export interface LabView extends Omit<LabState, 'peers'> {
  peers: LabPeerView[];
  rowBytes: number;
  matrix: Uint8Array;
}

export function toLabView(s: LabState): LabView {
  const rowBytes = bitfieldBytes(s.pieceCount);
  const matrix = new Uint8Array(rowBytes * s.peers.length);
  const peers = s.peers.map((p, r) => {
    const { have, ...rest } = p;
    matrix.set(have.subarray(0, rowBytes), r * rowBytes);
    return rest;
  });
  return { ...s, peers, rowBytes, matrix };
}

/** Row `r` of a view's matrix. */
export function labRow(v: Pick<LabView, 'matrix' | 'rowBytes'>, r: number): Uint8Array {
  return v.matrix.subarray(r * v.rowBytes, (r + 1) * v.rowBytes);
}
