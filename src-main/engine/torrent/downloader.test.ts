import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PieceState } from '../../../src-shared/model/pieces';
import type { HashWritePool } from '../hash';
import { BLOCK_BYTES, REQUEST_RETRY_MIN_MS } from '../limits';
import { parseTorrent } from '../metainfo';
import { buildTorrent } from '../metainfo/test-fixtures';
import { TokenBucket } from '../net/token-bucket';
import type { PeerConnection } from '../peer/peer-connection';
import { PiecePicker } from '../picker';
import type { BlockRef } from '../picker';
import { FileLayout } from '../storage/file-layout';
import { MemoryStorage } from '../storage/memory-storage';
import type { Storage } from '../storage/storage';
import { ManualClock, seededRandom } from '../time/clock';
import type { TimerHandle } from '../time/clock';
import { Bitfield } from '../wire/bitfield';
import { BanPolicy } from './ban-policy';
import { PieceAssembly } from './download-pipeline';
import { Downloader } from './downloader';
import type { PeerState, TorrentContext } from './torrent-context';
import { PieceOrigins } from './piece-origins';

/** Pieces of two blocks; three pieces, the last one block long: five blocks in all. */
const PIECE = 2 * BLOCK_BYTES;
const PIECES = 3;
const TOTAL = 2 * PIECE + BLOCK_BYTES;

/** The PeerConnection surface the downloader uses; records what it is told to send. */
class FakeConnection {
  amInterested = false;
  peerChoking = false;
  allowedFastSet = new Set<number>();
  inFlight = 0;
  depth = 8;
  /** How many of the requests handed to requestMany go out (a full pipe sends fewer). */
  sendLimit = Infinity;
  remotePeerId: Uint8Array | null = null;
  clientName = 'fake 1.0';
  closed: string | null = null;
  calls: string[] = [];
  requested: BlockRef[] = [];
  expired: BlockRef[] = [];
  constructor(readonly peerBitfield: Bitfield) {}
  interested(): void {
    this.amInterested = true;
    this.calls.push('interested');
  }
  notInterested(): void {
    this.amInterested = false;
    this.calls.push('not-interested');
  }
  desiredQueueDepth(): number {
    return this.depth;
  }
  requestMany(blocks: readonly BlockRef[]): number {
    const sent = blocks.slice(0, Math.min(blocks.length, this.sendLimit));
    this.requested.push(...sent);
    this.inFlight += sent.length;
    return sent.length;
  }
  cancel(index: number, begin: number, length: number): void {
    this.calls.push(`cancel ${index}/${begin}+${length}`);
  }
  have(index: number): void {
    this.calls.push(`have ${index}`);
  }
  close(reason: string): void {
    this.closed = reason;
  }
  expireRequests(): BlockRef[] {
    const out = this.expired;
    this.expired = [];
    this.inFlight -= out.length;
    return out;
  }
}

interface Setup {
  t: TorrentContext;
  d: Downloader;
  clock: ManualClock;
  content: Uint8Array;
  picker: PiecePicker;
  storage: Storage;
  bans: BanPolicy;
  log: string[];
  failures: string[];
  completions: () => number;
  changes: () => number;
  downloadedBytes: () => number;
  timers: TimerHandle[];
  setStopped: (s: boolean) => void;
  setState: (s: ReturnType<TorrentContext['state']>) => void;
  addPeer: (key: string, has: 'all' | number[], conn?: Partial<FakeConnection>) => FakeConnection;
  peer: (key: string) => PeerState;
  /** Delivers the bytes of a block as the peer would. */
  deliver: (key: string, b: BlockRef, corrupt?: boolean) => void;
}

