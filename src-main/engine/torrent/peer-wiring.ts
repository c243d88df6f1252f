/**
 * Peer wiring: dialling candidates, accepting incoming connections, and routing each
 * connection's events to the picker, the downloader, the uploader and the choker.
 *
 * Invariants:
 * - One connection per address:port; a peer's key is its address:port.
 * - The torrent's connection cap and the session's are checked before dialling or accepting;
 *   dials under way count toward the torrent's (a dial that connects is attached unchecked).
 * - A closed connection gives its requested blocks back to the others at once.
 * - Encryption (MSE/PE, issue 18) is the transport's: under `prefer` and `require` a dial runs
 *   the MSE handshake (still counted as dialling) before a connection exists; under `prefer` a
 *   failed one is redialled in plaintext once, as libtorrent does.
 */
import type net from 'node:net';
import { dialShared } from '../net/shared-read-buffer';
import { PeerConnection, ourHandshake } from '../peer/peer-connection';
import type { CloseReason } from '../peer/peer-connection';
import { TcpTransport } from '../peer/tcp-transport';
import type { PeerTransport } from '../peer/transport';
import { dialMse } from '../peer/mse-transport';
import type { PendingMse } from '../peer/mse-transport';
import type { EncryptionPolicy } from '../crypto/mse-handshake';
import { MseError } from '../crypto/mse-error';
import { Bitfield } from '../wire';
import type { Handshake } from '../wire';
import type { ChokerPeer } from '../choker';
import { ADVERTISED_REQQ, CONNECT_TIMEOUT_MS } from '../limits';
import type { Candidate } from './candidates';
import { candidateKey } from './candidates';
import type { Downloader } from './downloader';
import type { PeerState, TorrentContext, TorrentDeps } from './torrent-context';
import type { Metainfo } from '../metainfo';
import { TrackerClient } from '../tracker/client';
import { MetadataServer, metadataHandshakeFields } from '../ext/metadata-server';
import { LOCAL_EXTENSION_IDS } from '../wire/extension-ids';
// --- explainer (issue 19) ---
import { closeFailureKind, dialFailureKind } from './connect-failures';
// --- uTP (issue 18) ---
// --- IPv6 (issue 18) ---
import { canonicalIp } from '../net/ip-address';
import { sameHost } from './address-policy';

/** The BEP 6 and BEP 10 bits we offer every peer. */
const OUR_EXTENSIONS = { fast: true, extended: true };

/** What the choker sees of each peer. */
export function chokeView(peers: Iterable<PeerState>): ChokerPeer[] {
  return [...peers].map((p) => ({
    key: p.key,
    interested: p.conn.peerInterested,
    downRateBps: p.conn.downRateBps(),
    upRateBps: p.conn.upRateBps(),
    snubbed: p.conn.snubbed,
    connectedAt: p.conn.connectedAt,
    isSeed: p.conn.peerBitfield.isFull(),
  }));
}

/** The tracker client that feeds this torrent's candidates. */
export function trackerClientFor(
  meta: Metainfo,
  deps: TorrentDeps,
  stats: () => { uploaded: number; downloaded: number; left: number },
  onPeers: (peers: { address: string; port: number }[], source: string) => void,
): TrackerClient {
  return new TrackerClient({
    infoHash: meta.infoHash,
    peerId: deps.peerId,
    port: deps.listenPort(),
    announceList: meta.announceList,
    isPrivate: meta.private,
    clock: deps.clock,
    random: deps.random,
    stats,
    onPeers,
    onLog: (level, msg) => deps.log.log(level, `tracker ${meta.infoHashHex.slice(0, 8)}`, msg),
    queue: deps.announceQueue, // --- issue 20
  });
}

/**
 * Two connections with one peer under one key (its address and listen port): each end dialled
 * the other at once. Over uTP this is the rule, not a rarity: a uTP connection comes from the
 * peer's UDP port, which is its listen port, so the incoming one has the same key as our dial.
 * Keeping whichever arrived first fails, because each end sees the other's dial arrive first,
 * keeps it, drops its own, and so drops the one the other end kept: no connection survives, and
 * both ends redial in step REDIAL_AFTER_DIAL_MS later to meet the same fate (the DHT swarm test
 * stalled that way under load). Both ends must agree on the survivor, from what both know: the
 * two listen ports. The connection dialled by the end with the lower port is kept. Equal or
 * unknown ports (another machine may use ours) keep the one already there, as before.
 * Returns whether the new connection replaces the existing one.
 */
