import type net from 'node:net';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ManualClock, seededRandom } from '../time/clock';
import { PiecePicker } from '../picker';
import type { BlockRef } from '../picker';
import type { Handshake } from '../wire';
import {
  CONNECT_TIMEOUT_MS,
  REDIAL_AFTER_LOCAL_CLOSE_MS,
  REDIAL_AFTER_REMOTE_CLOSE_MS,
} from '../limits';
import { BanPolicy } from './ban-policy';
import { AddressPolicy } from './address-policy';
import { CandidateList, dialBackoffMs } from './candidates';
import type { Downloader } from './downloader';
import type { PeerState, TorrentContext } from './torrent-context';
import { ConnectFailures } from './connect-failures';
import { PexExchange } from './pex';
import { PeerWiring, chokeView } from './peer-wiring';

/**
 * The part builds its PeerConnection and dials its sockets itself: both are replaced by fakes
 * that record what the part does with them (what they record is the point).
 */
const fakes = await vi.hoisted(async () => {
  const { EventEmitter } = await import('node:events');
  class FakeBitfield {
    readonly set = new Set<number>();
    constructor(readonly length: number) {}
    get(i: number): boolean {
      return this.set.has(i);
    }
    isFull(): boolean {
      return this.set.size === this.length;
    }
  }
  class FakeConnection extends EventEmitter {
    readonly calls: string[] = [];
    peerInterested = false;
    amChoking = true;
    amInterested = false;
    optimistic = false;
    snubbed = false;
    connectedAt = 0;
    peerBitfield: FakeBitfield;
    closeReason: string | null = null;
    get incoming(): boolean {
      return this.opts.incoming as boolean;
    }
    constructor(readonly opts: Record<string, unknown>) {
      super();
      this.peerBitfield = new FakeBitfield(opts.pieceCount as number);
      conns.push(this);
    }
    downRateBps(): number {
      return 100;
    }
    upRateBps(): number {
      return 200;
    }
    choke(): void {
      this.amChoking = true;
      this.calls.push('choke');
    }
    unchoke(): void {
      this.amChoking = false;
      this.calls.push('unchoke');
    }
    interested(): void {
      this.amInterested = true;
      this.calls.push('interested');
    }
    notInterested(): void {
      this.amInterested = false;
      this.calls.push('not-interested');
    }
    haveAll(): void {
      this.calls.push('have-all');
    }
    haveNone(): void {
      this.calls.push('have-none');
    }
    sendBitfield(bf: { length: number; get(i: number): boolean }): void {
      const had: number[] = [];
      for (let i = 0; i < bf.length; i++) if (bf.get(i)) had.push(i);
      this.calls.push(`bitfield ${had.join(',')}`);
    }
    close(reason: string): void {
      if (this.closeReason) return;
      this.closeReason = reason;
      this.calls.push(`close ${reason}`);
      this.emit('closed', { reason });
    }
  }
  class FakeSocket extends EventEmitter {
    destroyed = false;
    constructor(
      readonly remoteAddress?: string,
      readonly remotePort?: number,
    ) {
      super();
    }
    setNoDelay(): void {}
    destroy(err?: Error): void {
      if (this.destroyed) return;
      this.destroyed = true;
      if (err) this.emit('error', err);
    }
  }
  const conns: FakeConnection[] = [];
  const dials: { host: string; port: number; socket: FakeSocket }[] = [];
  return { FakeBitfield, FakeConnection, FakeSocket, conns, dials };
});

vi.mock('../peer/peer-connection', () => ({ PeerConnection: fakes.FakeConnection }));
vi.mock('../net/shared-read-buffer', () => ({
  dialShared: (host: string, port: number) => {
    const socket = new fakes.FakeSocket();
    fakes.dials.push({ host, port, socket });
    return { socket, reads: { attach: () => {} } };
  },
}));

type FakeConnection = InstanceType<typeof fakes.FakeConnection>;

/** The i-th dial made, and the i-th connection built. */
function dialed(i: number): {
  host: string;
  port: number;
  socket: InstanceType<typeof fakes.FakeSocket>;
} {
  const d = fakes.dials[i];
  if (!d) throw new Error(`no dial ${i}`);
  return d;
}
function built(i: number): FakeConnection {
  const c = fakes.conns[i];
  if (!c) throw new Error(`no connection ${i}`);
  return c;
}

const PIECES = 4;
const PIECE_LENGTH = 32 * 1024;
const OUR_ID = new Uint8Array(20).fill(1);
const THEIR_ID = new Uint8Array(20).fill(2);
const handshake = (peerId = THEIR_ID): Handshake => ({ peerId }) as unknown as Handshake;
const blockOf = (index: number, begin = 0): BlockRef => ({ index, begin, length: 16 * 1024 });

