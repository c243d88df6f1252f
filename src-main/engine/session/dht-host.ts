/**
 * The session's side of the DHT (issue 17): one DhtNode on the listen port's UDP endpoint, its
 * routing table kept in the data folder, and the per-torrent announces and lookups.
 *
 * Invariants:
 * - Private torrents (BEP 27) are never announced nor looked up, and peers found for them are
 *   dropped.
 * - Every torrent that is seeding or downloading is announced with our TCP listen port (as
 *   libtorrent does for both): seeds every DHT_ANNOUNCE_INTERVAL_MS, downloads sooner
 *   (DHT_DOWNLOAD_LOOKUP_INTERVAL_MS, or DHT_EMPTY_LOOKUP_RETRY_MS when the last lookup found
 *   nobody). Peers found go to the session's `feedPeers` with source 'dht', and so do peers
 *   that announce one of our torrents to our node (in a small DHT nobody else knows them).
 * - At most DHT_SESSION_MAX_TORRENT_LOOKUPS torrent lookups run at once, and none before the
 *   first bootstrap has finished.
 * - The table is saved (atomically) every DHT_TABLE_SAVE_INTERVAL_MS and at `stop()`, and
 *   restored at `start()`: from memory after a restart of the node (a settings change), else
 *   from `dht.json`. A damaged file is set aside and the node starts empty.
 * - `stop()` cancels every timer, unregisters from the endpoint and closes the node.
 */
import path from 'node:path';
import {
  DHT_ANNOUNCE_INTERVAL_MS,
  DHT_DOWNLOAD_LOOKUP_INTERVAL_MS,
  DHT_EMPTY_LOOKUP_RETRY_MS,
  DHT_SESSION_MAX_TORRENT_LOOKUPS,
  DHT_SESSION_TICK_MS,
  DHT_TABLE_SAVE_INTERVAL_MS,
} from '../limits';
import type { TorrentState } from '../../../src-shared/model';
import { DhtNode, idFromHex, idToHex } from '../dht';
import type { NodeId, SerializedRoutingTable } from '../dht';
import type { Logger } from '../log/logger';
import type { UdpHandler } from '../net/udp-endpoint';
import type { Clock, Random, TimerHandle } from '../time/clock';
import type { PeerAddress } from '../tracker/codec/compact-peers';
import { AtomicFile, readJsonWithBackup } from './atomic-file';
import { planDhtBootstrap } from './dht-bootstrap';

/** What the DHT host needs of the UDP endpoint (the real one, or a pair in memory for tests). */
export interface DhtDatagrams {
  send(packet: Uint8Array, port: number, address: string): void;
  on(consumer: 'dht', handler: UdpHandler): void;
  off(consumer: 'dht'): void;
}

/** One torrent as the DHT host sees it. */
export interface DhtTorrentView {
  infoHashHex: string;
  private: boolean;
  state: TorrentState;
}

/** Test knobs: short timeouts and intervals for loopback DHTs. */
export interface DhtTuning {
  allowSameIp?: boolean;
  queryTimeoutMs?: number;
  lookupTimeoutMs?: number;
  /** Replaces every per-torrent interval (announce, lookup, retry). */
  torrentIntervalMs?: number;
  tickMs?: number;
}

export interface DhtHostDeps {
  clock: Clock;
  random: Random;
  logger: Logger;
  dataDir: string | null;
  /** The session's TCP listen port, which we announce; null while not listening. */
  listenPort: () => number | null;
  torrents: () => Iterable<DhtTorrentView>;
  /** One torrent by info-hash: announces to our node arrive for any hash, often. */
  find: (infoHashHex: string) => DhtTorrentView | undefined;
  feedPeers: (infoHashHex: string, peers: PeerAddress[], source: 'dht') => void;
  tuning?: DhtTuning;
  /** The node count or lookups in flight moved (checked every tick), or the node started or stopped. */
  changed: () => void;
  // --- IPv6, BEP 32 (issue 18) ---
  /** 6 for the IPv6 DHT on the udp6 endpoint (its table in `dht6.json`); 4 by default. */
  family?: 4 | 6;
  /** The other family's node, for queries whose `want` asks for both. */
  sibling?: () => DhtNode | null;
}

/** What `dht.json` holds. */
interface DhtFile {
  version: 1;
  table: SerializedRoutingTable;
}

