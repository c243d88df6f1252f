/**
 * Interop: one PeerConnection downloads every block of a small file from a libtorrent 2.0 seeder
 * (python3-libtorrent) on 127.0.0.1, checking the handshake, BEP 6 have-all, BEP 10 fields and
 * every block's bytes against the source file; and a libtorrent leecher that dials us.
 *
 * Torrents are made v1-only: libtorrent 2.0 makes hybrid v1+v2 torrents by default and then
 * first dials with the truncated v2 info-hash, retrying with the v1 one only a minute later.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../time/clock';
import type { TimerHandle } from '../time/clock';
import { PeerConnection, readHandshake } from './peer-connection';
import { until } from './test-peers';
import { clientName, generatePeerId } from './peer-id';

const SEEDER = String.raw`
import json, os, sys, time
import libtorrent as lt
path = sys.argv[1]
fs = lt.file_storage()
lt.add_files(fs, path)
t = lt.create_torrent(fs, 1048576, flags=lt.create_torrent.v1_only)
lt.set_piece_hashes(t, os.path.dirname(path))
info = lt.torrent_info(t.generate())
settings = lt.high_performance_seed()
settings.update({
  'unchoke_slots_limit': -1, 'max_allowed_in_request_queue': 4000,
  'listen_interfaces': '127.0.0.1:0', 'enable_dht': False, 'enable_lsd': False,
  'enable_upnp': False, 'enable_natpmp': False, 'enable_outgoing_utp': False,
  'enable_incoming_utp': False, 'allow_multiple_connections_per_ip': True,
})
ses = lt.session(settings)
h = ses.add_torrent({'ti': info, 'save_path': os.path.dirname(path)})
for _ in range(200):
  if h.status().is_seeding: break
  time.sleep(0.05)
print(json.dumps({'port': ses.listen_port(), 'infoHash': str(info.info_hash()),
  'pieceCount': info.num_pieces(), 'pieceLength': info.piece_length(),
  'seeding': h.status().is_seeding}), flush=True)
sys.stdin.read()
`;

/** Makes the torrent (printing its shape), then downloads it from argv[3] into a fresh folder. */
const LEECHER = String.raw`
import json, os, sys, time
import libtorrent as lt
path, out, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
fs = lt.file_storage()
lt.add_files(fs, path)
t = lt.create_torrent(fs, 1048576, flags=lt.create_torrent.v1_only)
lt.set_piece_hashes(t, os.path.dirname(path))
info = lt.torrent_info(t.generate())
print(json.dumps({'infoHash': str(info.info_hash()), 'pieceCount': info.num_pieces(),
  'pieceLength': info.piece_length()}), flush=True)
sys.stdin.readline()
ses = lt.session({
  'listen_interfaces': '127.0.0.1:0', 'enable_dht': False, 'enable_lsd': False,
  'enable_upnp': False, 'enable_natpmp': False, 'enable_outgoing_utp': False,
  'enable_incoming_utp': False, 'allow_multiple_connections_per_ip': True,
})
h = ses.add_torrent({'ti': info, 'save_path': out})
# libtorrent dials a peer added by hand on its next tick (about a second): time from the first
# connected peer, polled every 10 ms.
h.connect_peer(('127.0.0.1', port))
start = None
for _ in range(12000):
  st = h.status()
  if start is None and st.num_peers > 0: start = time.time()
  if st.is_seeding: break
  time.sleep(0.01)
print(json.dumps({'done': h.status().is_seeding, 'seconds': time.time() - (start or 0)}), flush=True)
`;

const BLOCK = 16 * 1024;

interface SeederInfo {
  port: number;
  infoHash: string;
  pieceCount: number;
  pieceLength: number;
  seeding: boolean;
}