function setup(opts: { maxConnections?: number; maxPerIp?: number; listenPort?: number } = {}) {
  const clock = new ManualClock();
  const calls: string[] = [];
  const record =
    (name: string) =>
    (...args: unknown[]): void => {
      const shown = args.map((a) =>
        a && typeof a === 'object' && 'key' in a
          ? (a as { key: string }).key
          : a && typeof a === 'object' && 'index' in a
            ? `${(a as BlockRef).index}/${(a as BlockRef).begin}`
            : String(a),
      );
      calls.push(`${name}(${shown.join(', ')})`);
    };
  const state = { stopped: false, canConnect: true, connections: 0, changed: 0 };
  const logs: string[] = [];
  const picker = new PiecePicker({
    pieceCount: PIECES,
    pieceLength: PIECE_LENGTH,
    totalLength: PIECES * PIECE_LENGTH,
    random: seededRandom(1),
  });
  const addresses = new AddressPolicy({ maxConnectionsPerIp: opts.maxPerIp ?? 8 });
  const t = {
    id: 'abcdef0123456789',
    meta: { infoHash: new Uint8Array(20), pieceCount: PIECES, infoBytes: new Uint8Array(100) },
    deps: {
      clock,
      peerId: OUR_ID,
      clientVersion: 'test',
      listenPort: () => opts.listenPort ?? 6881,
      log: { log: (_level: string, _src: string, msg: string) => void logs.push(msg) },
      canConnect: () => state.canConnect,
      connectionsChanged: (d: number) => void (state.connections += d),
      changed: () => void state.changed++,
    },
    picker,
    peers: new Map<string, PeerState>(),
    candidates: new CandidateList(),
    bans: new BanPolicy({ strikesToBan: 1, banByAddress: (a) => addresses.isOneHost(a) }),
    addresses,
    uploader: {
      onRequest: record('upload.onRequest'),
      onCancel: record('upload.onCancel'),
      serve: record('upload.serve'),
      onChoked: record('upload.onChoked'),
    },
    maxConnections: () => opts.maxConnections ?? 10,
    stopped: () => state.stopped,
    peerInterestChanged: record('peerInterestChanged'),
    peerGone: record('peerGone'),
    logPeer: () => {},
    pex: new PexExchange({ enabled: () => false, learn: () => {}, log: () => {} }),
    connectFailures: new ConnectFailures(), // --- explainer (issue 19)
  };
  const downloader = {
    afterAvailabilityChanged: record('afterAvailabilityChanged'),
    afterHave: record('afterHave'),
    fillRequests: record('fillRequests'),
    requestDropped: record('requestDropped'),
    onBlock: record('onBlock'),
    fillAll: record('fillAll'),
  };
  const wiring = new PeerWiring(
    t as unknown as TorrentContext,
    downloader as unknown as Downloader,
  );
  /** An incoming connection from address:port; returns its fake connection, if one was made. */
  const accept = (address = '10.0.0.1', port = 5000): FakeConnection | undefined => {
    const before = fakes.conns.length;
    wiring.acceptIncoming(
      new fakes.FakeSocket(address, port) as unknown as net.Socket,
      handshake(),
      new Uint8Array(0),
    );
    return fakes.conns.length > before ? built(fakes.conns.length - 1) : undefined;
  };
  const learn = (...peers: [string, number][]): void =>
    void t.candidates.add(
      peers.map(([address, port]) => ({ address, port })),
      'manual',
      () => false,
    );
  return { clock, calls, state, logs, picker, t, wiring, accept, learn };
}

beforeEach(() => {
  fakes.conns.length = 0;
  fakes.dials.length = 0;
});