function isDhtFile(v: unknown): v is DhtFile {
  if (typeof v !== 'object' || v === null) return false;
  const f = v as { version?: unknown; table?: unknown };
  return f.version === 1 && typeof f.table === 'object' && f.table !== null;
}

interface Schedule {
  nextAt: number;
  busy: boolean;
}

export interface DhtHostStats {
  running: boolean;
  nodes: number;
  lookupsInFlight: number;
  announces: number;
  peersFound: number;
}

export class DhtHost {
  private node: DhtNode | null = null;
  private endpoint: DhtDatagrams | null = null;
  private timers: TimerHandle[] = [];
  private readonly schedule = new Map<string, Schedule>();
  private readonly file: AtomicFile | null;
  /** The table when the node last stopped: a restart (settings change) keeps it. */
  private lastTable: SerializedRoutingTable | null = null;
  private bootstrapped = false;
  private torrentLookups = 0;
  private announces = 0;
  private peersFound = 0;
  /** The numbers last reported through `changed`. */
  private lastReported = '';

  constructor(private readonly deps: DhtHostDeps) {
    this.file = deps.dataDir
      ? new AtomicFile(
          path.join(deps.dataDir, deps.family === 6 ? 'dht6.json' : 'dht.json'),
          () => this.fileText(),
          {
            keepBackup: true,
          },
        )
      : null;
  }

  get running(): boolean {
    return this.node !== null;
  }

  /** Starts the node on `endpoint`, restores the table, and bootstraps in the background. */
  async start(
    endpoint: DhtDatagrams,
    bootstrap: readonly unknown[],
    listenHost: string,
  ): Promise<void> {
    if (this.node) return;
    const plan = planDhtBootstrap(bootstrap, listenHost);
    if (plan.skipped.length > 0) {
      this.log('info', `bootstrap entries not used here: ${plan.skipped.join(', ')}`);
    }
    const saved = this.lastTable ?? (await this.loadTable());
    const tuning = this.deps.tuning ?? {};
    const node = new DhtNode({
      send: (packet, address, port) => endpoint.send(packet, port, address),
      savedTable: saved ?? undefined,
      clock: this.deps.clock,
      random: this.deps.random,
      bootstrapNodes: plan.nodes,
      allowSameIp: tuning.allowSameIp ?? plan.allowSameIp,
      queryTimeoutMs: tuning.queryTimeoutMs,
      lookupTimeoutMs: tuning.lookupTimeoutMs,
      onPeersFound: (infoHash, peers) => this.onPeersFound(infoHash, peers),
      onPeerAnnounced: (infoHash, peer) => this.onPeersFound(infoHash, [peer]),
      family: this.deps.family, // --- BEP 32 (issue 18)
      sibling: this.deps.sibling,
    });
    this.node = node;
    this.endpoint = endpoint;
    this.bootstrapped = false;
    endpoint.on('dht', (packet, from) => node.receive(packet, from.address, from.port));
    const tickMs = tuning.tickMs ?? DHT_SESSION_TICK_MS;
    this.timers.push(this.deps.clock.setInterval(() => this.tick(), tickMs));
    if (this.file) {
      this.timers.push(
        this.deps.clock.setInterval(() => this.saveInBackground(), DHT_TABLE_SAVE_INTERVAL_MS),
      );
    }
    this.log('info', `node ${idToHex(node.id).slice(0, 8)} with ${node.table.size} saved nodes`);
    void node.bootstrap().then((size) => {
      if (this.node !== node) return;
      this.bootstrapped = true;
      this.log('info', `bootstrapped: ${size} nodes`);
      this.tick();
    });
  }

  /** Saves the table and closes the node. */
  async stop(): Promise<void> {
    const node = this.node;
    if (!node) return;
    for (const t of this.timers) t.cancel();
    this.timers = [];
    this.endpoint?.off('dht');
    this.endpoint = null;
    this.lastTable = node.serialize();
    this.node = null;
    this.schedule.clear();
    node.close();
    this.reportIfMoved();
    await this.file
      ?.save()
      .catch((err: unknown) => this.log('warn', `saving dht.json failed: ${String(err)}`));
  }

  stats(): DhtHostStats {
    const s = this.node?.stats();
    return {
      running: this.node !== null,
      nodes: s?.nodes ?? 0,
      lookupsInFlight: s?.lookupsInFlight ?? 0,
      announces: this.announces,
      peersFound: this.peersFound,
    };
  }

