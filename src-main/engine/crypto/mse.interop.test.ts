/**
 * Interop: our MSE/PE handshake against libtorrent 2.0 (python3-libtorrent) on 127.0.0.1, with
 * encryption forced both ways and RC4 the only level it allows. We dial it as the initiator and
 * check its decrypted BitTorrent handshake names our torrent; and it dials us, and we check its
 * decrypted handshake, answer, and read its first message after ours (so it decrypted us too).
 *
 * Torrents are v1-only: libtorrent 2.0 dials a hybrid torrent with the truncated v2 info-hash.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PYTHON3, spawnTracked } from '../../testing/ref-clients';
import type { Tracked } from '../../testing/ref-clients';
import { systemClock, systemRandom } from '../time/clock';
import { decodeHandshake, encodeHandshake, reservedFlags } from '../wire/handshake';
import { socketByteStream } from './byte-stream';
import { negotiateIncoming, negotiateOutgoing } from './mse-handshake';
import type { EncryptionPolicy } from './mse-handshake';
import { SkeyTable } from './mse-keys';
import { collect } from './test-streams';

/**
 * Seeds a generated file, with MSE forced (in and out) at RC4 when `forced`, else with libtorrent's
 * defaults (MSE or plaintext, either level); prints its port and info-hash.
 */
const SEEDER = String.raw`
import json, os, sys, time
import libtorrent as lt
cfg = json.loads(sys.argv[1])
d = cfg['dir']
path = os.path.join(d, 'data.bin')
with open(path, 'wb') as f:
    f.write(os.urandom(300000))
fs = lt.file_storage()
lt.add_files(fs, path)
t = lt.create_torrent(fs, 16384, flags=lt.create_torrent.v1_only)
lt.set_piece_hashes(t, d)
info = lt.torrent_info(t.generate())
settings = {
    'listen_interfaces': '127.0.0.1:0', 'enable_dht': False, 'enable_lsd': False,
    'enable_upnp': False, 'enable_natpmp': False, 'enable_outgoing_utp': False,
    'enable_incoming_utp': False, 'allow_multiple_connections_per_ip': True,
}
if cfg['forced']:
    settings.update({
        'in_enc_policy': int(lt.enc_policy.forced), 'out_enc_policy': int(lt.enc_policy.forced),
        'allowed_enc_level': int(lt.enc_level.rc4),
    })
ses = lt.session(settings)
h = ses.add_torrent({'ti': info, 'save_path': d})
deadline = time.monotonic() + 30
while not h.status().is_seeding and time.monotonic() < deadline:
    time.sleep(0.05)
print(json.dumps({'event': 'ready', 'port': ses.listen_port(), 'infoHash': str(info.info_hash()),
                  'seeding': h.status().is_seeding}), flush=True)
if cfg.get('dial'):
    h.connect_peer(('127.0.0.1', cfg['dial']))
deadline = time.monotonic() + 120
while time.monotonic() < deadline:
    time.sleep(0.2)
`;

interface Seeder {
  port: number;
  infoHash: Uint8Array;
}

let tracked: Tracked | null = null;
let dir = '';
const closers: (() => void)[] = [];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarmscope-mse-'));
});

afterEach(async () => {
  for (const close of closers.splice(0)) close();
  await tracked?.stop();
  tracked = null;
  fs.rmSync(dir, { recursive: true, force: true });
});

async function startSeeder(dial?: number, forced = true): Promise<Seeder> {
  const t = spawnTracked(PYTHON3, ['-c', SEEDER, JSON.stringify({ dir, dial, forced })]);
  tracked = t;
  return new Promise<Seeder>((resolve, reject) => {
    const timer = systemClock.setTimeout(
      () => reject(new Error(`libtorrent not ready:\n${t.tail.join('\n')}`)),
      30_000,
    );
    t.onLine((line) => {
      if (!line.startsWith('{')) return;
      const msg = JSON.parse(line) as { port: number; infoHash: string; seeding: boolean };
      timer.cancel();
      if (!msg.seeding) reject(new Error('libtorrent did not start seeding'));
      resolve({ port: msg.port, infoHash: Uint8Array.from(Buffer.from(msg.infoHash, 'hex')) });
    });
    void t.exited.then(() => reject(new Error(`libtorrent exited:\n${t.tail.join('\n')}`)));
  });
}