function setup(
  opts: {
    rateBps?: number;
    budgetBytes?: number;
    storage?: (s: Storage) => Storage;
    hashFails?: boolean;
  } = {},
): Setup {
  const clock = new ManualClock();
  const data = new Uint8Array(TOTAL).map((_, i) => (i * 7 + 3) & 0xff);
  const { torrentFile, content } = buildTorrent({
    name: 'd.bin',
    pieceLength: PIECE,
    files: [{ path: [], data }],
    single: true,
  });
  const meta = parseTorrent(torrentFile);
  const layout = new FileLayout(
    meta.files.map((f) => ({ path: f.path, length: f.length })),
    meta.pieceLength,
  );
  const memory = new MemoryStorage(layout);
  const storage = opts.storage ? opts.storage(memory) : memory;
  const picker = new PiecePicker({
    pieceCount: meta.pieceCount,
    pieceLength: meta.pieceLength,
    totalLength: meta.totalLength,
    random: seededRandom(1),
  });
  const bans = new BanPolicy({ strikesToBan: 2, banByAddress: () => true });
  const hashWritePool = {
    sha1Owned: (d: Uint8Array) =>
      opts.hashFails
        ? Promise.reject(new Error('worker died'))
        : Promise.resolve({ digest: createHash('sha1').update(d).digest(), data: d }),
  } as unknown as HashWritePool;
  const peers = new Map<string, PeerState>();
  const log: string[] = [];
  const failures: string[] = [];
  const timers: TimerHandle[] = [];
  let completions = 0;
  let changes = 0;
  let downloadedBytes = 0;
  let stopped = false;
  let state: ReturnType<TorrentContext['state']> = 'downloading';
  const t = {
    id: 't',
    meta,
    layout,
    deps: {
      clock,
      downBucket: new TokenBucket(clock, opts.rateBps ?? 0),
      hashWritePool,
      changed: () => void changes++,
    },
    storage,
    picker,
    peers,
    bans,
    assembly: new PieceAssembly(PIECE, 4),
    failedPieces: new Set<number>(),
    origins: new PieceOrigins(meta.pieceCount, meta.pieceLength),
    pipelineBudgetBytes: opts.budgetBytes ?? 64 * PIECE,
    stopped: () => stopped,
    state: () => state,
    isComplete: () => picker.isComplete(),
    fail: (operation: string, err: unknown) => {
      failures.push(`${operation}: ${(err as Error).message}`);
      stopped = true;
    },
    completed: () => void completions++,
    downloaded: (n: number) => void (downloadedBytes += n),
    keepTimer: (timer: TimerHandle) => void timers.push(timer),
    logLocal: (peer: string, type: string, detail: string) =>
      void log.push(`${peer} ${type}: ${detail}`),
  } as unknown as TorrentContext;
  const d = new Downloader(t);
  const addPeer = (
    key: string,
    has: 'all' | number[],
    extra: Partial<FakeConnection> = {},
  ): FakeConnection => {
    const bits = has === 'all' ? Bitfield.full(PIECES) : new Bitfield(PIECES);
    if (has !== 'all') for (const i of has) bits.set(i);
    const conn = Object.assign(new FakeConnection(bits), extra);
    picker.onPeerBitfield(key, (i) => bits.get(i));
    const address = key.slice(0, key.lastIndexOf(':'));
    peers.set(key, {
      key,
      conn: conn as unknown as PeerConnection,
      address,
      port: Number(key.slice(key.lastIndexOf(':') + 1)),
      candidateKey: key,
      source: 'manual',
      uploadQueue: [],
      uploading: false,
      servedBytes: 0,
    } as PeerState);
    return conn;
  };
  const peer = (key: string): PeerState => peers.get(key) as PeerState;
  const deliver = (key: string, b: BlockRef, corrupt = false): void => {
    const start = b.index * PIECE + b.begin;
    const bytes = content.slice(start, start + b.length);
    if (corrupt) bytes[0] = (bytes[0] as number) ^ 0xff;
    const conn = peer(key).conn as unknown as FakeConnection;
    if (conn.inFlight > 0) conn.inFlight--;
    d.onBlock(peer(key), b.index, b.begin, bytes);
  };
  return {
    t,
    d,
    clock,
    content,
    picker,
    storage,
    bans,
    log,
    failures,
    completions: () => completions,
    changes: () => changes,
    downloadedBytes: () => downloadedBytes,
    timers,
    setStopped: (s) => void (stopped = s),
    setState: (s) => void (state = s),
    addPeer,
    peer,
    deliver,
  };
}

/** Lets the hash and the write (promises and the memory storage) run to their end. */
const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

