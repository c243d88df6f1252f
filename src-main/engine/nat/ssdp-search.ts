/**
 * SSDP discovery of Internet Gateway Devices: M-SEARCH for each WAN connection service type,
 * answers collected for a bounded window, sent again once when nobody answered.
 *
 * Invariants: only answers whose LOCATION is plain http on the very address that sent the answer
 * count (a device cannot send us elsewhere); at most SSDP_MAX_DEVICES distinct locations; the
 * socket is closed when the search ends, whatever happened.
 */
import dgram from 'node:dgram';
import { SSDP_MAX_DATAGRAM_BYTES, SSDP_MAX_DEVICES } from '../limits';
import type { Clock, TimerHandle } from '../time/clock';
import { NatError } from './nat-error';
import { WAN_SERVICE_TYPES, encodeMSearch, parseSsdpAnswer, sameHostUrl } from './upnp-messages';

export interface SsdpDevice {
  /** The device description's URL. */
  location: string;
  /** The address that answered; every URL we follow must be on it. */
  host: string;
}

export interface SsdpSearchOptions {
  clock: Clock;
  bindAddress: string;
  target: { address: string; port: number };
  waitMs: number;
  attempts: number;
  /** Stop this long after the first answer instead of waiting out the window. */
  graceMs?: number;
  /** Ends the search at once (the mapper closing). */
  signal?: AbortSignal;
  log(message: string): void;
}

/** MX we ask for: devices spread their answers over up to this many seconds. */
const MX_SEC = 2;

export function ssdpSearch(opts: SsdpSearchOptions): Promise<SsdpDevice[]> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket({ type: 'udp4', reuseAddr: false });
    const found = new Map<string, SsdpDevice>();
    let attempt = 0;
    let timer: TimerHandle | null = null;
    let done = false;
    const onAbort = (): void => finish(null);
    const finish = (err: Error | null): void => {
      if (done) return;
      done = true;
      timer?.cancel();
      opts.signal?.removeEventListener('abort', onAbort);
      socket.close();
      if (err) reject(err);
      else resolve([...found.values()]);
    };
    const round = (): void => {
      attempt += 1;
      for (const st of WAN_SERVICE_TYPES) {
        const msg = Buffer.from(encodeMSearch(st, MX_SEC));
        socket.send(msg, opts.target.port, opts.target.address, (err) => {
          if (err) opts.log(`M-SEARCH not sent: ${err.message}`);
        });
      }
      timer = opts.clock.setTimeout(() => {
        if (found.size > 0 || attempt >= opts.attempts) finish(null);
        else round();
      }, opts.waitMs);
    };
    socket.on('message', (msg, rinfo) => {
      if (done || msg.length > SSDP_MAX_DATAGRAM_BYTES || found.size >= SSDP_MAX_DEVICES) return;
      try {
        const answer = parseSsdpAnswer(msg.toString('latin1'));
        const url = sameHostUrl(answer.location, answer.location, rinfo.address);
        if (found.has(url.href)) return;
        found.set(url.href, { location: url.href, host: rinfo.address });
        if (found.size === 1 && opts.graceMs !== undefined) {
          timer?.cancel();
          timer = opts.clock.setTimeout(() => finish(null), opts.graceMs);
        }
      } catch (err) {
        if (!(err instanceof NatError)) throw err;
        opts.log(`ignored an SSDP answer from ${rinfo.address}: ${err.message}`);
      }
    });
    if (opts.signal?.aborted) {
      resolve([]);
      socket.close();
      return;
    }
    opts.signal?.addEventListener('abort', onAbort);
    socket.on('error', (err) => finish(new NatError(`SSDP: ${err.message}`)));
    socket.bind(0, opts.bindAddress, () => {
      if (done) return;
      try {
        // A router is one hop away; the search must not wander further.
        socket.setMulticastTTL(2);
      } catch {
        // Not every platform lets an unbound-interface socket set it; the default (1) is fine too.
      }
      round();
    });
  });
}
