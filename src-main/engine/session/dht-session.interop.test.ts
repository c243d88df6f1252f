/**
 * Our Session and libtorrent (python3-libtorrent 2.0) finding each other through the DHT alone
 * (issue 17): a trackerless torrent, no peer given by address, and one side given only the magnet
 * link, so the metadata comes from the other. libtorrent runs with the settings
 * its DHT needs on loopback (REFERENCE-CLIENTS.md): routing and search IP restrictions off,
 * node-id enforcement off, no default routers. A DHT needs a few nodes besides the two clients
 * (nobody looks up peers in its own store), so five nodes of ours join too; each client is
 * bootstrapped from the other one only, as the brief asks.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sha256File, tempDir, waitFor, writeFile } from '../../testing/fixtures';
import { PYTHON3, spawnTracked } from '../../testing/ref-clients';
import type { Tracked } from '../../testing/ref-clients';
import { TEST_SESSION_OPTIONS } from '../../testing/swarm';
import { startLoopbackNode } from '../dht/test-nodes';
import type { UdpDhtNode } from '../dht/udp-dht-node';
import { createTorrent, parseTorrent } from '../metainfo';
import { Session } from '../session';
import type { SessionOptions } from '../session';

/**
 * A libtorrent session with its DHT on and one torrent from a file: `seed` with the content in
 * saveDir, or leech into it. Prints {"event":"listening","port"}, then {"event":"status"} lines
 * (numPeers, dhtNodes, seeding, and each peer's source bits) every 250 ms.
 */
const LIBTORRENT_DHT_SESSION = String.raw`
import json, sys, time
import libtorrent as lt

cfg = json.loads(sys.argv[1])
def emit(obj):
    sys.stdout.write(json.dumps(obj) + '\n')
    sys.stdout.flush()

ses = lt.session({
    'listen_interfaces': '127.0.0.1:0',
    'enable_dht': True,
    'enable_lsd': False,
    'enable_upnp': False,
    'enable_natpmp': False,
    'enable_outgoing_utp': False,
    'enable_incoming_utp': False,
    'allow_multiple_connections_per_ip': True,
    'dht_bootstrap_nodes': '',
    'dht_restrict_routing_ips': False,
    'dht_restrict_search_ips': False,
    'dht_enforce_node_id': False,
    'dht_prefer_verified_node_ids': False,
    'dht_announce_interval': 1,
    'alert_mask': lt.alert.category_t.error_notification,
})
deadline = time.monotonic() + 10
while ses.listen_port() == 0 and time.monotonic() < deadline:
    time.sleep(0.02)
for p in cfg['bootstrapPorts']:
    ses.add_dht_node(('127.0.0.1', p))
emit({'event': 'listening', 'port': ses.listen_port()})

if cfg.get('magnet'):
    # Issue 17: a leecher with nothing but the link; the metadata comes from peers.
    atp = lt.parse_magnet_uri(cfg['magnet'])
else:
    atp = lt.add_torrent_params()
    atp.ti = lt.torrent_info(cfg['torrentFile'])
atp.save_path = cfg['saveDir']
h = ses.add_torrent(atp)
end = time.monotonic() + cfg['seconds']
while time.monotonic() < end:
    s = h.status()
    # peer_info.source bits: 1 tracker, 2 DHT, 4 PEX, 8 LSD, 32 incoming.
    sources = [int(p.source) for p in h.get_peer_info()]
    emit({'event': 'status', 'numPeers': s.num_peers, 'seeding': s.is_seeding,
          'progress': s.progress, 'dhtNodes': ses.status().dht_nodes, 'sources': sources})
    time.sleep(0.25)
`;

interface LtDht {
  tracked: Tracked;
  port: () => number | null;
  seeding: () => boolean;
  dhtNodes: () => number;
  /** Every peer_info.source value seen (bit 2: the DHT gave it; bit 32: it dialled libtorrent). */
  sources: Set<number>;
}

function startLibtorrentDht(cfg: {
  torrentFile: string;
  /** Leech from this link alone (the .torrent is then not read). */
  magnet?: string;
  saveDir: string;
  bootstrapPorts: number[];
}): LtDht {
  const tracked = spawnTracked(PYTHON3, [
    '-c',
    LIBTORRENT_DHT_SESSION,
    JSON.stringify({ ...cfg, seconds: 120 }),
  ]);
  let port: number | null = null;
  let seeding = false;
  let dhtNodes = 0;
  const sources = new Set<number>();
  tracked.onLine((line) => {
    if (!line.startsWith('{')) return;
    const msg = JSON.parse(line) as {
      event: string;
      port?: number;
      seeding?: boolean;
      dhtNodes?: number;
      sources?: number[];
    };
    if (msg.event === 'listening') port = msg.port ?? null;
    if (msg.event === 'status') {
      seeding = !!msg.seeding;
      dhtNodes = msg.dhtNodes ?? 0;
      for (const s of msg.sources ?? []) sources.add(s);
    }
  });
  processes.push(tracked);
  return {
    tracked,
    port: () => port,
    seeding: () => seeding,
    dhtNodes: () => dhtNodes,
    sources,
  };
}