const blk = (index: number, begin = 0, length = BLOCK_BYTES): BlockRef => ({
  index,
  begin,
  length,
});

/** Delivers every block of a piece from one peer. */
function deliverPiece(s: Setup, key: string, index: number, corrupt = false): void {
  const size = index === PIECES - 1 ? TOTAL - PIECE * (PIECES - 1) : PIECE;
  for (let begin = 0; begin < size; begin += BLOCK_BYTES)
    s.deliver(key, blk(index, begin, Math.min(BLOCK_BYTES, size - begin)), corrupt && begin === 0);
}

const keysOf = (bs: readonly BlockRef[]): string[] => bs.map((b) => `${b.index}/${b.begin}`);

describe('Downloader: interest', () => {
  it('a peer that has something we want is told we are interested and is sent requests', () => {
    const s = setup();
    const conn = s.addPeer('10.0.0.1:1', [0, 1]);
    s.d.afterAvailabilityChanged(s.peer('10.0.0.1:1'));
    expect(conn.calls).toEqual(['interested']);
    expect(keysOf(conn.requested).sort()).toEqual(['0/0', '0/16384', '1/0', '1/16384']);
  });

  it('a peer that has nothing we want is told we are not interested', () => {
    const s = setup();
    const conn = s.addPeer('10.0.0.1:1', [], { amInterested: true });
    s.d.afterAvailabilityChanged(s.peer('10.0.0.1:1'));
    expect(conn.calls).toEqual(['not-interested']);
    expect(conn.requested).toEqual([]);
  });

  it('interest already right is not said again', () => {
    const s = setup();
    const conn = s.addPeer('10.0.0.1:1', [0], { amInterested: true });
    s.d.afterAvailabilityChanged(s.peer('10.0.0.1:1'));
    expect(conn.calls).toEqual([]);
  });

  it('once complete, a seed is closed as not wanted', () => {
    const s = setup();
    for (let i = 0; i < PIECES; i++) s.picker.onPieceVerified(i);
    const conn = s.addPeer('10.0.0.1:1', 'all', { amInterested: true });
    s.d.afterAvailabilityChanged(s.peer('10.0.0.1:1'));
    expect(conn.closed).toBe('not-wanted');
    expect(conn.calls).toEqual([]);
  });

  it('once complete, a peer still downloading stays but we are no longer interested', () => {
    const s = setup();
    for (let i = 0; i < PIECES; i++) s.picker.onPieceVerified(i);
    const conn = s.addPeer('10.0.0.1:1', [0], { amInterested: true });
    s.d.afterAvailabilityChanged(s.peer('10.0.0.1:1'));
    expect(conn.closed).toBeNull();
    expect(conn.calls).toEqual(['not-interested']);
  });

  it('a have of a piece we want makes us interested and requests it', () => {
    const s = setup();
    const conn = s.addPeer('10.0.0.1:1', []);
    conn.peerBitfield.set(2);
    s.picker.onPeerHave('10.0.0.1:1', 2);
    s.d.afterHave(s.peer('10.0.0.1:1'), 2);
    expect(conn.calls).toEqual(['interested']);
    expect(keysOf(conn.requested)).toEqual(['2/0']);
  });

  it('a have of a piece we hold neither makes us interested nor uninterested', () => {
    const s = setup();
    s.picker.onPieceVerified(1);
    const idle = s.addPeer('10.0.0.1:1', []);
    idle.peerBitfield.set(1);
    s.d.afterHave(s.peer('10.0.0.1:1'), 1);
    expect(idle.calls).toEqual([]);
    // An interested peer with nothing more we want is left for tick to judge, not walked per have.
    const busy = s.addPeer('10.0.0.2:1', [], { amInterested: true, inFlight: 1 });
    busy.peerBitfield.set(1);
    s.d.afterHave(s.peer('10.0.0.2:1'), 1);
    expect(busy.calls).toEqual([]);
    expect(busy.amInterested).toBe(true);
  });

  it('once complete, the have that makes a peer a seed closes it; an earlier one does not', () => {
    const s = setup();
    for (let i = 0; i < PIECES; i++) s.picker.onPieceVerified(i);
    const conn = s.addPeer('10.0.0.1:1', [0, 1]);
    s.d.afterHave(s.peer('10.0.0.1:1'), 1);
    expect(conn.closed).toBeNull();
    conn.peerBitfield.set(2);
    s.d.afterHave(s.peer('10.0.0.1:1'), 2);
    expect(conn.closed).toBe('not-wanted');
  });
});