describe('PeerConnection with a libtorrent seeder', () => {
  let dir = '';
  let file = '';
  let content = new Uint8Array();
  let proc: ChildProcess | null = null;
  let seeder: SeederInfo;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarmscope-peer-interop-'));
    file = path.join(dir, 'data.bin');
    // SWARMSCOPE_PEER_INTEROP_MB makes this a quick throughput probe; the default is small.
    const mb = Number(process.env['SWARMSCOPE_PEER_INTEROP_MB'] ?? '4');
    content = new Uint8Array(crypto.randomBytes(mb * 1024 * 1024 + 12_345));
    fs.writeFileSync(file, content);
    fs.writeFileSync(path.join(dir, 'seed.py'), SEEDER);
    proc = spawn('/usr/bin/python3', [path.join(dir, 'seed.py'), file], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const child = proc;
    seeder = await new Promise<SeederInfo>((resolve, reject) => {
      let out = '';
      const timer = systemClock.setTimeout(() => reject(new Error('seeder did not start')), 30_000);
      child.stdout?.on('data', (c: Buffer) => {
        out += c.toString();
        const line = out.split('\n')[0];
        if (out.includes('\n') && line) {
          timer.cancel();
          resolve(JSON.parse(line) as SeederInfo);
        }
      });
      child.once('exit', (code) => reject(new Error(`seeder exited with ${code}`)));
    });
  });

  afterAll(() => {
    if (proc?.pid !== undefined && proc.exitCode === null) process.kill(proc.pid);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('downloads every block and each matches the file', async () => {
    expect(seeder.seeding).toBe(true);
    const socket = net.connect(seeder.port, '127.0.0.1');
    const conn = new PeerConnection({
      socket,
      clock: systemClock,
      infoHash: Buffer.from(seeder.infoHash, 'hex'),
      peerId: generatePeerId(),
      pieceCount: seeder.pieceCount,
      incoming: false,
      extensions: { fast: true, extended: true },
      clientVersion: 'Swarmscope 0.1.0',
      reqq: 4000,
    });
    try {
      const blocks: { index: number; begin: number; length: number }[] = [];
      for (let i = 0; i < seeder.pieceCount; i++) {
        const size = Math.min(seeder.pieceLength, content.length - i * seeder.pieceLength);
        for (let b = 0; b < size; b += BLOCK) {
          blocks.push({ index: i, begin: b, length: Math.min(BLOCK, size - b) });
        }
      }
      let next = 0;
      let received = 0;
      let mismatches = 0;
      const fill = (): void => {
        while (next < blocks.length && conn.inFlight < conn.desiredQueueDepth()) {
          const b = blocks[next++]!;
          conn.request(b.index, b.begin, b.length);
        }
      };
      conn.on('handshake', () => conn.haveNone());
      conn.on('have-all', () => conn.interested());
      conn.on('bitfield', () => conn.interested());
      conn.on('unchoke', fill);
      let timer: TimerHandle | null = null;
      const done = new Promise<void>((resolve, reject) => {
        conn.on('block', (b) => {
          const at = b.index * seeder.pieceLength + b.begin;
          if (Buffer.compare(b.data, content.subarray(at, at + b.data.length)) !== 0) mismatches++;
          if (++received === blocks.length) resolve();
          else fill();
        });
        conn.on('closed', ({ reason, error }) =>
          reject(new Error(`closed: ${reason} ${error?.message ?? ''}`)),
        );
        timer = systemClock.setTimeout(() => reject(new Error('download timed out')), 120_000);
      });
      const started = performance.now();
      await done.finally(() => timer?.cancel());
      const seconds = (performance.now() - started) / 1000;
      console.log(
        `from libtorrent (${conn.peerExtendedHandshake?.v ?? '?'}, reqq ` +
          `${conn.peerRequestQueue}): ${(content.length / 1e6 / seconds).toFixed(0)} MB/s`,
      );
      expect(mismatches).toBe(0);
      expect(conn.supportsFast && conn.supportsExtended).toBe(true);
      expect(conn.peerBitfield.isFull()).toBe(true);
      expect(clientName(conn.remotePeerId ?? new Uint8Array())).toMatch(
        /^libtorrent \(Rasterbar\) 2\.0/,
      );
      expect(conn.peerExtendedHandshake?.v).toMatch(/libtorrent|Python/i);
      expect(conn.downloadedBytes).toBe(content.length);
    } finally {
      conn.close('shutdown');
    }
  });

  it('serves a libtorrent leecher that dials us (incoming, readHandshake first)', async () => {
    const out = path.join(dir, 'leech');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(dir, 'leech.py'), LEECHER);
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as net.AddressInfo).port;
    const child = spawn('/usr/bin/python3', [path.join(dir, 'leech.py'), file, out, String(port)], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const lines: string[] = [];
    let buffered = '';
    child.stdout.on('data', (c: Buffer) => {
      buffered += c.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      lines.push(...parts.filter((l) => l.length > 0));
    });
    const conns: PeerConnection[] = [];
    try {
      await until(() => lines.length >= 1, 30_000);
      const meta = JSON.parse(lines[0] ?? '{}') as Omit<SeederInfo, 'port' | 'seeding'>;
      server.on('connection', (socket) => {
        void readHandshake(socket, 10_000, systemClock).then(
          ({ handshake, rest }) => {
            const conn = new PeerConnection({
              socket,
              clock: systemClock,
              infoHash: Buffer.from(meta.infoHash, 'hex'),
              peerId: generatePeerId(),
              pieceCount: meta.pieceCount,
              incoming: true,
              extensions: { fast: true, extended: true },
              clientVersion: 'Swarmscope 0.1.0',
              reqq: 4000,
              handshakeReceived: handshake,
              initialBytes: rest,
            });
            conns.push(conn);
            const queue: { index: number; begin: number; length: number }[] = [];
            const pump = (): void => {
              while (queue.length > 0 && !conn.needsDrain) {
                const r = queue.shift()!;
                const at = r.index * meta.pieceLength + r.begin;
                conn.sendPiece(r.index, r.begin, content.subarray(at, at + r.length));
              }
            };
            conn.on('handshake', () => conn.haveAll());
            conn.on('interested', () => conn.unchoke());
            conn.on('request', (r) => {
              queue.push(r);
              pump();
            });
            conn.on('drain', pump);
          },
          () => socket.destroy(),
        );
      });
      child.stdin.write('go\n');
      await until(() => lines.length >= 2, 120_000);
      const result = JSON.parse(lines[1] ?? '{}') as { done: boolean; seconds: number };
      console.log(
        `libtorrent leecher from us: ${(content.length / 1e6 / result.seconds).toFixed(0)} MB/s ` +
          `(${result.seconds.toFixed(2)} s)`,
      );
      expect(result.done).toBe(true);
      const got = fs.readFileSync(path.join(out, 'data.bin'));
      expect(crypto.createHash('sha256').update(got).digest('hex')).toBe(
        crypto.createHash('sha256').update(content).digest('hex'),
      );
      expect(conns.some((c) => c.uploadedBytes >= content.length)).toBe(true);
    } finally {
      if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid);
      for (const c of conns) c.close('shutdown');
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