const nodes: UdpDhtNode[] = [];
const processes: Tracked[] = [];
const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  await Promise.all(processes.splice(0).map((p) => p.stop()));
  for (const c of closers.splice(0).reverse()) await c();
  await Promise.all(nodes.splice(0).map((n) => n.close()));
});

/** Five DHT nodes of ours on 127.0.0.1 that know each other; the first one's port. */
async function helperDht(): Promise<number> {
  const boot = await startLoopbackNode(1, null, nodes);
  for (let i = 1; i < 5; i++)
    await (await startLoopbackNode(200 + i, boot.port, nodes)).node.bootstrap();
  return boot.port;
}

/** A trackerless torrent of 1 MB: its .torrent path and the content's path. */
async function trackerless(): Promise<{ torrentFile: string; content: string; root: string }> {
  const root = tempDir('dht-lt');
  closers.push(() => fs.rmSync(root, { recursive: true, force: true }));
  const content = path.join(root, 'seed', 'payload.bin');
  fs.mkdirSync(path.dirname(content), { recursive: true });
  writeFile(content, 1_000_000, 23);
  const { torrentFile, meta } = await createTorrent(content, { trackers: [], pieceLength: 65_536 });
  expect(meta.announceList).toEqual([]);
  const file = path.join(root, 'payload.torrent');
  fs.writeFileSync(file, torrentFile);
  return { torrentFile: file, content, root };
}

/** The bare link for a .torrent: its info-hash and nothing else. */
function magnetOf(torrentFile: string): string {
  return `magnet:?xt=urn:btih:${parseTorrent(fs.readFileSync(torrentFile)).infoHashHex}`;
}

function sessionOptions(bootstrapPort: number): SessionOptions {
  return {
    ...TEST_SESSION_OPTIONS,
    settings: { dhtEnabled: true, dhtBootstrap: [`127.0.0.1:${bootstrapPort}`] },
    dhtTuning: {
      queryTimeoutMs: 2_000,
      lookupTimeoutMs: 10_000,
      tickMs: 250,
      torrentIntervalMs: 2_000,
    },
  };
}

describe('the session on the DHT, with libtorrent', () => {
  it('given only a magnet, finds a libtorrent seeder through the DHT, fetches the metadata and completes', async () => {
    const helpers = await helperDht();
    const t = await trackerless();
    const lt = startLibtorrentDht({
      torrentFile: t.torrentFile,
      saveDir: path.dirname(t.content),
      bootstrapPorts: [helpers],
    });
    await waitFor(() => lt.seeding() && lt.dhtNodes() > 0, 'libtorrent to seed on the DHT', 30_000);

    const session = await Session.open(sessionOptions(lt.port()!));
    closers.push(() => session.close());
    const out = path.join(t.root, 'ours');
    // Nothing but the info-hash: no tracker, no x.pe, no .torrent.
    const id = await session.addTorrent({ magnet: magnetOf(t.torrentFile) }, { savePath: out });
    expect(session.summary(id)?.state).toBe('fetching-metadata');
    await waitFor(
      () => session.summary(id)?.state === 'seeding',
      'our download to complete',
      90_000,
      200,
    );

    expect(sha256File(path.join(out, 'payload.bin'))).toBe(sha256File(t.content));
    const status = session.sessionStats().dht!;
    expect(status.peersBySource.dht).toBeGreaterThanOrEqual(1);
    expect(Object.keys(status.peersBySource)).toEqual(['dht']);
    // It learnt the helpers through libtorrent: more than the one node it was given.
    expect(status.nodes).toBeGreaterThan(1);
  });

  it('a libtorrent leecher with only a magnet, bootstrapped from our node, finds us and completes', async () => {
    const helpers = await helperDht();
    const t = await trackerless();
    const session = await Session.open(sessionOptions(helpers));
    closers.push(() => session.close());
    const id = await session.addTorrent(
      { torrentFile: fs.readFileSync(t.torrentFile) },
      { savePath: path.dirname(t.content) },
    );
    await waitFor(() => session.summary(id)?.state === 'seeding', 'our seeder to check its data');
    await waitFor(() => session.sessionStats().dht!.announces >= 1, 'our announce', 30_000);

    const leechDir = path.join(t.root, 'lt');
    fs.mkdirSync(leechDir);
    const lt = startLibtorrentDht({
      torrentFile: t.torrentFile,
      magnet: magnetOf(t.torrentFile),
      saveDir: leechDir,
      bootstrapPorts: [session.udpPort!],
    });
    await waitFor(() => lt.seeding(), 'the libtorrent leecher to complete', 90_000, 200);
    expect(sha256File(path.join(leechDir, 'payload.bin'))).toBe(sha256File(t.content));
    // The DHT joined them, one way or the other: libtorrent's lookup gave it our address (source
    // bit 2), or its announce_peer to our node gave us its address and we dialled it (bit 32,
    // incoming). Nothing else names either side: no tracker, no x.pe, no PEX partner.
    expect([...lt.sources].some((s) => (s & (2 | 32)) !== 0)).toBe(true);
    expect(session.sessionStats().peerSources).toEqual({ dht: 1 });
    // It came to us: the seeder's upload counts it.
    expect(session.summary(id)!.uploadedBytes).toBeGreaterThanOrEqual(1_000_000);
  });
});