describe('Downloader: requests', () => {
  it('no requests go out while stopped, while not downloading, or to a peer we are not interested in', () => {
    const s = setup();
    const conn = s.addPeer('10.0.0.1:1', 'all', { amInterested: true });
    s.setStopped(true);
    s.d.fillRequests(s.peer('10.0.0.1:1'));
    s.setStopped(false);
    s.setState('checking');
    s.d.fillRequests(s.peer('10.0.0.1:1'));
    s.setState('downloading');
    conn.amInterested = false;
    s.d.fillRequests(s.peer('10.0.0.1:1'));
    expect(conn.requested).toEqual([]);
    conn.amInterested = true;
    s.d.fillRequests(s.peer('10.0.0.1:1'));
    expect(conn.requested).toHaveLength(5);
  });

  it('requests follow the queue depth of the peer', () => {
    const s = setup();
    const conn = s.addPeer('10.0.0.1:1', 'all', { amInterested: true, depth: 2 });
    s.d.fillRequests(s.peer('10.0.0.1:1'));
    expect(conn.requested).toHaveLength(2);
    expect(s.picker.inFlightTotal()).toBe(2);
  });

  it('the pipeline budget bounds the requests of all peers together', () => {
    const s = setup({ budgetBytes: 3 * BLOCK_BYTES });
    const a = s.addPeer('10.0.0.1:1', 'all', { amInterested: true, depth: 2 });
    const b = s.addPeer('10.0.0.2:1', 'all', { amInterested: true, depth: 2 });
    s.d.fillAll();
    expect(a.requested.length + b.requested.length).toBe(3);
  });

  it('a peer choking us is asked only for its allowed-fast pieces', () => {
    const s = setup();
    const conn = s.addPeer('10.0.0.1:1', 'all', {
      amInterested: true,
      peerChoking: true,
      allowedFastSet: new Set([1]),
    });
    s.d.fillRequests(s.peer('10.0.0.1:1'));
    expect(keysOf(conn.requested).sort()).toEqual(['1/0', '1/16384']);
  });

  it('the download limit caps the requests and charges only those that went out', () => {
    // A 64 KiB burst: four blocks' worth of tokens; the connection sends only three.
    const s = setup({ rateBps: 16 * 1024 });
    const conn = s.addPeer('10.0.0.1:1', 'all', { amInterested: true, sendLimit: 3 });
    s.d.fillRequests(s.peer('10.0.0.1:1'));
    expect(conn.requested).toHaveLength(3);
    expect(s.t.deps.downBucket.available()).toBe(BLOCK_BYTES);
  });

  it('with the download limit spent, requests wait for one retry timer on the clock', () => {
    const s = setup({ rateBps: 16 * 1024 });
    const conn = s.addPeer('10.0.0.1:1', 'all', { amInterested: true, depth: 4 });
    s.d.fillRequests(s.peer('10.0.0.1:1'));
    expect(conn.requested).toHaveLength(4);
    conn.inFlight = 0; // the blocks came in (tokens are spent)
    s.d.fillRequests(s.peer('10.0.0.1:1'));
    s.d.fillRequests(s.peer('10.0.0.1:1'));
    expect(conn.requested).toHaveLength(4);
    expect(s.timers).toHaveLength(1); // kept for stop(), and only one however often asked
    expect(s.clock.pending).toBe(1);
    s.clock.advance(999);
    expect(conn.requested).toHaveLength(4);
    s.clock.advance(1);
    expect(conn.requested).toHaveLength(5);
  });

  it('the retry waits at least REQUEST_RETRY_MIN_MS, and is not set after a stop', () => {
    const s = setup({ rateBps: 16 * 1024 });
    const conn = s.addPeer('10.0.0.1:1', 'all', { amInterested: true, depth: 4 });
    s.t.deps.downBucket.take(64 * 1024 - BLOCK_BYTES + 1); // one byte short of a block
    s.d.fillRequests(s.peer('10.0.0.1:1'));
    expect(conn.requested).toHaveLength(0);
    s.clock.advance(REQUEST_RETRY_MIN_MS - 1);
    expect(conn.requested).toHaveLength(0);
    s.clock.advance(1);
    expect(conn.requested).toHaveLength(1);

    const stopped = setup({ rateBps: 16 * 1024 });
    stopped.addPeer('10.0.0.1:1', 'all', { amInterested: true });
    stopped.t.deps.downBucket.take(64 * 1024);
    stopped.setStopped(true);
    stopped.d.fillAll();
    expect(stopped.clock.pending).toBe(0);
  });

  it('a dropped request goes back to the picker and is asked again', () => {
    const s = setup();
    const conn = s.addPeer('10.0.0.1:1', [2], { amInterested: true });
    s.d.fillRequests(s.peer('10.0.0.1:1'));
    expect(keysOf(conn.requested)).toEqual(['2/0']);
    s.d.requestDropped(s.peer('10.0.0.1:1'), blk(2));
    conn.inFlight = 0;
    s.d.fillRequests(s.peer('10.0.0.1:1'));
    expect(keysOf(conn.requested)).toEqual(['2/0', '2/0']);
  });
});

