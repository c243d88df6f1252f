/**
 * The UDP front of the embedded tracker (BEP 15): connect, announce, scrape, error.
 *
 * Invariants:
 * - Connection ids come from `ConnectionIds` (a keyed MAC of address, port and time window):
 *   never a constant, valid two minutes, no per-client state.
 * - A packet too short to carry a transaction id is dropped; any other bad packet gets an
 *   error packet. Both are counted by reason. A handler never throws for a peer's bytes.
 * - No error packet is larger than the datagram it answers (its message is cut to fit), so a
 *   request with a forged source address gains an attacker nothing (reflection).
 * - An announce is answered with peers of the requester's own address family (BEP 15 uses
 *   18-byte entries when the tracker is reached over IPv6).
 * - Issue 20: a valid announce with a valid connection id takes a fast path that reads the
 *   packet in place (udp-announce-reader.ts); every other packet, refusals included, goes
 *   through `decodeUdpRequest`, so each refusal has one code path and one counter.
 */
import { createSocket } from 'node:dgram';
import type { RemoteInfo, Socket } from 'node:dgram';
import { TRACKER_UDP_CONNECTION_ID_VALID_MS, TRACKER_UDP_SOCKET_BUFFER_BYTES } from '../../limits';
import { TrackerProtocolError } from '../codec/errors';
import {
  decodeUdpRequest,
  encodeUdpAnnounceResponse,
  encodeUdpConnectResponse,
  encodeUdpErrorResponse,
  encodeUdpScrapeResponse,
} from '../codec/udp-packets';
import type { UdpRequest } from '../codec/udp-packets';
import { ConnectionIds } from './connection-ids';
import {
  newUdpAnnounceFields,
  readUdpAnnounce,
  UDP_ANNOUNCE_CONNECTION_ID_AT,
} from './udp-announce-reader';
import { listenPlan } from '../../net/ip-address';
import type { TrackerCore } from './tracker-core';

function literalLookup(
  hostname: string,
  _options: unknown,
  callback: (err: NodeJS.ErrnoException | null, address: string, family: number) => void,
): void {
  // Only ever called with rinfo.address, a literal; the check guards against misuse.
  const family = hostname.includes(':') ? 6 : hostname.includes('.') ? 4 : 0;
  if (family === 0) {
    const err: NodeJS.ErrnoException = new Error(`not an IP address: ${hostname}`);
    err.code = 'EINVAL';
    callback(err, '', 0);
    return;
  }
  callback(null, hostname, family);
}

/** What a sent answer's outbox slot holds until the slot is reused. */
const NO_ANSWER = new Uint8Array(0);
/** BEP 15: action, transaction id, interval, leechers, seeders; 4 bytes each. */
const ANNOUNCE_HEADER_BYTES = 20;
/** Answers are cut from slabs this large (about 200 answers of 50 IPv4 peers). */
const ANSWER_SLAB_BYTES = 64 * 1024;

/** A uint32, big-endian, at `o` (counts past 2^32 wrap, as the codec's encoder does). */
function put32(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 24;
  b[o + 1] = (v >>> 16) & 0xff;
  b[o + 2] = (v >>> 8) & 0xff;
  b[o + 3] = v & 0xff;
}

/** Connection-id windows are a minute long; ids stay valid for two (BEP 15). */
const CONNECTION_ID_WINDOW_MS = 60_000;

export class UdpFront {
  private socket: Socket | null = null;
  /** --- IPv6 (issue 18): the udp6 socket beside the udp4 one for the wildcard host. */
  private socket6: Socket | null = null;
  /** Why the wildcard's IPv6 socket could not bind; null when it did (or was not asked). */
  v6Error: string | null = null;
  private readonly ids: ConnectionIds;
  /**
   * Answers of the current receive batch, sent together once it is processed: slot i of the
   * three arrays is one answer (no object per answer), `outCount` of them are filled.
   */
  private outBufs: Uint8Array[] = [];
  private outPorts: number[] = [];
  private outAddresses: string[] = [];
  private outCount = 0;
  private flush: NodeJS.Immediate | null = null;
  /** Announces of the fast path not yet given to the core's rate meter (one add per batch). */
  private uncounted = 0;
  /** The fast path's fields, reused for every packet. */
  private readonly fields = newUdpAnnounceFields();
  /** Where answers are cut from (`answerBytes`); a new slab starts zeroed. */
  private slab = new ArrayBuffer(ANSWER_SLAB_BYTES);
  private slabUsed = 0;

