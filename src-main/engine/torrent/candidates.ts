/**
 * Candidates: the addresses a torrent knows and may dial, with their backoff.
 *
 * Invariants:
 * - At most `maxCandidates` addresses are kept; trackers and PEX may offer many more.
 * - A candidate is due when its `nextTryAt` has passed. Dialling it pushes that time out
 *   (REDIAL_AFTER_DIAL_MS), a failed dial backs off exponentially, and a closed connection
 *   waits a little before the address is tried again.
 * - A candidate last seen as a seed is not due while we are a seed too: two seeds have nothing to
 *   trade, and redialling one every REDIAL_AFTER_LOCAL_CLOSE_MS only to close it "not-wanted" was
 *   a loop (issue 21). It is due again once we want data (a file re-enabled, a recheck), or once a
 *   later connection shows it is no longer a seed.
 * - A source may be given its own cap (PEX and LSD are, in limits.ts), so addresses from peers
 *   that lie cannot crowd out the others. `learned` counts the new addresses each source gave.
 * - A candidate that turned out to be ourselves (self-connection) is never due again.
 * - Pure: the caller passes `now`; nothing here touches a socket or a timer.
 */
import { canonicalIp, formatEndpoint } from '../net/ip-address';
import type { PeerSource } from '../../../src-shared/model';
import {
  DIAL_BACKOFF_BASE_MS,
  DIAL_BACKOFF_MAX_MS,
  MAX_CANDIDATES_PER_TORRENT,
  REDIAL_AFTER_DIAL_MS,
  REDIAL_AFTER_LOCAL_CLOSE_MS,
  REDIAL_AFTER_REMOTE_CLOSE_MS,
} from '../limits';

export interface Candidate {
  readonly key: string;
  readonly address: string;
  readonly port: number;
  /** Failed dials in a row; reset by a connection. */
  failures: number;
  nextTryAt: number;
  /** Where it came from, for the Peers tab and the per-source counts. */
  readonly source: PeerSource;
  /** It had every piece when its last connection closed. */
  seed: boolean;
  /** Dialling it reached ourselves (our peer id answered): never due again. */
  ours: boolean;
}

export function candidateKey(address: string, port: number): string {
  // --- IPv6 (issue 18): `[v6]:port`, so a key is never ambiguous and reads as users write it.
  return formatEndpoint(address, port);
}

/** The wait after the n-th failed dial in a row (n >= 1): 2 s, 4 s, 8 s ... up to 5 min. */
export function dialBackoffMs(failures: number): number {
  return Math.min(DIAL_BACKOFF_MAX_MS, DIAL_BACKOFF_BASE_MS * 2 ** Math.max(0, failures - 1));
}

export class CandidateList {
  private readonly byKey = new Map<string, Candidate>();
  /** Candidates kept per source, for the per-source caps. */
  private readonly keptBySource = new Map<PeerSource, number>();
  /** New addresses each source gave over this torrent's life (issue 17's status line). */
  private readonly learnedBySource = new Map<PeerSource, number>();

  constructor(private readonly maxCandidates = MAX_CANDIDATES_PER_TORRENT) {}

  get size(): number {
    return this.byKey.size;
  }

  /** How many known addresses each source gave (issue 17: the DHT status line). */
  countBySource(into: Record<string, number>): void {
    for (const [source, n] of this.keptBySource) into[source] = (into[source] ?? 0) + n;
  }

  get(key: string): Candidate | undefined {
    return this.byKey.get(key);
  }

  /**
   * Adds the addresses not known yet (and not refused by `isBanned`); returns how many.
   * `maxFromSource` caps the candidates this source may hold in all.
   */
  add(
    peers: Iterable<{ address: string; port: number }>,
    source: PeerSource,
    isBanned: (address: string, port: number) => boolean,
    maxFromSource = Infinity,
  ): number {
    let added = 0;
    let kept = this.keptBySource.get(source) ?? 0;
    for (const peer of peers) {
      // --- IPv6 (issue 18): one form per address, so `::ffff:a.b.c.d` and a.b.c.d are one.
      const address = canonicalIp(peer.address);
      const port = peer.port;
      if (!(port > 0 && port < 65536)) continue;
      const key = candidateKey(address, port);
      if (this.byKey.has(key) || isBanned(address, port)) continue;
      if (this.byKey.size >= this.maxCandidates || kept >= maxFromSource) break;
      this.byKey.set(key, {
        key,
        address,
        port,
        failures: 0,
        nextTryAt: 0,
        source,
        seed: false,
        ours: false,
      });
      kept++;
      added++;
    }
    this.keptBySource.set(source, kept);
    if (added > 0)
      this.learnedBySource.set(source, (this.learnedBySource.get(source) ?? 0) + added);
    return added;
  }

  /** New addresses each source gave, over this torrent's life. */
  learned(): Partial<Record<PeerSource, number>> {
    return Object.fromEntries(this.learnedBySource) as Partial<Record<PeerSource, number>>;
  }

  /**
   * The candidates whose time has come, in the order they were learnt; while `weAreSeed`, those
   * known to be seeds are left out (kept for when we want data again).
   */
  *due(now: number, weAreSeed = false): Generator<Candidate> {
    for (const c of this.byKey.values())
      if (c.nextTryAt <= now && !c.ours && !(weAreSeed && c.seed)) yield c;
  }

  /**
   * Dialling this address reached ourselves. The DHT hands our own announce back to us (and a
   * tracker or PEX may too), so without this every torrent dialled itself again after each
   * REDIAL_AFTER_LOCAL_CLOSE_MS, for ever. It stays known, so the same address given again is
   * not dialled either.
   */
  onSelfConnection(key: string): void {
    const c = this.byKey.get(key);
    if (c) c.ours = true;
  }

  /** A dial starts: not again before REDIAL_AFTER_DIAL_MS, whatever its outcome. */
  onDialStarted(c: Candidate, now: number): void {
    c.nextTryAt = now + REDIAL_AFTER_DIAL_MS;
  }

  onDialSucceeded(c: Candidate): void {
    c.failures = 0;
  }

  onDialFailed(c: Candidate, now: number): void {
    c.failures++;
    c.nextTryAt = now + dialBackoffMs(c.failures);
  }

  /**
   * What a closed connection showed of the peer at this address (its listen address: the one we
   * dialled, or the port it announced in its extended handshake): whether it had every piece.
   */
  noteSeed(key: string, seed: boolean): void {
    const c = this.byKey.get(key);
    if (c) c.seed = seed;
  }

  /**
   * The torrent starts again (Resume after a pause or a disk fault): the waits that came from
   * our own stop are lifted; candidates whose dials failed keep their backoff.
   */
  onTorrentStarted(): void {
    for (const c of this.byKey.values()) if (c.failures === 0) c.nextTryAt = 0;
  }

  /** The connection made to this candidate closed; `byRemote` when the peer hung up. */
  onConnectionClosed(key: string, byRemote: boolean, now: number): void {
    const c = this.byKey.get(key);
    if (c)
      c.nextTryAt = now + (byRemote ? REDIAL_AFTER_REMOTE_CLOSE_MS : REDIAL_AFTER_LOCAL_CLOSE_MS);
  }
}
