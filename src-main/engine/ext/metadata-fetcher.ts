/**
 * Fetching a magnet's metadata from peers (BEP 9 over BEP 10): the connections of one magnet
 * before its metadata is known, and the wiring of their ut_metadata messages to a
 * MetadataAssembler.
 *
 * Invariants:
 * - At most METADATA_FETCH_MAX_PEERS connections (dials under way count), and the session's cap.
 * - Connections are metadata-only (pieceCount 0): they say have-none and ignore availability.
 * - A peer without ut_metadata is closed as 'not-wanted'; a peer breaking BEP 9 (size over the
 *   cap, pieces out of range or of the wrong size) is closed with 'protocol-error'; the peers
 *   behind metadata that failed its hash are closed with 'bad-data' and their addresses never
 *   dialled again by this magnet.
 * - `metadata` is called once, with the verified info dict; then every connection is closed.
 *   After METADATA_MAX_HASH_FAILURES wrong assemblies, `failed` is called instead.
 * - After `stop()`, no socket or timer of the fetcher is left.
 */
import type { PeerTransport } from '../peer/transport';
import net from 'node:net';
import {
  ADVERTISED_REQQ,
  CONNECT_TIMEOUT_MS,
  METADATA_FETCH_MAX_PEERS,
  METADATA_MAX_HASH_FAILURES,
} from '../limits';
import type { Logger } from '../log/logger';
import { PeerConnection } from '../peer/peer-connection';
import type { CloseReason } from '../peer/peer-connection';
import type { Clock } from '../time/clock';
import type { Candidate, CandidateList } from '../torrent/candidates';
import { candidateKey } from '../torrent/candidates';
import { LOCAL_EXTENSION_IDS } from '../wire/extension-ids';
import type { Handshake } from '../wire/handshake';
import { ProtocolError } from '../wire/protocol-error';
import { MetadataAssembler } from './metadata-assembler';
import type { MetadataVerdict } from './metadata-assembler';
import { decodeUtMetadata, encodeUtMetadata } from './ut-metadata-codec';

export interface MetadataFetcherDeps {
  clock: Clock;
  infoHash: Uint8Array;
  peerId: Uint8Array;
  clientVersion: string;
  listenPort: () => number;
  log: Logger;
  scope: string;
  candidates: CandidateList;
  canConnect: () => boolean;
  connectionsChanged: (delta: number) => void;
  changed: () => void;
  /** The verified info dict: called once. */
  metadata: (info: Uint8Array) => void;
  /** The fetch gave up (metadata failed its hash METADATA_MAX_HASH_FAILURES times). */
  failed: (message: string) => void;
}

interface FetchPeer {
  conn: PeerConnection;
  key: string;
  candidateKey: string | null;
}

export class MetadataFetcher {
  private readonly assembler: MetadataAssembler;
  private readonly peers = new Map<string, FetchPeer>();
  private readonly dialing = new Map<string, net.Socket>();
  /** Addresses (host:port) that sent metadata failing its hash. */
  private readonly struck = new Set<string>();
  private finished = false;
  private stopped = true;

  constructor(private readonly d: MetadataFetcherDeps) {
    this.assembler = new MetadataAssembler(d.infoHash);
  }

  get peerCount(): number {
    return this.peers.size;
  }

  /** Metadata bytes received of the size being fetched, for progress. */
  get progress(): { received: number; pieces: number } {
    return { received: this.assembler.piecesReceived, pieces: this.assembler.pieceCount };
  }

  get hashFailures(): number {
    return this.assembler.hashFailures;
  }

  start(): void {
    if (this.finished) return;
    this.stopped = false;
    this.tick();
  }

  /** Closes every connection and dial; `start` may follow. */
  stop(reason: CloseReason = 'not-wanted'): void {
    this.stopped = true;
    for (const s of this.dialing.values()) s.destroy();
    this.dialing.clear();
    for (const p of [...this.peers.values()]) p.conn.close(reason);
  }