  /** The node itself, for tests inside the engine. */
  get dhtNode(): DhtNode | null {
    return this.node;
  }

  // --- per-torrent actions (issue 21) ---
  /** "Reannounce now": this torrent's next DHT announce is due at once. */
  announceNow(infoHashHex: string): void {
    const s = this.schedule.get(infoHashHex);
    if (s && !s.busy) s.nextAt = this.deps.clock.now();
    this.tick();
  }

  // ---- per-torrent work

  private tick(): void {
    this.reportIfMoved();
    const node = this.node;
    if (!node || !this.bootstrapped) return;
    const port = this.deps.listenPort();
    if (port === null || port === 0) return;
    const now = this.deps.clock.now();
    const seen = new Set<string>();
    for (const t of this.deps.torrents()) {
      if (t.private || (t.state !== 'seeding' && t.state !== 'downloading')) continue;
      seen.add(t.infoHashHex);
      let s = this.schedule.get(t.infoHashHex);
      if (!s) {
        s = { nextAt: now, busy: false };
        this.schedule.set(t.infoHashHex, s);
      }
      if (s.busy || s.nextAt > now) continue;
      if (this.torrentLookups >= DHT_SESSION_MAX_TORRENT_LOOKUPS) continue;
      const infoHash = idFromHex(t.infoHashHex);
      if (!infoHash) continue;
      this.runAnnounce(node, t, infoHash, port, s);
    }
    // Torrents removed, paused or private: forget them, so they start fresh when back.
    for (const key of [...this.schedule.keys()]) {
      if (!seen.has(key) && !this.schedule.get(key)!.busy) this.schedule.delete(key);
    }
  }

  private runAnnounce(
    node: DhtNode,
    t: DhtTorrentView,
    infoHash: NodeId,
    port: number,
    s: Schedule,
  ): void {
    s.busy = true;
    this.torrentLookups++;
    const seeding = t.state === 'seeding';
    void node
      .announce(infoHash, port)
      .catch(() => ({ peers: [], announcedTo: 0 }))
      .then((r) => {
        this.torrentLookups--;
        s.busy = false;
        if (r.announcedTo > 0) this.announces++;
        const interval = this.deps.tuning?.torrentIntervalMs;
        const next = seeding
          ? DHT_ANNOUNCE_INTERVAL_MS
          : r.peers.length > 0
            ? DHT_DOWNLOAD_LOOKUP_INTERVAL_MS
            : DHT_EMPTY_LOOKUP_RETRY_MS;
        s.nextAt = this.deps.clock.now() + (interval ?? next);
        this.log(
          'debug',
          `${t.infoHashHex.slice(0, 8)}: announced to ${r.announcedTo}, ${r.peers.length} peers`,
        );
      });
  }

  private reportIfMoved(): void {
    const s = this.stats();
    const key = `${s.running}/${s.nodes}/${s.lookupsInFlight}/${s.announces}`;
    if (key === this.lastReported) return;
    this.lastReported = key;
    this.deps.changed();
  }

  private onPeersFound(infoHash: NodeId, peers: PeerAddress[]): void {
    const hex = idToHex(infoHash);
    const t = this.deps.find(hex);
    if (!t || t.private) return;
    this.peersFound += peers.length;
    this.deps.feedPeers(hex, peers, 'dht');
  }

  // ---- the table on disk

  private fileText(): string {
    const table = this.node?.serialize() ?? this.lastTable;
    return JSON.stringify({ version: 1, table: table ?? { id: '', nodes: [] } });
  }

  private saveInBackground(): void {
    this.file
      ?.save()
      .catch((err: unknown) => this.log('warn', `saving dht.json failed: ${String(err)}`));
  }

  private async loadTable(): Promise<SerializedRoutingTable | null> {
    if (!this.file) return null;
    try {
      const read = await readJsonWithBackup(this.file.file, isDhtFile);
      if (read.kind === 'ok') return read.value.table;
      if (read.kind === 'damaged') this.log('warn', `${read.reason}; starting with an empty table`);
    } catch (err) {
      this.log('warn', `reading dht.json failed: ${String(err)}`);
    }
    return null;
  }

  private log(level: 'debug' | 'info' | 'warn', message: string): void {
    this.deps.logger.log(level, this.deps.family === 6 ? 'dht6' : 'dht', message);
  }
}