describe('PeerWiring: accepting', () => {
  it('an incoming connection is kept under its address:port and counted', () => {
    const { t, state, accept } = setup();
    const conn = accept('10.0.0.1', 5000)!;
    expect([...t.peers.keys()]).toEqual(['10.0.0.1:5000']);
    const peer = t.peers.get('10.0.0.1:5000')!;
    expect(peer.conn).toBe(conn);
    expect(peer.candidateKey).toBeNull();
    expect(conn.opts.incoming).toBe(true);
    expect(conn.opts.peerId).toBe(OUR_ID);
    // BEP 9 (issue 17): ut_metadata and our metadata_size, so magnet leechers can fetch it.
    expect(conn.opts.extendedHandshake).toMatchObject({
      p: 6881,
      m: { ut_metadata: 2 },
      metadata_size: 100,
    });
    expect(state.connections).toBe(1);
    expect(state.changed).toBe(1);
  });

  it('a second connection from the same address:port is refused', () => {
    const { t, wiring, state, accept } = setup();
    accept('10.0.0.1', 5000);
    const socket = new fakes.FakeSocket('10.0.0.1', 5000);
    wiring.acceptIncoming(socket as unknown as net.Socket, handshake(), new Uint8Array(0));
    expect(socket.destroyed).toBe(true);
    expect(t.peers.size).toBe(1);
    expect(state.connections).toBe(1);
  });

  it.each([
    ['the torrent is stopped', (s: ReturnType<typeof setup>) => void (s.state.stopped = true)],
    ['the session has no room', (s: ReturnType<typeof setup>) => void (s.state.canConnect = false)],
    [
      'the address is banned',
      (s: ReturnType<typeof setup>) =>
        s.t.bans.ban({
          key: '10.0.0.9:1',
          address: '10.0.0.1',
          candidateKey: null,
          peerIdHex: null,
        }),
    ],
    [
      'the address:port is banned',
      (s: ReturnType<typeof setup>) =>
        s.t.bans.ban({
          key: '10.0.0.1:5000',
          address: '127.0.0.1',
          candidateKey: null,
          peerIdHex: null,
        }),
    ],
  ])('an incoming connection is refused when %s', (_why, arrange) => {
    const s = setup();
    arrange(s);
    const socket = new fakes.FakeSocket('10.0.0.1', 5000);
    s.wiring.acceptIncoming(socket as unknown as net.Socket, handshake(), new Uint8Array(0));
    expect(socket.destroyed).toBe(true);
    expect(fakes.conns).toHaveLength(0);
    expect(s.t.peers.size).toBe(0);
  });

  it('an incoming connection is refused at the torrent connection cap', () => {
    const { t, accept } = setup({ maxConnections: 2 });
    accept('10.0.0.1', 1);
    accept('10.0.0.2', 1);
    expect(accept('10.0.0.3', 1)).toBeUndefined();
    expect(t.peers.size).toBe(2);
  });

  it('an incoming connection is refused while dials under way fill the torrent cap', () => {
    const { t, clock, wiring, learn, accept } = setup({ maxConnections: 2 });
    learn(['10.0.0.1', 1], ['10.0.0.2', 2]);
    wiring.dialDue(clock.now());
    expect(accept('10.0.0.3', 3)).toBeUndefined();
    for (const d of fakes.dials) d.socket.emit('connect');
    expect(t.peers.size).toBe(2);
  });

  it('one IP gets at most maxConnectionsPerIp connections, other IPs are not affected', () => {
    const { t, accept } = setup({ maxPerIp: 2 });
    accept('10.0.0.1', 1);
    accept('10.0.0.1', 2);
    expect(accept('10.0.0.1', 3)).toBeUndefined();
    expect(accept('10.0.0.2', 3)).toBeDefined();
    expect(t.peers.size).toBe(3);
  });

  it('loopback peers are not capped per IP', () => {
    const { t, accept } = setup({ maxPerIp: 1 });
    accept('127.0.0.1', 1);
    accept('127.0.0.1', 2);
    expect(t.peers.size).toBe(2);
  });
});