  /** Expires requests, asks again, dials due candidates. Called about once a second. */
  tick(): void {
    if (this.stopped || this.finished) return;
    const now = this.d.clock.now();
    this.assembler.expire(now);
    for (const p of this.peers.values()) this.pump(p);
    const connected = new Set([...this.peers.values()].map((p) => p.candidateKey));
    for (const c of this.d.candidates.due(now)) {
      if (this.peers.size + this.dialing.size >= METADATA_FETCH_MAX_PEERS) break;
      if (!this.d.canConnect()) break;
      if (connected.has(c.key) || this.dialing.has(c.key) || this.struck.has(c.key)) continue;
      this.d.candidates.onDialStarted(c, now);
      this.dial(c);
    }
  }

  /** An incoming connection whose handshake named this magnet. */
  acceptIncoming(socket: net.Socket, handshake: Handshake, rest: Uint8Array): void {
    const address = socket.remoteAddress ?? '?';
    const port = socket.remotePort ?? 0;
    if (
      this.stopped ||
      this.finished ||
      this.peers.size + this.dialing.size >= METADATA_FETCH_MAX_PEERS ||
      !this.d.canConnect()
    ) {
      socket.destroy();
      return;
    }
    this.attach({ socket }, candidateKey(address, port), null, handshake, rest);
  }

  /**
   * An incoming connection that arrived as a transport: over uTP with its handshake read, or
   * after MSE (then `handshake` is null and the connection reads it). Same checks as TCP.
   */
  acceptTransport(
    transport: PeerTransport,
    address: string,
    port: number,
    handshake: Handshake | null,
    rest: Uint8Array | null,
  ): void {
    if (
      this.stopped ||
      this.finished ||
      this.peers.size + this.dialing.size >= METADATA_FETCH_MAX_PEERS ||
      !this.d.canConnect()
    ) {
      transport.destroy();
      return;
    }
    this.attach({ transport }, candidateKey(address, port), null, handshake, rest);
  }

  private dial(c: Candidate): void {
    const socket = net.createConnection({ host: c.address, port: c.port });
    socket.setNoDelay(true);
    const timer = this.d.clock.setTimeout(
      () => socket.destroy(new Error('connect timeout')),
      CONNECT_TIMEOUT_MS,
    );
    this.dialing.set(c.key, socket);
    socket.once('connect', () => {
      timer.cancel();
      this.dialing.delete(c.key);
      if (this.stopped || this.finished) return void socket.destroy();
      this.d.candidates.onDialSucceeded(c);
      this.attach({ socket }, c.key, c.key, null, null);
    });
    socket.once('error', (err) => {
      timer.cancel();
      if (!this.dialing.delete(c.key)) return;
      this.d.candidates.onDialFailed(c, this.d.clock.now());
      this.d.log.log('debug', this.d.scope, `dial ${c.key} failed: ${err.message}`);
    });
    socket.once('close', () => {
      timer.cancel();
      this.dialing.delete(c.key);
    });
  }