export function newConnectionWins(
  existingIncoming: boolean,
  newIncoming: boolean,
  ourListenPort: number | null,
  theirPort: number,
): boolean {
  if (existingIncoming === newIncoming) return false;
  if (ourListenPort === null || ourListenPort === 0 || ourListenPort === theirPort) return false;
  const keepOurDial = ourListenPort < theirPort;
  return keepOurDial === !newIncoming;
}

/** uTP (issue 18): candidates remembered as not speaking uTP, at most (then forgotten at once). */
const NO_UTP_MEMORY = 4_096;

export class PeerWiring {
  /** Dials under way: candidate key to address. */
  private readonly dialing = new Map<string, string>();
  /** BEP 9: we serve our metadata to magnet leechers, seeding or not. */
  private readonly metadata: MetadataServer;
  /** uTP (issue 18): candidates whose uTP dial failed; they are dialled over TCP. */
  private readonly noUtp = new Set<string>();
  /** --- encryption (issue 18): dialled links still in their MSE handshake. */
  private readonly handshaking = new Set<PendingMse>();

  constructor(
    private readonly t: TorrentContext,
    private readonly downloader: Downloader,
  ) {
    this.metadata = new MetadataServer(t.meta.infoBytes, t.deps.clock);
  }

  /** An incoming connection whose handshake named this torrent. */
  acceptIncoming(socket: net.Socket, handshake: Handshake, rest: Uint8Array): void {
    const address = canonicalIp(socket.remoteAddress ?? '?');
    const port = socket.remotePort ?? 0;
    if (this.refusesIncoming(address, port)) {
      socket.destroy();
      return;
    }
    this.attach(new TcpTransport(socket), address, port, true, null, handshake, rest);
  }

  // --- uTP (issue 18) ---
  /** An incoming uTP connection whose handshake named this torrent: the same checks as TCP. */
  acceptIncomingTransport(
    transport: PeerTransport,
    port: number,
    handshake: Handshake,
    rest: Uint8Array,
  ): void {
    const address = canonicalIp(transport.remoteAddress ?? '?');
    if (this.refusesIncoming(address, port)) {
      transport.destroy();
      return;
    }
    this.attach(transport, address, port, true, null, handshake, rest);
  }

  // --- encryption, MSE/PE (issue 18) ---
  /** An incoming connection whose MSE handshake named this torrent; its BT handshake follows. */
  acceptEncrypted(transport: PeerTransport, address: string, port: number): void {
    if (this.refusesIncoming(address, port)) {
      transport.destroy();
      return;
    }
    this.attach(transport, address, port, true, null, null, null);
  }

  /** The checks every incoming connection passes, whatever carries it (TCP, uTP, MSE). */
  private refusesIncoming(address: string, port: number): boolean {
    return (
      this.t.stopped() ||
      this.t.peers.size + this.dialing.size >= this.t.maxConnections() ||
      !this.t.deps.canConnect() ||
      this.t.bans.isAddressBanned(address, port) ||
      !this.t.addresses.mayConnect(address, () => this.connectionsWith(address))
    );
  }

  /** Connections and dials with one IP address. */
  private connectionsWith(address: string): number {
    let n = 0;
    for (const p of this.t.peers.values()) if (sameHost(p.address, address)) n++;
    for (const a of this.dialing.values()) if (sameHost(a, address)) n++;
    return n;
  }

  /** Dials every candidate whose time has come, while there is room. */
  dialDue(now: number): void {
    const connected = new Set([...this.t.peers.values()].map((p) => p.candidateKey));
    // While we seed, known seeds are not due (issue 21): see CandidateList.due.
    for (const c of this.t.candidates.due(now, this.t.picker.isComplete())) {
      // Dials under way count: each one that connects is attached without another check.
      const open = this.t.peers.size + this.dialing.size;
      if (open >= this.t.maxConnections() || !this.t.deps.canConnect()) break;
      // An incoming connection from the address and port we would dial is that peer too.
      if (connected.has(c.key) || this.t.peers.has(c.key)) continue;
      if (this.t.bans.isAddressBanned(c.address, c.port)) continue;
      if (!this.t.addresses.mayConnect(c.address, () => this.connectionsWith(c.address))) continue;
      this.t.candidates.onDialStarted(c, now);
      this.dial(c);
    }
  }