const PEER_ID = new TextEncoder().encode('-SW0100-mseinterop01');
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** Dials `seeder` with MSE, sends our BT handshake as IA, checks its reply; returns the method. */
async function dialAndReadHandshake(seeder: Seeder, policy: EncryptionPolicy): Promise<string> {
  const socket = net.connect(seeder.port, '127.0.0.1');
  closers.push(() => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const bt = encodeHandshake({
    infoHash: seeder.infoHash,
    peerId: PEER_ID,
    reserved: reservedFlags({ extended: true, fast: true }),
  });
  const negotiated = await negotiateOutgoing(socketByteStream(socket), {
    clock: systemClock,
    random: systemRandom,
    policy,
    infoHash: seeder.infoHash,
    initialPayload: bt,
  });
  expect(negotiated.mse).toBe(true);
  const reply = decodeHandshake(await collect(negotiated.stream, 68, 10_000));
  expect(hex(reply.infoHash)).toBe(hex(seeder.infoHash));
  expect(new TextDecoder().decode(reply.peerId.subarray(0, 3))).toBe('-LT');
  return negotiated.method;
}

describe('MSE interop with libtorrent (encryption forced, RC4 only)', () => {
  for (const policy of ['require', 'prefer'] as EncryptionPolicy[]) {
    it(`dials a forced libtorrent seeder with policy ${policy}: RC4, and its handshake names the torrent`, async () => {
      const seeder = await startSeeder();
      expect(await dialAndReadHandshake(seeder, policy)).toBe('rc4');
    });
  }

  it('dials a default libtorrent seeder under prefer: MSE selecting plaintext, and its handshake reads', async () => {
    // libtorrent's defaults allow both levels without prefer_rc4, so it selects plaintext from
    // our offer of both: this runs our path of plain bytes after an MSE handshake.
    const seeder = await startSeeder(undefined, false);
    expect(await dialAndReadHandshake(seeder, 'prefer')).toBe('plaintext');
  });

  it('accepts a forced libtorrent dialling us: its handshake decrypts, and it answers ours', async () => {
    const listener = net.createServer();
    closers.push(() => listener.close());
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const accepted = new Promise<net.Socket>((resolve) => listener.once('connection', resolve));
    const seeder = await startSeeder((listener.address() as net.AddressInfo).port);
    const socket = await accepted;
    closers.push(() => socket.destroy());
    const negotiated = await negotiateIncoming(socketByteStream(socket), {
      clock: systemClock,
      random: systemRandom,
      policy: 'require',
      skeys: new SkeyTable([seeder.infoHash]),
    });
    expect(negotiated.method).toBe('rc4');
    expect(hex(negotiated.infoHash!)).toBe(hex(seeder.infoHash));
    // Its IA (the BT handshake), then, once it has decrypted ours, its first message.
    const theirs = collect(negotiated.stream, 68 + 5, 10_000);
    negotiated.stream.write(
      encodeHandshake({
        infoHash: seeder.infoHash,
        peerId: PEER_ID,
        reserved: reservedFlags({ extended: true, fast: true }),
      }),
    );
    const bytes = await theirs;
    expect(hex(decodeHandshake(bytes).infoHash)).toBe(hex(seeder.infoHash));
    // A frame: 4-byte length, then a message id (BEP 10 extended 20, BEP 6 have-all 14, bitfield 5).
    const length = Buffer.from(bytes.subarray(68, 72)).readUInt32BE(0);
    expect(length).toBeGreaterThan(0);
    expect(length).toBeLessThan(1 << 20);
    expect([5, 14, 20]).toContain(bytes[72]);
  });
});