describe('PeerWiring: dialling', () => {
  it('dials every due candidate and pushes its next try out', () => {
    const { t, clock, wiring, learn } = setup();
    learn(['10.0.0.1', 1], ['10.0.0.2', 2]);
    wiring.dialDue(clock.now());
    expect(fakes.dials.map((d) => `${d.host}:${d.port}`)).toEqual(['10.0.0.1:1', '10.0.0.2:2']);
    expect([...t.candidates.due(clock.now())]).toEqual([]);
  });

  it('does not dial beyond the torrent cap or when the session has no room', () => {
    const s = setup({ maxConnections: 1 });
    s.accept('10.0.0.9', 9);
    s.learn(['10.0.0.1', 1]);
    s.wiring.dialDue(s.clock.now());
    expect(fakes.dials).toHaveLength(0);

    const s2 = setup();
    s2.state.canConnect = false;
    s2.learn(['10.0.0.1', 1]);
    s2.wiring.dialDue(s2.clock.now());
    expect(fakes.dials).toHaveLength(0);
    // Still due: refused for room, not dialled, so it keeps its turn.
    expect([...s2.t.candidates.due(s2.clock.now())]).toHaveLength(1);
  });

  it('dials under way count toward the torrent connection cap', () => {
    // Dials connect later: one pass over many due candidates must not dial past the cap,
    // or every one that answers is attached and the torrent holds more than maxConnections.
    const { t, clock, wiring, learn } = setup({ maxConnections: 2 });
    learn(['10.0.0.1', 1], ['10.0.0.2', 2], ['10.0.0.3', 3]);
    wiring.dialDue(clock.now());
    expect(fakes.dials.map((d) => d.host)).toEqual(['10.0.0.1', '10.0.0.2']);
    for (const d of fakes.dials) d.socket.emit('connect');
    expect(t.peers.size).toBe(2);
    // The third keeps its turn for when there is room.
    expect([...t.candidates.due(clock.now())].map((c) => c.key)).toEqual(['10.0.0.3:3']);
  });

  it('does not dial a banned candidate', () => {
    const { t, clock, wiring, learn } = setup();
    learn(['10.0.0.1', 1], ['10.0.0.2', 2]);
    t.bans.ban({ key: '10.0.0.1:1', address: '10.0.0.1', candidateKey: null, peerIdHex: null });
    wiring.dialDue(clock.now());
    expect(fakes.dials.map((d) => d.host)).toEqual(['10.0.0.2']);
  });

  it('does not dial a candidate it is already connected to', () => {
    const { clock, wiring, learn } = setup();
    learn(['10.0.0.1', 1]);
    wiring.dialDue(clock.now());
    dialed(0).socket.emit('connect');
    clock.advance(10 * 60_000); // the candidate is due again
    wiring.dialDue(clock.now());
    expect(fakes.dials).toHaveLength(1);
  });

  it('does not dial an address:port that is already connected to us (an incoming connection)', () => {
    const { clock, wiring, learn, accept } = setup();
    // Over uTP a peer connects from its listen port: the key of the candidate we know it by.
    accept('10.0.0.1', 7000);
    learn(['10.0.0.1', 7000]);
    wiring.dialDue(clock.now());
    expect(fakes.dials).toHaveLength(0);
  });

  it('dials under way count toward the per-IP cap', () => {
    const { clock, wiring, learn } = setup({ maxPerIp: 2 });
    learn(['10.0.0.1', 1], ['10.0.0.1', 2], ['10.0.0.1', 3], ['10.0.0.2', 4]);
    wiring.dialDue(clock.now());
    expect(fakes.dials.map((d) => `${d.host}:${d.port}`)).toEqual([
      '10.0.0.1:1',
      '10.0.0.1:2',
      '10.0.0.2:4',
    ]);
  });

  it('a dial that connects becomes an outgoing peer tied to its candidate', () => {
    const { t, clock, wiring, learn, state } = setup();
    learn(['10.0.0.1', 1]);
    t.candidates.get('10.0.0.1:1')!.failures = 3;
    wiring.dialDue(clock.now());
    dialed(0).socket.emit('connect');
    const peer = t.peers.get('10.0.0.1:1')!;
    expect(peer.candidateKey).toBe('10.0.0.1:1');
    expect((peer.conn as unknown as FakeConnection).opts.incoming).toBe(false);
    expect(t.candidates.get('10.0.0.1:1')!.failures).toBe(0);
    expect(state.connections).toBe(1);
  });

  it('a dial that connects after the torrent stopped is dropped', () => {
    const { t, clock, wiring, learn, state } = setup();
    learn(['10.0.0.1', 1]);
    wiring.dialDue(clock.now());
    state.stopped = true;
    dialed(0).socket.emit('connect');
    expect(dialed(0).socket.destroyed).toBe(true);
    expect(t.peers.size).toBe(0);
  });

  it('a failed dial backs the candidate off and is logged', () => {
    const { t, clock, wiring, learn, logs } = setup();
    learn(['10.0.0.1', 1]);
    wiring.dialDue(clock.now());
    clock.advance(5);
    dialed(0).socket.emit('error', new Error('ECONNREFUSED'));
    const c = t.candidates.get('10.0.0.1:1')!;
    expect(c.failures).toBe(1);
    expect(c.nextTryAt).toBe(clock.now() + dialBackoffMs(1));
    expect(logs).toEqual(['dial 10.0.0.1:1 failed: ECONNREFUSED']);
  });

  it('a dial that does not connect in CONNECT_TIMEOUT_MS fails', () => {
    const { t, clock, wiring, learn, logs } = setup();
    learn(['10.0.0.1', 1]);
    wiring.dialDue(clock.now());
    clock.advance(CONNECT_TIMEOUT_MS - 1);
    expect(dialed(0).socket.destroyed).toBe(false);
    clock.advance(1);
    expect(dialed(0).socket.destroyed).toBe(true);
    expect(t.candidates.get('10.0.0.1:1')!.failures).toBe(1);
    expect(logs).toEqual(['dial 10.0.0.1:1 failed: connect timeout']);
    expect(t.connectFailures.snapshot()).toEqual({ 'timed-out': 1 });
  });

  // --- explainer (issue 19) ---
  it('counts failed dials by reason for the diagnosis, and not a later socket error', () => {
    const { t, clock, wiring, learn } = setup();
    learn(['10.0.0.1', 1], ['10.0.0.2', 1], ['10.0.0.3', 1]);
    wiring.dialDue(clock.now());
    const refused = (): Error => Object.assign(new Error('refused'), { code: 'ECONNREFUSED' });
    dialed(0).socket.emit('error', refused());
    dialed(1).socket.emit('error', refused());
    dialed(2).socket.emit('connect');
    dialed(2).socket.emit('error', refused());
    expect(t.connectFailures.snapshot()).toEqual({ refused: 2 });
  });

  it('a connected dial is not timed out, and a later socket error is not a failed dial', () => {
    const { t, clock, wiring, learn, logs } = setup();
    learn(['10.0.0.1', 1]);
    wiring.dialDue(clock.now());
    const { socket } = dialed(0);
    socket.emit('connect');
    clock.advance(CONNECT_TIMEOUT_MS * 2);
    expect(socket.destroyed).toBe(false);
    socket.emit('error', new Error('ECONNRESET'));
    expect(t.candidates.get('10.0.0.1:1')!.failures).toBe(0);
    expect(logs).toEqual([]);
  });

  it('a failed dial frees its per-IP slot', () => {
    const { clock, wiring, learn } = setup({ maxPerIp: 1 });
    learn(['10.0.0.1', 1], ['10.0.0.1', 2]);
    wiring.dialDue(clock.now());
    expect(fakes.dials).toHaveLength(1);
    dialed(0).socket.emit('error', new Error('ECONNREFUSED'));
    wiring.dialDue(clock.now());
    expect(fakes.dials.map((d) => d.port)).toEqual([1, 2]);
  });
});