  // --- uTP (issue 18): dial order ---
  /**
   * uTP first when it is on (as libtorrent does), falling back to TCP when the setting allows
   * both and the uTP dial fails (no answer within its connect timeout, or a RESET).
   */
  private dial(c: Candidate, policy = this.t.deps.encryption?.() ?? 'disable'): void {
    const transports = this.t.deps.transports?.() ?? 'tcp';
    // A candidate whose uTP dial failed once goes straight to TCP next time (libtorrent too).
    const tryUtp = transports === 'utp' || (transports === 'both' && !this.noUtp.has(c.key));
    const utp = tryUtp ? this.t.deps.dialUtp?.(c.address, c.port) : undefined;
    if (!utp) {
      if (transports === 'utp') return this.t.candidates.onDialFailed(c, this.t.deps.clock.now());
      return this.dialTcp(c, policy);
    }
    this.dialing.set(c.key, c.address);
    utp.connected().then(
      () => {
        if (this.t.stopped()) {
          this.dialing.delete(c.key);
          return utp.destroy();
        }
        // --- encryption (issue 18): MSE runs over uTP as over TCP.
        if (policy !== 'disable') return this.dialEncrypted(c, utp, policy);
        this.dialing.delete(c.key);
        this.t.candidates.onDialSucceeded(c);
        this.attach(utp, c.address, c.port, false, c, null, null);
      },
      (err: unknown) => {
        utp.destroy();
        if (!this.dialing.delete(c.key)) return;
        this.t.deps.log.log(
          'debug',
          `torrent ${this.t.id.slice(0, 8)}`,
          `uTP dial ${c.key} failed: ${err instanceof Error ? err.message : String(err)}`,
        );
        if (transports === 'both' && !this.t.stopped()) {
          if (this.noUtp.size >= NO_UTP_MEMORY) this.noUtp.clear();
          this.noUtp.add(c.key);
          this.dialTcp(c, policy);
        } else {
          this.t.connectFailures.note(dialFailureKind(err));
          this.t.candidates.onDialFailed(c, this.t.deps.clock.now());
        }
      },
    );
  }

  private dialTcp(c: Candidate, policy: EncryptionPolicy): void {
    const { socket, reads } = dialShared(c.address, c.port);
    socket.setNoDelay(true);
    const timer = this.t.deps.clock.setTimeout(
      () => socket.destroy(new Error('connect timeout')),
      CONNECT_TIMEOUT_MS,
    );
    this.dialing.set(c.key, c.address);
    let connected = false;
    socket.once('connect', () => {
      timer.cancel();
      // From here the transport reports the socket's errors (and the MSE handshake its own).
      connected = true;
      if (this.t.stopped()) {
        this.dialing.delete(c.key);
        return void socket.destroy();
      }
      // --- encryption, MSE/PE (issue 18) ---
      if (policy !== 'disable')
        return this.dialEncrypted(c, new TcpTransport(socket, reads), policy);
      this.dialing.delete(c.key);
      this.t.candidates.onDialSucceeded(c);
      this.attach(new TcpTransport(socket, reads), c.address, c.port, false, c, null, null);
    });
    const onDialError = (err: Error): void => {
      timer.cancel();
      if (connected || !this.dialing.delete(c.key)) return;
      this.t.connectFailures.note(dialFailureKind(err));
      this.t.candidates.onDialFailed(c, this.t.deps.clock.now());
      this.t.deps.log.log(
        'debug',
        `torrent ${this.t.id.slice(0, 8)}`,
        `dial ${c.key} failed: ${err.message}`,
      );
    };
    socket.once('error', onDialError);
  }

  // --- encryption, MSE/PE (issue 18) ---
  /**
   * The MSE handshake on a dialled link, our BT handshake as its initial payload. Under `prefer`
   * a failure (typically a peer with encryption off hanging up) redials once in plaintext.
   */
  private dialEncrypted(c: Candidate, raw: PeerTransport, policy: EncryptionPolicy): void {
    const { meta, deps } = this.t;
    const pending = dialMse(raw, {
      policy,
      infoHash: meta.infoHash,
      initialPayload: ourHandshake({
        infoHash: meta.infoHash,
        peerId: deps.peerId,
        extensions: OUR_EXTENSIONS,
      }),
      clock: deps.clock,
      random: deps.random,
    });
    this.handshaking.add(pending);
    pending.done.then(
      (transport) => {
        this.handshaking.delete(pending);
        this.dialing.delete(c.key);
        if (this.t.stopped()) return transport.destroy();
        this.t.candidates.onDialSucceeded(c);
        this.attach(transport, c.address, c.port, false, c, null, null, true);
      },
      (err: Error) => {
        this.handshaking.delete(pending);
        this.dialing.delete(c.key);
        const who = `torrent ${this.t.id.slice(0, 8)}`;
        const reason =
          err instanceof MseError
            ? `${err.closeReason} (MSE ${err.code}: ${err.message})`
            : err.message;
        if (policy === 'prefer' && !this.t.stopped()) {
          deps.log.log(
            'debug',
            who,
            `encrypted dial ${c.key} failed: ${reason}; redialling in plaintext`,
          );
          this.dialing.set(c.key, c.address);
          this.dial(c, 'disable');
          return;
        }
        this.t.connectFailures.note(dialFailureKind(err));
        this.t.candidates.onDialFailed(c, deps.clock.now());
        deps.log.log('debug', who, `encrypted dial ${c.key} failed: ${reason}`);
      },
    );
  }