  constructor(
    private readonly core: TrackerCore,
    secret: Uint8Array,
  ) {
    this.ids = new ConnectionIds(
      secret,
      CONNECTION_ID_WINDOW_MS,
      TRACKER_UDP_CONNECTION_ID_VALID_MS,
    );
  }

  /**
   * Binds `host:port`. IPv6 (issue 18): the wildcard binds both stacks, a udp6 socket (IPv6-only)
   * on the port the udp4 one got; without IPv6 the udp4 one serves alone and `v6Error` says why.
   */
  async listen(host: string, port: number): Promise<number> {
    const plan = listenPlan(host);
    this.v6Error = null;
    const first = (plan.v4 ?? plan.v6) as string;
    const bound = await this.bindOne(first, port, (socket) => (this.socket = socket));
    if (plan.v4 && plan.v6) {
      await this.bindOne(plan.v6, bound, (socket) => (this.socket6 = socket)).catch(
        (err: unknown) => {
          this.v6Error = err instanceof Error ? err.message : String(err);
        },
      );
    }
    return bound;
  }

  private bindOne(host: string, port: number, keep: (s: Socket) => void): Promise<number> {
    const v6 = host.includes(':');
    const socket = createSocket({
      type: v6 ? 'udp6' : 'udp4',
      ipv6Only: v6,
      // Replies go to the literal address a datagram came from: skip dns.lookup and its
      // extra tick on every send (a third of the cost of an answer under load).
      lookup: literalLookup,
      recvBufferSize: TRACKER_UDP_SOCKET_BUFFER_BYTES,
      sendBufferSize: TRACKER_UDP_SOCKET_BUFFER_BYTES,
    });
    return new Promise<number>((resolve, reject) => {
      const onError = (err: Error): void => {
        socket.close();
        reject(err);
      };
      socket.once('error', onError);
      socket.bind(port, host, () => {
        socket.off('error', onError);
        keep(socket);
        socket.on('error', (err) => this.core.log('error', `udp front: ${err.message}`));
        socket.on('message', (msg, rinfo) => this.onMessage(msg, rinfo));
        resolve(socket.address().port);
      });
    });
  }

  async close(): Promise<void> {
    if (this.flush) clearImmediate(this.flush);
    this.flush = null;
    this.outBufs = [];
    this.outPorts = [];
    this.outAddresses = [];
    this.outCount = 0;
    const sockets = [this.socket, this.socket6].filter((x): x is Socket => x !== null);
    this.socket = null;
    this.socket6 = null;
    await Promise.all(
      sockets.map((socket) => new Promise<void>((resolve) => socket.close(() => resolve()))),
    );
  }

  /**
   * Queues an answer; the queue is sent after the current batch of received datagrams (libuv
   * reads up to 32 per wake-up). Sending in a burst lets the client's process take them in one
   * wake-up instead of one each: about a quarter more announces per second on loopback.
   */
  private send(buf: Uint8Array, rinfo: RemoteInfo): void {
    const i = this.outCount++;
    this.outBufs[i] = buf;
    this.outPorts[i] = rinfo.port;
    this.outAddresses[i] = rinfo.address;
    if (this.flush === null) this.flush = setImmediate(this.sendAll);
  }

  private readonly sendAll = (): void => {
    this.flush = null;
    this.core.countAnnounces(this.uncounted);
    this.uncounted = 0;
    const bufs = this.outBufs;
    const n = this.outCount;
    this.outCount = 0;
    for (let i = 0; i < n; i++) {
      const address = this.outAddresses[i] as string;
      // --- IPv6 (issue 18): each answer leaves by the socket of its address's stack.
      const socket = this.socket6 !== null && address.includes(':') ? this.socket6 : this.socket;
      socket?.send(bufs[i] as Uint8Array, this.outPorts[i] as number, address);
      // The socket holds the answer until it is sent; the outbox must not keep it longer.
      bufs[i] = NO_ANSWER;
    }
  };