describe('PeerWiring: handshake', () => {
  it('a connection to ourselves is closed', () => {
    const { t, accept } = setup();
    const conn = accept()!;
    conn.emit('handshake', handshake(OUR_ID));
    expect(conn.calls).toEqual(['close self-connection']);
    expect(t.peers.size).toBe(0);
  });

  it('a candidate that turned out to be ourselves is never dialled again', () => {
    const { clock, wiring, learn, t } = setup();
    // The DHT hands our own announce back: our own address and listen port.
    learn(['127.0.0.1', 6881]);
    wiring.dialDue(clock.now());
    dialed(0).socket.emit('connect');
    built(0).emit('handshake', handshake(OUR_ID));
    expect(built(0).closeReason).toBe('self-connection');
    clock.advance(10 * 60_000);
    wiring.dialDue(clock.now());
    t.candidates.add([{ address: '127.0.0.1', port: 6881 }], 'dht', () => false);
    wiring.dialDue(clock.now());
    expect(fakes.dials).toHaveLength(1);
  });

  it('a peer whose id is banned is closed', () => {
    const { t, accept } = setup();
    t.bans.ban({
      key: 'x',
      address: '127.0.0.1',
      candidateKey: null,
      peerIdHex: Buffer.from(THEIR_ID).toString('hex'),
    });
    const conn = accept()!;
    conn.emit('handshake', handshake());
    expect(conn.calls).toEqual(['close banned']);
  });

  it('with no piece we say have-none', () => {
    const conn = setup().accept()!;
    conn.emit('handshake', handshake());
    expect(conn.calls).toEqual(['have-none']);
  });

  it('with every piece we say have-all', () => {
    const { picker, accept } = setup();
    for (let i = 0; i < PIECES; i++) picker.setHave(i);
    const conn = accept()!;
    conn.emit('handshake', handshake());
    expect(conn.calls).toEqual(['have-all']);
  });

  it('with some pieces we send a bitfield of exactly those', () => {
    const { picker, accept } = setup();
    picker.setHave(0); // the first and the last piece
    picker.setHave(PIECES - 1);
    const conn = accept()!;
    conn.emit('handshake', handshake());
    expect(conn.calls).toEqual([`bitfield 0,${PIECES - 1}`]);
  });
});