  private attach(
    transport: PeerTransport,
    address: string,
    port: number,
    incoming: boolean,
    fromCandidate: Candidate | null,
    handshake: Handshake | null,
    rest: Uint8Array | null,
    handshakeSent = false,
  ): void {
    const key = candidateKey(address, port);
    const existing = this.t.peers.get(key);
    if (existing) {
      // Simultaneous open: both ends pick the same survivor, or each keeps the other's dial.
      if (!newConnectionWins(existing.conn.incoming, incoming, this.t.deps.listenPort(), port)) {
        transport.destroy();
        this.t.deps.log.log(
          'debug',
          `torrent ${this.t.id.slice(0, 8)}`,
          `${incoming ? 'incoming' : 'dialled'} connection to ${key} dropped: already connected`,
        );
        return;
      }
      existing.conn.close('duplicate');
    }
    const { meta, deps } = this.t;
    const metadataFields = metadataHandshakeFields(meta.infoBytes);
    const conn = new PeerConnection({
      transport,
      handshakeSent,
      clock: deps.clock,
      infoHash: meta.infoHash,
      peerId: deps.peerId,
      pieceCount: meta.pieceCount,
      incoming,
      extensions: OUR_EXTENSIONS,
      clientVersion: deps.clientVersion,
      reqq: ADVERTISED_REQQ,
      // BEP 10 `p`: our listen port, so a peer that we dialled can dial us back.
      // `m`: the extensions we speak: ut_metadata (BEP 9), and ut_pex when PEX is on (BEP 11).
      extendedHandshake: {
        p: deps.listenPort(),
        ...metadataFields,
        m: { ...metadataFields.m, ...this.t.pex.offer() },
      },
      handshakeReceived: handshake ?? undefined,
      initialBytes: rest ?? undefined,
      // A request past its piece's end closes the peer (issue 16), rather than being refused.
      pieceBytes: (index) => this.t.layout.pieceSize(index),
      onLog: (e) => this.t.logPeer(key, e.dir, e.type, e.detail),
    });
    const peer: PeerState = {
      conn,
      key,
      address,
      port,
      uploadQueue: [],
      uploading: false,
      servedBytes: 0,
      candidateKey: fromCandidate?.key ?? null,
      source: fromCandidate?.source ?? 'incoming',
    };
    this.t.peers.set(key, peer);
    deps.connectionsChanged(1);
    this.t.timeline?.track(key, address, port, incoming, conn); // --- timeline (issue 19)
    this.wire(peer);
    deps.changed();
  }