  /**
   * Issue 20: a valid announce with a valid connection id, answered without decoding it into
   * objects. False when the packet is anything else (the full decoder then handles it).
   */
  private fastAnnounce(msg: Buffer, rinfo: RemoteInfo): boolean {
    const f = this.fields;
    if (
      !readUdpAnnounce(msg, f) ||
      !this.ids.verifyAt(
        msg,
        UDP_ANNOUNCE_CONNECTION_ID_AT,
        rinfo.address,
        rinfo.port,
        this.core.clock.now(),
      )
    )
      return false;
    this.uncounted++;
    const result = this.core.announceUdp(msg, f, rinfo.address);
    if (!result.ok) {
      this.send(encodeUdpErrorResponse(f.transactionId, result.message, msg.length), rinfo);
      return true;
    }
    const v6 = rinfo.family === 'IPv6' && !rinfo.address.startsWith('::ffff:');
    const peers = v6 ? result.peers6 : result.peers4;
    const out = this.answerBytes(ANNOUNCE_HEADER_BYTES + peers.length);
    // BEP 15 announce answer: action 1, transaction id, interval, leechers, seeders, peers.
    out[3] = 1;
    put32(out, 4, f.transactionId);
    put32(out, 8, result.intervalSec);
    put32(out, 12, result.incomplete);
    put32(out, 16, result.complete);
    out.set(peers, ANNOUNCE_HEADER_BYTES);
    this.send(out, rinfo);
    return true;
  }

  /**
   * `len` fresh bytes for an answer, cut from a slab: a Buffer per answer took a pool refill
   * every 25 answers and bounds-checked writes (together a tenth of the fast path's time). A
   * slab is never written again once cut: a full one is dropped and stays alive only as long
   * as the answers cut from it wait in the socket.
   */
  private answerBytes(len: number): Uint8Array {
    if (len > ANSWER_SLAB_BYTES) return new Uint8Array(len);
    if (this.slabUsed + len > ANSWER_SLAB_BYTES) {
      this.slab = new ArrayBuffer(ANSWER_SLAB_BYTES);
      this.slabUsed = 0;
    }
    const out = new Uint8Array(this.slab, this.slabUsed, len);
    this.slabUsed += len;
    return out;
  }

  private onMessage(msg: Buffer, rinfo: RemoteInfo): void {
    if (this.fastAnnounce(msg, rinfo)) return;
    let req: UdpRequest;
    try {
      req = decodeUdpRequest(msg);
    } catch (err) {
      if (!(err instanceof TrackerProtocolError)) throw err;
      if (msg.length < 16) {
        this.core.reject('udp-truncated', `${msg.length} bytes`);
        return;
      }
      this.core.reject(err.code === 'bad-action' ? 'udp-bad-action' : 'udp-malformed', err.message);
      this.send(encodeUdpErrorResponse(msg.readUInt32BE(12), err.message, msg.length), rinfo);
      return;
    }
    const now = this.core.clock.now();
    switch (req.action) {
      case 'connect':
        this.send(
          encodeUdpConnectResponse(
            req.transactionId,
            this.ids.issue(rinfo.address, rinfo.port, now),
          ),
          rinfo,
        );
        return;
      case 'announce': {
        if (!this.ids.verify(req.connectionId, rinfo.address, rinfo.port, now)) {
          this.core.reject('udp-stale-connection-id');
          this.send(
            encodeUdpErrorResponse(req.transactionId, 'connection id expired', msg.length),
            rinfo,
          );
          return;
        }
        const result = this.core.announce(req.request, rinfo.address, 'udp');
        if (!result.ok) {
          this.send(encodeUdpErrorResponse(req.transactionId, result.message, msg.length), rinfo);
          return;
        }
        const v6 = rinfo.family === 'IPv6' && !rinfo.address.startsWith('::ffff:');
        this.send(
          encodeUdpAnnounceResponse({
            transactionId: req.transactionId,
            intervalSec: result.intervalSec,
            leechers: result.incomplete,
            seeders: result.complete,
            compactPeers: v6 ? result.peers6 : result.peers4,
          }),
          rinfo,
        );
        return;
      }
      case 'scrape': {
        if (!this.ids.verify(req.connectionId, rinfo.address, rinfo.port, now)) {
          this.core.reject('udp-stale-connection-id');
          this.send(
            encodeUdpErrorResponse(req.transactionId, 'connection id expired', msg.length),
            rinfo,
          );
          return;
        }
        const files = this.core.scrape(req.infoHashes).map((e) => ({
          seeders: e.complete,
          completed: e.downloaded,
          leechers: e.incomplete,
        }));
        this.send(encodeUdpScrapeResponse(req.transactionId, files), rinfo);
        return;
      }
    }
  }
}
