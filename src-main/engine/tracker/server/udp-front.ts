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

/** Connection-id windows are a minute long; ids stay valid for two (BEP 15). */
const CONNECTION_ID_WINDOW_MS = 60_000;

export class UdpFront {
  private socket: Socket | null = null;
  /** --- IPv6 (issue 18): the udp6 socket beside the udp4 one for the wildcard host. */
  private socket6: Socket | null = null;
  /** Why the wildcard's IPv6 socket could not bind; null when it did (or was not asked). */
  v6Error: string | null = null;
  private readonly ids: ConnectionIds;
  /** Answers of the current receive batch, sent together once it is processed. */
  private outbox: Array<{ buf: Uint8Array; port: number; address: string }> = [];
  private flush: NodeJS.Immediate | null = null;

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
    this.outbox = [];
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
    this.outbox.push({ buf, port: rinfo.port, address: rinfo.address });
    if (this.flush === null) {
      this.flush = setImmediate(() => {
        this.flush = null;
        const out = this.outbox;
        this.outbox = [];
        // --- IPv6 (issue 18): each answer leaves by the socket of its address's stack.
        for (const o of out) {
          const socket = o.address.includes(':') && this.socket6 ? this.socket6 : this.socket;
          socket?.send(o.buf, o.port, o.address);
        }
      });
    }
  }

  private onMessage(msg: Buffer, rinfo: RemoteInfo): void {
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