describe('PeerWiring: routing events', () => {
  it("a peer's bitfield feeds the picker, then interest and requests", () => {
    const { picker, calls, accept } = setup();
    const conn = accept()!;
    conn.peerBitfield.set.add(0);
    conn.peerBitfield.set.add(2);
    conn.emit('bitfield');
    expect([...picker.availability()]).toEqual([1, 0, 1, 0]);
    expect(calls).toEqual(['afterAvailabilityChanged(10.0.0.1:5000)']);
  });

  it('have-all counts the peer as a seed; have-none changes nothing in the picker', () => {
    const { picker, calls, accept } = setup();
    const a = accept('10.0.0.1', 1)!;
    const b = accept('10.0.0.2', 2)!;
    a.emit('have-all');
    b.emit('have-none');
    expect([...picker.availability()]).toEqual([1, 1, 1, 1]);
    expect(calls).toEqual([
      'afterAvailabilityChanged(10.0.0.1:1)',
      'afterAvailabilityChanged(10.0.0.2:2)',
    ]);
  });

  it('a have adds one piece of availability and goes to the downloader', () => {
    const { picker, calls, accept } = setup();
    accept()!.emit('have', 3);
    expect([...picker.availability()]).toEqual([0, 0, 0, 1]);
    expect(calls).toEqual(['afterHave(10.0.0.1:5000, 3)']);
  });

  it('a peer that said have-none counts for the pieces it later has', () => {
    const { picker, accept } = setup();
    const conn = accept()!;
    conn.emit('have-none');
    conn.emit('have', 1);
    expect([...picker.availability()]).toEqual([0, 1, 0, 0]);
  });

  it('a peer that announces every piece one have at a time counts as one copy of each', () => {
    const { picker, accept } = setup();
    const conn = accept()!;
    for (let i = 0; i < PIECES; i++) conn.emit('have', i);
    conn.emit('have', 0); // a repeated have changes nothing
    expect([...picker.availability()]).toEqual([1, 1, 1, 1]);
  });

  it('unchoke and allowed-fast top requests up', () => {
    const { calls, accept } = setup();
    const conn = accept()!;
    conn.emit('unchoke');
    conn.emit('allowed-fast', 1);
    expect(calls).toEqual(['fillRequests(10.0.0.1:5000)', 'fillRequests(10.0.0.1:5000)']);
  });

  it('a choke gives back every request it dropped', () => {
    const { calls, accept } = setup();
    accept()!.emit('choke', [blockOf(0), blockOf(1, 16384)]);
    expect(calls).toEqual([
      'requestDropped(10.0.0.1:5000, 0/0)',
      'requestDropped(10.0.0.1:5000, 1/16384)',
    ]);
  });

  it('a reject gives the block back, then asks the peer for more', () => {
    const { calls, accept } = setup();
    accept()!.emit('reject', blockOf(2));
    expect(calls).toEqual(['requestDropped(10.0.0.1:5000, 2/0)', 'fillRequests(10.0.0.1:5000)']);
  });

  it("the peer's interest goes to the torrent (for the choker)", () => {
    const { calls, accept } = setup();
    const conn = accept()!;
    conn.emit('interested');
    conn.emit('not-interested');
    expect(calls).toEqual([
      'peerInterestChanged(10.0.0.1:5000)',
      'peerInterestChanged(10.0.0.1:5000)',
    ]);
  });

  it('requests, cancels and drains go to the uploader; blocks to the downloader', () => {
    const { calls, accept } = setup();
    const conn = accept()!;
    conn.emit('request', blockOf(1));
    conn.emit('cancel', blockOf(1));
    conn.emit('drain');
    conn.emit('block', { index: 1, begin: 0, data: new Uint8Array(4) });
    expect(calls).toEqual([
      'upload.onRequest(10.0.0.1:5000, 1/0)',
      'upload.onCancel(10.0.0.1:5000, 1/0)',
      'upload.serve(10.0.0.1:5000)',
      'onBlock(10.0.0.1:5000, 1, 0, 0,0,0,0)',
    ]);
  });
});

