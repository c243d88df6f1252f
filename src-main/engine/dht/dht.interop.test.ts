/**
 * Our DHT with libtorrent's (python3-libtorrent 2.0) on loopback, with the settings its DHT
 * needs there (REFERENCE-CLIENTS.md): routing and search IP restrictions off, node-id
 * enforcement off, no default routers; its first node is ours, given with add_dht_node.
 */
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir, waitFor } from '../../testing/fixtures';
import { PYTHON3, spawnTracked } from '../../testing/ref-clients';
import type { Tracked } from '../../testing/ref-clients';
import { seededRandom } from '../time/clock';
import type { PeerAddress } from '../tracker/codec/compact-peers';
import { idFromHex, idToHex } from './node-id';
import { startLoopbackNode } from './test-nodes';
import type { UdpDhtNode } from './udp-dht-node';

/**
 * A libtorrent session with its DHT on. With `seedDir` it creates and seeds a small torrent
 * there, which it announces to the DHT itself (its Python binding cannot pass dht_announce's
 * flags); it prints {"event":"seeding","infoHash"}. With `lookupHash` it runs dht_get_peers every
 * second and prints {"event":"peers"} lines with what the lookups return.
 */
const LIBTORRENT_DHT_SCRIPT = String.raw`
import json, os, sys, time
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
    'dht_bootstrap_nodes': '',
    'dht_restrict_routing_ips': False,
    'dht_restrict_search_ips': False,
    'dht_enforce_node_id': False,
    'dht_prefer_verified_node_ids': False,
    'dht_announce_interval': 1,
    'alert_mask': lt.alert.category_t.dht_operation_notification,
})
deadline = time.monotonic() + 10
while ses.listen_port() == 0 and time.monotonic() < deadline:
    time.sleep(0.02)
ses.add_dht_node(('127.0.0.1', cfg['bootstrapPort']))
emit({'event': 'listening', 'port': ses.listen_port()})

if cfg.get('seedDir'):
    d = cfg['seedDir']
    with open(os.path.join(d, 'x.bin'), 'wb') as f:
        f.write(os.urandom(65536))
    fs = lt.file_storage()
    lt.add_files(fs, os.path.join(d, 'x.bin'))
    ct = lt.create_torrent(fs, 16384)
    lt.set_piece_hashes(ct, d)
    ti = lt.torrent_info(ct.generate())
    atp = lt.add_torrent_params()
    atp.ti = ti
    atp.save_path = d
    ses.add_torrent(atp)
    emit({'event': 'seeding', 'infoHash': str(ti.info_hash())})

lookup = lt.sha1_hash(bytes.fromhex(cfg['lookupHash'])) if cfg.get('lookupHash') else None
end = time.monotonic() + cfg['seconds']
last = 0.0
while time.monotonic() < end:
    now = time.monotonic()
    if now - last >= 1.0:
        last = now
        if lookup is not None:
            ses.dht_get_peers(lookup)
        emit({'event': 'status', 'dhtNodes': ses.status().dht_nodes})
    for a in ses.pop_alerts():
        if isinstance(a, lt.dht_get_peers_reply_alert):
            emit({'event': 'peers', 'peers': [[p[0], p[1]] for p in a.peers()]})
    time.sleep(0.05)
`;

interface LibtorrentDht {
  tracked: Tracked;
  port: () => number | null;
  infoHash: () => string | null;
  peers: PeerAddress[];
  dhtNodes: () => number;
}

function startLibtorrentDht(cfg: {
  bootstrapPort: number;
  seedDir?: string;
  lookupHash?: string;
}): LibtorrentDht {
  const tracked = spawnTracked(PYTHON3, [
    '-c',
    LIBTORRENT_DHT_SCRIPT,
    JSON.stringify({ ...cfg, seconds: 90 }),
  ]);
  let port: number | null = null;
  let dhtNodes = 0;
  let infoHash: string | null = null;
  const peers: PeerAddress[] = [];
  tracked.onLine((line) => {
    if (!line.startsWith('{')) return;
    const msg = JSON.parse(line) as {
      event: string;
      port?: number;
      dhtNodes?: number;
      peers?: [string, number][];
      infoHash?: string;
    };
    if (msg.event === 'seeding') infoHash = msg.infoHash ?? null;
    if (msg.event === 'listening') port = msg.port ?? null;
    if (msg.event === 'status') dhtNodes = msg.dhtNodes ?? 0;
    if (msg.event === 'peers') {
      for (const [address, p] of msg.peers ?? []) {
        if (!peers.some((x) => x.address === address && x.port === p)) {
          peers.push({ address, port: p });
        }
      }
    }
  });
  return { tracked, port: () => port, infoHash: () => infoHash, peers, dhtNodes: () => dhtNodes };
}

const nodes: UdpDhtNode[] = [];
const dirs: string[] = [];
const processes: Tracked[] = [];
afterEach(async () => {
  await Promise.all(processes.splice(0).map((p) => p.stop()));
  await Promise.all(nodes.splice(0).map((n) => n.close()));
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const ourNode = (seed: number, bootstrapPort: number | null): Promise<UdpDhtNode> =>
  startLoopbackNode(seed, bootstrapPort, nodes);

describe('DHT interop with libtorrent', () => {
  it('finds a libtorrent seeder through the DHT, knowing only our bootstrap node', async () => {
    const boot = await ourNode(1, null);
    const dir = tempDir('dht-interop');
    dirs.push(dir);
    const lt = startLibtorrentDht({ bootstrapPort: boot.port, seedDir: dir });
    processes.push(lt.tracked);
    await waitFor(() => lt.infoHash() !== null, 'libtorrent to seed', 20_000);
    const infoHash = idFromHex(lt.infoHash()!)!;
    // libtorrent looks its torrent up (get_peers to us) and announces it with implied_port; it
    // announces the v1 and the (truncated) v2 hash of its hybrid torrent, so ask for the v1 one.
    const seeker = await ourNode(2, boot.port);
    let peers: PeerAddress[] = [];
    await waitFor(
      async () => {
        peers = await seeker.node.getPeers(infoHash);
        return peers.length > 0;
      },
      'our lookup to find the libtorrent seeder',
      30_000,
      250,
    );
    expect(peers).toEqual([{ address: '127.0.0.1', port: lt.port() }]);
    // libtorrent answered our verification ping: it is in our bootstrap node's table.
    expect(boot.node.table.closest(infoHash, 8, Date.now()).map((n) => n.port)).toContain(
      lt.port(),
    );
  });

  it('libtorrent finds a peer our node announced', async () => {
    const boot = await ourNode(3, null);
    const infoHash = seededRandom(78).bytes(20);
    const lt = startLibtorrentDht({ bootstrapPort: boot.port, lookupHash: idToHex(infoHash) });
    processes.push(lt.tracked);
    await waitFor(() => lt.port() !== null, 'libtorrent to listen', 20_000);
    const announcer = await ourNode(4, boot.port);
    await waitFor(
      async () => (await announcer.node.announce(infoHash, 50321)).announcedTo > 0,
      'our announce to be accepted',
      30_000,
      500,
    );
    await waitFor(
      () => lt.peers.some((p) => p.port === 50321),
      'libtorrent to find our peer',
      30_000,
    );
    expect(lt.peers).toContainEqual({ address: '127.0.0.1', port: 50321 });
  });
});