  private wire(peer: PeerState): void {
    const { conn, key } = peer;
    const { uploader } = this.t;
    // The picker is read at each event: a recheck replaces it.
    const dl = this.downloader;
    conn.on('handshake', (h) => {
      if (Buffer.compare(h.peerId, this.t.deps.peerId) === 0) return conn.close('self-connection');
      if (this.t.bans.isBanned(Buffer.from(h.peerId).toString('hex'))) return conn.close('banned');
      // BEP 6: a complete peer says have-all; an empty one have-none; else a bitfield.
      if (this.t.picker.haveCount() === 0) conn.haveNone();
      else if (this.t.picker.haveCount() === this.t.meta.pieceCount) conn.haveAll();
      else conn.sendBitfield(this.haveBitfield());
    });
    conn.on('bitfield', () => {
      this.t.picker.onPeerBitfield(key, (i) => conn.peerBitfield.get(i));
      dl.afterAvailabilityChanged(peer);
    });
    conn.on('have-all', () => {
      this.t.picker.onPeerHaveAll(key);
      dl.afterAvailabilityChanged(peer);
    });
    conn.on('have-none', () => dl.afterAvailabilityChanged(peer));
    conn.on('have', (index) => {
      this.t.picker.onPeerHave(key, index);
      dl.afterHave(peer, index);
    });
    conn.on('unchoke', () => dl.fillRequests(peer));
    conn.on('choke', (dropped) => {
      for (const b of dropped) dl.requestDropped(peer, b);
    });
    conn.on('reject', (b) => {
      dl.requestDropped(peer, b);
      dl.fillRequests(peer);
    });
    conn.on('allowed-fast', () => dl.fillRequests(peer));
    conn.on('interested', () => this.t.peerInterestChanged(key));
    conn.on('not-interested', () => this.t.peerInterestChanged(key));
    conn.on('request', (b) => uploader.onRequest(peer, b));
    conn.on('cancel', (b) => uploader.onCancel(peer, b));
    conn.on('block', (b) => dl.onBlock(peer, b.index, b.begin, b.data));
    conn.on('drain', () => uploader.serve(peer));
    conn.on('extended', ({ extId, payload }) => {
      if (extId === LOCAL_EXTENSION_IDS.ut_pex)
        this.t.pex.onMessage(peer, payload, this.t.deps.clock.now());
      else this.metadata.onExtended(conn, key, extId, payload);
    });
    conn.on('closed', ({ reason, error }) => this.onPeerClosed(peer, reason, error));
  }

  // --- encryption, MSE/PE (issue 18) ---
  /** The torrent stopped: MSE handshakes under way end now (their dials fail, no redial). */
  stopHandshakes(): void {
    for (const pending of [...this.handshaking]) pending.abort();
  }

  /** The choker's decision: unchoke those named, choke the rest (rejecting what they queued). */
  applyChokes(unchoke: Set<string>, optimistic: string | null): void {
    for (const p of this.t.peers.values()) {
      const should = unchoke.has(p.key) || p.key === optimistic;
      p.conn.optimistic = p.key === optimistic;
      if (should && p.conn.amChoking) {
        p.conn.unchoke();
      } else if (!should && !p.conn.amChoking) {
        p.conn.choke();
        this.t.uploader.onChoked(p);
      }
      this.t.timeline?.observe(p.key, p.conn); // --- timeline (issue 19)
    }
  }

  /** We became a seed: seeds are no use to us now, and we want nothing from the others. */
  afterCompleted(): void {
    for (const p of [...this.t.peers.values()]) {
      if (p.conn.peerBitfield.isFull()) p.conn.close('not-wanted');
      else if (p.conn.amInterested) p.conn.notInterested();
    }
  }

  private haveBitfield(): Bitfield {
    const { picker, meta } = this.t;
    const bf = new Bitfield(meta.pieceCount);
    for (let i = 0; i < meta.pieceCount; i++) if (picker.have(i)) bf.set(i);
    return bf;
  }

  private onPeerClosed(peer: PeerState, reason: CloseReason, error?: Error): void {
    if (this.t.peers.get(peer.key) !== peer) return;
    this.t.peers.delete(peer.key);
    this.t.connectFailures.note(closeFailureKind(reason)); // --- explainer (issue 19)
    this.metadata.forget(peer.key);
    this.t.deps.connectionsChanged(-1);
    this.t.picker.onPeerGone(peer.key);
    this.t.peerGone(peer.key);
    this.t.pex.onPeerGone(peer.key);
    peer.uploadQueue = [];
    this.t.deps.log.log(
      'debug',
      `torrent ${this.t.id.slice(0, 8)}`,
      `peer ${peer.key} closed: ${reason}${error ? ` (${error.message})` : ''}`,
    );
    // Remember whether it is a seed, by the address it listens on (issue 21).
    const listenPort = peer.conn.peerExtendedHandshake?.p;
    const listenKey =
      peer.candidateKey ?? (listenPort ? candidateKey(peer.address, listenPort) : null);
    if (listenKey) this.t.candidates.noteSeed(listenKey, peer.conn.peerBitfield.isFull());
    if (peer.candidateKey && reason === 'self-connection')
      this.t.candidates.onSelfConnection(peer.candidateKey);
    if (peer.candidateKey)
      this.t.candidates.onConnectionClosed(
        peer.candidateKey,
        reason === 'remote-closed',
        this.t.deps.clock.now(),
      );
    // Blocks that peer held go back to the pool: give them to others now.
    this.downloader.fillAll();
    this.t.deps.changed();
  }
}