describe('PeerWiring: closing', () => {
  it('a closed peer leaves the torrent and its requested blocks go to the others at once', () => {
    const { t, picker, state, calls, logs, accept } = setup();
    const conn = accept()!;
    conn.emit('have-all');
    t.peers.get('10.0.0.1:5000')!.uploadQueue.push(blockOf(0));
    calls.length = 0;
    state.changed = 0;
    conn.close('timeout');
    expect(t.peers.size).toBe(0);
    expect(state.connections).toBe(0);
    expect([...picker.availability()]).toEqual([0, 0, 0, 0]);
    expect(calls).toEqual(['peerGone(10.0.0.1:5000)', 'fillAll()']);
    expect(state.changed).toBe(1);
    expect(logs).toEqual(['peer 10.0.0.1:5000 closed: timeout']);
  });

  it('a closed peer drops the uploads it queued', () => {
    const { t, accept } = setup();
    const conn = accept()!;
    const peer = t.peers.get('10.0.0.1:5000')!;
    peer.uploadQueue.push(blockOf(0));
    conn.close('timeout');
    expect(peer.uploadQueue).toEqual([]);
  });

  it('a second closed event for the same peer is ignored', () => {
    const { state, calls, accept } = setup();
    const conn = accept()!;
    conn.emit('closed', { reason: 'timeout' });
    conn.emit('closed', { reason: 'timeout' });
    expect(state.connections).toBe(0);
    expect(calls.filter((c) => c.startsWith('peerGone'))).toHaveLength(1);
  });

  it('a stale connection closing does not remove the peer now under its key', () => {
    const { t, state, accept } = setup();
    const first = accept('10.0.0.1', 5000)!;
    first.emit('closed', { reason: 'timeout' });
    const second = accept('10.0.0.1', 5000)!;
    first.emit('closed', { reason: 'timeout' });
    expect(t.peers.get('10.0.0.1:5000')?.conn).toBe(second);
    expect(state.connections).toBe(1);
  });

  it('a dialled peer that hung up is redialled after REDIAL_AFTER_REMOTE_CLOSE_MS', () => {
    const { t, clock, wiring, learn } = setup();
    learn(['10.0.0.1', 1]);
    wiring.dialDue(clock.now());
    dialed(0).socket.emit('connect');
    clock.advance(100);
    built(0).close('remote-closed');
    expect(t.candidates.get('10.0.0.1:1')!.nextTryAt).toBe(
      clock.now() + REDIAL_AFTER_REMOTE_CLOSE_MS,
    );
  });

  it('a dialled peer we closed waits REDIAL_AFTER_LOCAL_CLOSE_MS', () => {
    const { t, clock, wiring, learn } = setup();
    learn(['10.0.0.1', 1]);
    wiring.dialDue(clock.now());
    dialed(0).socket.emit('connect');
    clock.advance(100);
    built(0).close('not-wanted');
    expect(t.candidates.get('10.0.0.1:1')!.nextTryAt).toBe(
      clock.now() + REDIAL_AFTER_LOCAL_CLOSE_MS,
    );
  });

  it('a closed connection frees its slot under the cap', () => {
    const { accept } = setup({ maxConnections: 1 });
    accept('10.0.0.1', 1)!.close('timeout');
    expect(accept('10.0.0.2', 2)).toBeDefined();
  });
});

describe('PeerWiring: chokes and completion', () => {
  it('unchokes those named and the optimistic one, chokes the rest and rejects their queue', () => {
    const { calls, wiring, accept } = setup();
    const a = accept('10.0.0.1', 1)!;
    const b = accept('10.0.0.2', 2)!;
    const c = accept('10.0.0.3', 3)!;
    c.amChoking = false; // unchoked earlier
    wiring.applyChokes(new Set(['10.0.0.1:1']), '10.0.0.2:2');
    expect([a.calls, b.calls, c.calls]).toEqual([['unchoke'], ['unchoke'], ['choke']]);
    expect([a.optimistic, b.optimistic, c.optimistic]).toEqual([false, true, false]);
    expect(calls).toEqual(['upload.onChoked(10.0.0.3:3)']);
  });

  it('sends nothing to a peer whose choke state already matches', () => {
    const { calls, wiring, accept } = setup();
    const a = accept('10.0.0.1', 1)!;
    const b = accept('10.0.0.2', 2)!;
    a.amChoking = false;
    wiring.applyChokes(new Set(['10.0.0.1:1']), null);
    expect([a.calls, b.calls]).toEqual([[], []]);
    expect(calls).toEqual([]);
  });

  it('a peer no longer optimistic loses the flag', () => {
    const { wiring, accept } = setup();
    const a = accept('10.0.0.1', 1)!;
    wiring.applyChokes(new Set(), '10.0.0.1:1');
    wiring.applyChokes(new Set(['10.0.0.1:1']), null);
    expect(a.optimistic).toBe(false);
    expect(a.calls).toEqual(['unchoke']);
  });

  it('once complete, seeds are closed and the others are told we are not interested', () => {
    const { t, wiring, accept } = setup();
    const seed = accept('10.0.0.1', 1)!;
    for (let i = 0; i < PIECES; i++) seed.peerBitfield.set.add(i);
    const leech = accept('10.0.0.2', 2)!;
    leech.amInterested = true;
    const idle = accept('10.0.0.3', 3)!;
    wiring.afterCompleted();
    expect(seed.calls).toEqual(['close not-wanted']);
    expect(leech.calls).toEqual(['not-interested']);
    expect(idle.calls).toEqual([]);
    expect([...t.peers.keys()]).toEqual(['10.0.0.2:2', '10.0.0.3:3']);
  });

  it('the choker sees each peer as it is', () => {
    const { t, accept } = setup();
    const a = accept('10.0.0.1', 1)!;
    a.peerInterested = true;
    a.connectedAt = 42;
    for (let i = 0; i < PIECES; i++) a.peerBitfield.set.add(i);
    expect(chokeView(t.peers.values())).toEqual([
      {
        key: '10.0.0.1:1',
        interested: true,
        downRateBps: 100,
        upRateBps: 200,
        snubbed: false,
        connectedAt: 42,
        isSeed: true,
      },
    ]);
  });
});