describe('Downloader: blocks and pieces', () => {
  it('a whole piece is verified, written, announced to every peer and counted', async () => {
    const s = setup();
    const a = s.addPeer('10.0.0.1:1', [0], { amInterested: true });
    const b = s.addPeer('10.0.0.2:1', [], {});
    s.d.fillAll();
    deliverPiece(s, '10.0.0.1:1', 0);
    expect(s.downloadedBytes()).toBe(PIECE);
    await settle();
    expect(s.picker.have(0)).toBe(true);
    expect(await s.storage.read(0, 0, PIECE)).toEqual(s.content.subarray(0, PIECE));
    expect(a.calls).toContain('have 0');
    expect(b.calls).toEqual(['have 0']);
    expect(s.changes()).toBeGreaterThan(0);
    expect(s.completions()).toBe(0);
  });

  it('the last piece completes the torrent', async () => {
    const s = setup();
    s.addPeer('10.0.0.1:1', 'all', { amInterested: true });
    s.d.fillAll();
    for (let i = 0; i < PIECES; i++) deliverPiece(s, '10.0.0.1:1', i);
    await settle();
    expect(s.picker.isComplete()).toBe(true);
    expect(s.completions()).toBe(1);
  });

  it('a duplicate block is counted as downloaded but not assembled again', async () => {
    const s = setup();
    s.addPeer('10.0.0.1:1', [2], { amInterested: true });
    s.d.fillAll();
    s.deliver('10.0.0.1:1', blk(2));
    s.deliver('10.0.0.1:1', blk(2));
    expect(s.downloadedBytes()).toBe(2 * BLOCK_BYTES);
    await settle();
    expect(s.picker.have(2)).toBe(true);
    expect(s.t.assembly.partialCount).toBe(0);
    expect(s.changes()).toBe(1);
  });

  it('in endgame, a block that arrives is cancelled at the other peers that were asked for it', () => {
    const s = setup();
    const a = s.addPeer('10.0.0.1:1', [2], { amInterested: true });
    s.d.fillRequests(s.peer('10.0.0.1:1'));
    s.picker.onPieceVerified(0);
    s.picker.onPieceVerified(1);
    const b = s.addPeer('10.0.0.2:1', [2], { amInterested: true });
    s.d.fillRequests(s.peer('10.0.0.2:1'));
    expect(keysOf(b.requested)).toEqual(['2/0']); // the endgame duplicate
    s.deliver('10.0.0.1:1', blk(2));
    expect(b.calls).toEqual([`cancel 2/0+${BLOCK_BYTES}`]);
    expect(a.calls).toEqual([]);
  });

  it('a piece failing its hash is fetched again, marked failed, logged and not written', async () => {
    const s = setup();
    const conn = s.addPeer('10.0.0.1:1', [0], { amInterested: true });
    s.d.fillAll();
    deliverPiece(s, '10.0.0.1:1', 0, true);
    await settle();
    expect(s.picker.have(0)).toBe(false);
    expect(s.picker.pieceStates()[0]).not.toBe(PieceState.verifying);
    expect(s.t.failedPieces.has(0)).toBe(true);
    expect(s.log).toEqual(['* hash-failed: piece 0 failed its hash check (from 10.0.0.1:1)']);
    expect(conn.calls.filter((c) => c.startsWith('have'))).toEqual([]);
    // The blocks were asked for again at once (fillAll after the failure).
    expect(keysOf(conn.requested).sort()).toEqual(['0/0', '0/0', '0/16384', '0/16384']);
    expect(conn.closed).toBeNull();
    // A good copy then clears the failed mark.
    deliverPiece(s, '10.0.0.1:1', 0);
    await settle();
    expect(s.picker.have(0)).toBe(true);
    expect(s.t.failedPieces.has(0)).toBe(false);
  });

  it('a peer that alone sent bad pieces again and again is banned and closed', async () => {
    const s = setup();
    const conn = s.addPeer('10.0.0.1:1', [0], { amInterested: true });
    conn.remotePeerId = new Uint8Array(20).fill(0xab);
    for (let round = 0; round < 2; round++) {
      s.d.fillAll();
      deliverPiece(s, '10.0.0.1:1', 0, true);
      await settle();
    }
    expect(conn.closed).toBe('banned');
    expect(s.bans.isBanned('10.0.0.1:1')).toBe(true);
    expect(s.bans.isBanned('ab'.repeat(20))).toBe(true);
    expect(s.bans.isAddressBanned('10.0.0.1', 9999)).toBe(true);
    expect(s.log).toContain('10.0.0.1:1 close: banned after repeated hash failures');
  });

  it('a culprit already gone is banned by its key and address', async () => {
    const s = setup();
    s.addPeer('10.0.0.1:1', [0], { amInterested: true });
    s.d.fillAll();
    deliverPiece(s, '10.0.0.1:1', 0, true);
    await settle();
    s.d.fillAll();
    s.deliver('10.0.0.1:1', blk(0, 0), true);
    s.deliver('10.0.0.1:1', blk(0, BLOCK_BYTES));
    s.t.peers.delete('10.0.0.1:1'); // disconnected while its piece was hashed
    await settle();
    expect(s.bans.isBanned('10.0.0.1:1')).toBe(true);
    expect(s.bans.isAddressBanned('10.0.0.1', 2)).toBe(true);
  });

  it('a hash fault fails the torrent once and leaves the piece to fetch again, blaming nobody', async () => {
    const s = setup({ hashFails: true });
    s.addPeer('10.0.0.1:1', 'all', { amInterested: true });
    s.d.fillAll();
    deliverPiece(s, '10.0.0.1:1', 0);
    deliverPiece(s, '10.0.0.1:1', 1);
    await settle();
    expect(s.failures).toEqual(['hash: worker died']);
    expect(s.picker.pieceStates()[0]).toBe(PieceState.missing);
    expect(s.picker.pieceStates()[1]).toBe(PieceState.missing);
    expect(s.t.failedPieces.size).toBe(0);
  });

  it('a failed write fails the torrent; the writes queued behind it say nothing new', async () => {
    const s = setup({
      storage: (m) =>
        Object.assign(Object.create(m) as Storage, {
          writePiece: () => Promise.reject(new Error('ENOSPC')),
        }),
    });
    s.addPeer('10.0.0.1:1', 'all', { amInterested: true });
    s.d.fillAll();
    deliverPiece(s, '10.0.0.1:1', 0);
    deliverPiece(s, '10.0.0.1:1', 1);
    await settle();
    expect(s.failures).toEqual(['write: ENOSPC']);
    const states = s.picker.pieceStates();
    // Neither is left 'verifying': the first is shown failed, the one behind it just dropped.
    expect([states[0], states[1]]).toEqual([PieceState.failed, PieceState.missing]);
  });

  it('a hash fault after a stop drops the piece without failing the torrent', async () => {
    const s = setup({ hashFails: true });
    s.addPeer('10.0.0.1:1', [2], { amInterested: true });
    s.d.fillAll();
    s.deliver('10.0.0.1:1', blk(2));
    s.setStopped(true);
    await settle();
    expect(s.failures).toEqual([]);
    expect(s.picker.pieceStates()[2]).toBe(PieceState.missing);
  });

  it('a piece verified after a stop is kept, but not announced nor completing', async () => {
    const s = setup();
    const conn = s.addPeer('10.0.0.1:1', [2], { amInterested: true });
    s.d.fillAll();
    s.picker.onPieceVerified(0);
    s.picker.onPieceVerified(1);
    s.deliver('10.0.0.1:1', blk(2));
    s.setStopped(true);
    await settle();
    expect(s.picker.have(2)).toBe(true);
    expect(s.changes()).toBe(1);
    expect(conn.calls.filter((c) => c.startsWith('have'))).toEqual([]);
    expect(s.completions()).toBe(0);
  });

  it('requests held back while pieces wait for the disk go out once a piece is written', async () => {
    // A budget of one piece plus one block: a piece in verify-or-write leaves room for one block.
    const s = setup({ budgetBytes: PIECE + BLOCK_BYTES });
    const a = s.addPeer('10.0.0.1:1', [0], { amInterested: true });
    s.d.fillAll();
    const b = s.addPeer('10.0.0.2:1', [1], { amInterested: true });
    s.d.fillRequests(s.peer('10.0.0.2:1'));
    expect(b.requested).toHaveLength(1);
    deliverPiece(s, '10.0.0.1:1', 0);
    b.inFlight = 0;
    s.picker.onRequestDropped('10.0.0.2:1', b.requested[0] as BlockRef);
    s.d.fillRequests(s.peer('10.0.0.2:1'));
    expect(b.requested).toHaveLength(2); // one block of room while piece 0 is being verified
    expect(a.requested).toHaveLength(2);
    await settle();
    expect(b.requested.length).toBeGreaterThan(2);
  });
});