  private attach(
    link: { socket: net.Socket } | { transport: PeerTransport },
    key: string,
    fromCandidate: string | null,
    handshake: Handshake | null,
    rest: Uint8Array | null,
  ): void {
    if (this.peers.has(key)) {
      if ('socket' in link) link.socket.destroy();
      else link.transport.destroy();
      return;
    }
    const conn = new PeerConnection({
      ...link,
      clock: this.d.clock,
      infoHash: this.d.infoHash,
      peerId: this.d.peerId,
      pieceCount: 0,
      metadataOnly: true,
      incoming: fromCandidate === null,
      extensions: { fast: true, extended: true },
      clientVersion: this.d.clientVersion,
      reqq: ADVERTISED_REQQ,
      extendedHandshake: {
        p: this.d.listenPort(),
        m: { ut_metadata: LOCAL_EXTENSION_IDS.ut_metadata },
      },
      handshakeReceived: handshake ?? undefined,
      initialBytes: rest ?? undefined,
    });
    const peer: FetchPeer = { conn, key, candidateKey: fromCandidate };
    this.peers.set(key, peer);
    this.d.connectionsChanged(1);
    conn.on('handshake', () => {
      if (!conn.supportsExtended) return conn.close('not-wanted');
      conn.haveNone();
    });
    conn.on('extended-handshake', (h) => {
      const id = h.m['ut_metadata'];
      if (id === undefined || id === 0) return conn.close('not-wanted');
      if (h.metadata_size === undefined) return; // BEP 9: it may send it in a later handshake
      this.act(peer, this.assembler.addPeer(key, h.metadata_size));
      this.pump(peer);
    });
    conn.on('extended', ({ extId, payload }) => {
      if (extId !== LOCAL_EXTENSION_IDS.ut_metadata) return;
      this.onMessage(peer, payload);
    });
    conn.on('closed', ({ reason, error }) => {
      if (this.peers.get(key) !== peer) return;
      this.peers.delete(key);
      this.assembler.removePeer(key);
      this.d.connectionsChanged(-1);
      this.d.log.log(
        'debug',
        this.d.scope,
        `peer ${key} closed: ${reason}${error ? ` (${error.message})` : ''}`,
      );
      if (fromCandidate) {
        this.d.candidates.onConnectionClosed(
          fromCandidate,
          reason === 'remote-closed',
          this.d.clock.now(),
        );
      }
      this.d.changed();
    });
    this.d.changed();
  }

  private onMessage(peer: FetchPeer, payload: Uint8Array): void {
    let m;
    try {
      m = decodeUtMetadata(payload);
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err;
      return peer.conn.close('protocol-error', err);
    }
    const now = this.d.clock.now();
    const theirId = peer.conn.peerExtendedHandshake?.m['ut_metadata'] ?? 0;
    switch (m.type) {
      case 'request':
        // We have no metadata yet: BEP 9 says reject.
        if (theirId !== 0) {
          peer.conn.sendExtended(theirId, encodeUtMetadata({ type: 'reject', piece: m.piece }));
        }
        return;
      case 'reject':
        this.act(peer, this.assembler.onReject(peer.key, m.piece, now));
        return;
      case 'data':
        this.act(peer, this.assembler.onData(peer.key, m.piece, m.totalSize, m.data));
        if (!this.finished) this.pump(peer);
        return;
      case 'unknown':
        return;
    }
  }

  private act(peer: FetchPeer, v: MetadataVerdict): void {
    switch (v.kind) {
      case 'ok':
        return;
      case 'close':
        peer.conn.close(
          'protocol-error',
          new ProtocolError('unexpected-message', 'ut-metadata', v.why),
        );
        return;
      case 'hash-failed': {
        this.d.log.log(
          'warn',
          this.d.scope,
          `metadata failed its hash; closing ${v.culprits.join(', ')} and starting over`,
        );
        for (const key of v.culprits) {
          this.struck.add(key);
          this.peers.get(key)?.conn.close('bad-data');
        }
        if (this.assembler.hashFailures >= METADATA_MAX_HASH_FAILURES) {
          // Every sender so far lied: this swarm is poisoned, or the link is wrong.
          this.finished = true;
          this.stop('not-wanted');
          this.d.failed(
            `the metadata from peers failed its hash ${this.assembler.hashFailures} times`,
          );
          return;
        }
        // The other peers may have the right size: ask them.
        for (const p of this.peers.values()) this.pump(p);
        return;
      }
      case 'done':
        this.finished = true;
        this.stop('not-wanted');
        this.d.metadata(v.info);
        return;
    }
  }

  private pump(peer: FetchPeer): void {
    const theirId = peer.conn.peerExtendedHandshake?.m['ut_metadata'] ?? 0;
    if (theirId === 0 || !peer.conn.isOpen) return;
    for (const piece of this.assembler.nextRequests(peer.key, this.d.clock.now())) {
      peer.conn.sendExtended(theirId, encodeUtMetadata({ type: 'request', piece }));
    }
  }
}