describe('PeerWiring: simultaneous open (each end dials the other at once)', () => {
  /**
   * Two ends on loopback, A listening on 6001 and B on 6002, each dialling the other while the
   * other's dial arrives (over uTP an incoming connection comes from the peer's listen port, so
   * both connections have the same key). Physical connections: "a-b" (A dialled) and "b-a".
   * `aFirst`/`bFirst` say which of its two each end sees first. Returns what each end kept.
   */
  function meet(aFirst: 'incoming' | 'dial', bFirst: 'incoming' | 'dial') {
    const a = setup({ listenPort: 6001 });
    const b = setup({ listenPort: 6002 });
    a.learn(['127.0.0.1', 6002]);
    b.learn(['127.0.0.1', 6001]);
    a.wiring.dialDue(a.clock.now());
    const aDial = dialed(0);
    b.wiring.dialDue(b.clock.now());
    const bDial = dialed(1);
    const named = new Map<FakeConnection, string>();
    const arrive = (side: typeof a, kind: 'incoming' | 'dial'): void => {
      const before = fakes.conns.length;
      if (kind === 'incoming') side.accept('127.0.0.1', side === a ? 6002 : 6001);
      else (side === a ? aDial : bDial).socket.emit('connect');
      const conn = fakes.conns[before];
      // A's incoming is B's dial, and the other way round.
      if (conn) named.set(conn, (side === a) === (kind === 'dial') ? 'a-b' : 'b-a');
    };
    const other = (k: 'incoming' | 'dial') => (k === 'incoming' ? 'dial' : 'incoming');
    arrive(a, aFirst);
    arrive(b, bFirst);
    arrive(a, other(aFirst));
    arrive(b, other(bFirst));
    const kept = (side: typeof a): string | undefined => {
      const p = side.t.peers.get(side === a ? '127.0.0.1:6002' : '127.0.0.1:6001');
      return p && !(p.conn as unknown as FakeConnection).closeReason
        ? named.get(p.conn as unknown as FakeConnection)
        : undefined;
    };
    return { a, b, keptByA: kept(a), keptByB: kept(b) };
  }

  it.each([
    ['incoming', 'incoming'],
    ['incoming', 'dial'],
    ['dial', 'incoming'],
    ['dial', 'dial'],
  ] as const)(
    'both ends keep the same connection (A sees its %s first, B its %s)',
    (aFirst, bFirst) => {
      const { a, b, keptByA, keptByB } = meet(aFirst, bFirst);
      // The end with the lower listen port (A) keeps its dial; B keeps it as its incoming one.
      expect(keptByA).toBe('a-b');
      expect(keptByB).toBe('a-b');
      expect(a.t.peers.size).toBe(1);
      expect(b.t.peers.size).toBe(1);
      expect(a.state.connections).toBe(1);
      expect(b.state.connections).toBe(1);
    },
  );

  it('the connection given up is closed as a duplicate and the survivor is not redialled', () => {
    const { a, b } = meet('dial', 'dial');
    // B had attached its own dial first: it closes it for A's, with the reason the Log tab shows.
    expect(fakes.conns.some((c) => c.closeReason === 'duplicate')).toBe(true);
    b.clock.advance(10 * 60_000);
    a.clock.advance(10 * 60_000);
    const dials = fakes.dials.length;
    b.wiring.dialDue(b.clock.now());
    a.wiring.dialDue(a.clock.now());
    expect(fakes.dials).toHaveLength(dials);
  });

  it('with equal ports (two machines), the connection already there is kept', () => {
    const { accept, learn, wiring, clock, t } = setup({ listenPort: 6881 });
    learn(['10.0.0.1', 6881]);
    wiring.dialDue(clock.now());
    const first = accept('10.0.0.1', 6881)!;
    dialed(0).socket.emit('connect');
    expect(dialed(0).socket.destroyed).toBe(true);
    expect(t.peers.get('10.0.0.1:6881')?.conn).toBe(first);
    expect(first.closeReason).toBeNull();
  });
});