describe('Downloader: tick', () => {
  it('expired requests go back to the pool and are asked again', () => {
    const s = setup();
    const conn = s.addPeer('10.0.0.1:1', [2], { amInterested: true });
    s.d.fillAll();
    conn.expired = [blk(2)];
    s.d.tick(s.clock.now());
    expect(keysOf(conn.requested)).toEqual(['2/0', '2/0']);
  });

  it('an idle peer with nothing more we want is told we are not interested; a busy one is not', () => {
    const s = setup();
    const idle = s.addPeer('10.0.0.1:1', [0], { amInterested: true });
    const busy = s.addPeer('10.0.0.2:1', [0], { amInterested: true, inFlight: 1 });
    const useful = s.addPeer('10.0.0.3:1', [1], { amInterested: true, depth: 0 });
    s.picker.onPieceVerified(0);
    s.d.tick(s.clock.now());
    expect(idle.calls).toEqual(['not-interested']);
    expect(busy.calls).toEqual([]);
    expect(useful.calls).toEqual([]);
  });
});

// --- piece origins (issue 19) ---
describe('Downloader: piece origins', () => {
  it('a verified piece is credited to its sender; a failed copy credits nobody', async () => {
    const s = setup();
    s.addPeer('10.0.0.1:1', [0, 1], { amInterested: true });
    s.addPeer('10.0.0.2:2', [0, 1], { amInterested: true });
    s.d.fillAll();
    deliverPiece(s, '10.0.0.2:2', 1);
    deliverPiece(s, '10.0.0.1:1', 0, true);
    await settle();
    const slotOf2 = s.t.origins.origins[1] as number;
    expect(s.t.origins.peers()[slotOf2 - 1]).toMatchObject({
      address: '10.0.0.2:2',
      client: 'fake 1.0',
      pieces: 1,
    });
    // The corrupt piece 0 has no origin; its good copy from the other peer is credited to it.
    expect(s.t.origins.origins[0]).toBe(0);
    deliverPiece(s, '10.0.0.2:2', 0);
    await settle();
    expect(s.t.origins.origins[0]).toBe(slotOf2);
  });
});
