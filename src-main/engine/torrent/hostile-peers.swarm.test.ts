/**
 * Hostile peers against one torrent, over real sockets on 127.0.0.1 (issue 16 items 3, 6, 7).
 * A raw peer speaks the wire protocol by hand, so it can do what no client of ours would.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import net from 'node:net';
import path from 'node:path';
import fs from 'node:fs';
import { Session } from '../session';
import type { SessionOptions } from '../session';
import { createTorrent } from '../metainfo';
import type { Metainfo } from '../metainfo';
import { HashWritePool } from '../hash';
import { Bitfield, FrameDecoder, encodeHandshake, encodeMessage, reservedFlags } from '../wire';
import type { Message } from '../wire';
import { MAX_FRAME_BYTES } from '../limits';
import { TEST_SESSION_OPTIONS, wrappedFileStorage } from '../../testing/swarm';
import { FaultyStorage } from '../storage/faulty-storage';
import type { Storage } from '../storage/storage';
import { tempDir, waitFor, writeFile } from '../../testing/fixtures';

const PIECE = 16 * 1024;
const PIECES = 256;

/** A peer speaking the wire protocol by hand over a real socket. */
class RawPeer {
  readonly messages: Message[] = [];
  handshaken = false;
  closed = false;
  private pending = Buffer.alloc(0);
  private readonly decoder = new FrameDecoder({ maxFrameBytes: MAX_FRAME_BYTES });

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => undefined); // a reset by the other side is what some tests expect
  }

  static async connect(port: number, infoHash: Uint8Array, peerId: Uint8Array): Promise<RawPeer> {
    const socket = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const peer = new RawPeer(socket);
    socket.write(
      encodeHandshake({
        infoHash,
        peerId,
        reserved: reservedFlags({ fast: true, extended: true }),
      }),
    );
    return peer;
  }

  send(...messages: Message[]): void {
    if (!this.closed) this.socket.write(Buffer.concat(messages.map((m) => encodeMessage(m))));
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    if (!this.handshaken) {
      this.pending = Buffer.concat([this.pending, chunk]);
      if (this.pending.length < 68) return;
      this.handshaken = true;
      chunk = this.pending.subarray(68);
    }
    for (const m of this.decoder.push(new Uint8Array(chunk))) this.messages.push(m);
  }
}

/**
 * A storage whose flush fails once a write has failed, as a full disk's did (EINVAL); twice only,
 * so that code which fails again on each failed flush ends instead of looping for ever.
 */
class FlushFailsAfterWriteError implements Storage {
  private writeFailed = false;
  flushesFailed = 0;

  constructor(private readonly inner: Storage) {}

  async writePiece(index: number, data: Uint8Array): Promise<Uint8Array> {
    try {
      return await this.inner.writePiece(index, data);
    } catch (err) {
      this.writeFailed = true;
      throw err;
    }
  }

  read(index: number, begin: number, length: number): Promise<Uint8Array> {
    return this.inner.read(index, begin, length);
  }

  async flush(): Promise<void> {
    if (!this.writeFailed || this.flushesFailed >= 2) return this.inner.flush();
    this.flushesFailed++;
    throw new Error('EINVAL: invalid argument, fsync');
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  remove(): Promise<void> {
    return this.inner.remove();
  }
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const c of cleanups.splice(0).reverse()) await c();
});

let idSeq = 0;
function peerId(): Uint8Array {
  const id = new Uint8Array(20).fill(0x41);
  id.set(Buffer.from(`-XX0001-${String(++idSeq).padStart(12, '0')}`));
  return id;
}

/**
 * PIECES pieces of content, its metainfo, and the folder it lives in: one file, or two files of
 * half each (`a.bin` then `b.bin`; `file` is then the folder).
 */
async function content(twoFiles = false): Promise<{ dir: string; file: string; meta: Metainfo }> {
  const dir = tempDir('hostile');
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'src', twoFiles ? 'two' : 'data.bin');
  if (twoFiles) {
    writeFile(path.join(file, 'a.bin'), (PIECES / 2) * PIECE, 11);
    writeFile(path.join(file, 'b.bin'), (PIECES / 2) * PIECE, 12);
  } else {
    writeFile(file, PIECES * PIECE, 11);
  }
  const pool = new HashWritePool({ threads: 1 });
  try {
    const { meta } = await createTorrent(file, { pieceLength: PIECE, pool, creationDate: 0 });
    return { dir, file, meta };
  } finally {
    await pool.close();
  }
}

async function session(opts: Partial<SessionOptions> = {}): Promise<Session> {
  const s = await Session.open({ ...TEST_SESSION_OPTIONS, ...opts });
  cleanups.push(() => s.close());
  return s;
}

/** A session downloading the content (it has none of it yet), with its check done. */
async function leecher(
  opts: Partial<SessionOptions> = {},
  twoFiles = false,
): Promise<{ s: Session; meta: Metainfo; id: string }> {
  const { dir, meta } = await content(twoFiles);
  const s = await session(opts);
  const id = await s.addMeta(meta, { savePath: path.join(dir, 'out') }, false);
  await waitFor(() => s.summary(id)?.state === 'downloading', 'the check to finish', 10_000);
  return { s, meta, id };
}

async function rawPeer(s: Session, meta: Metainfo): Promise<RawPeer> {
  const peer = await RawPeer.connect(s.listenPort as number, meta.infoHash, peerId());
  cleanups.push(() => peer.close());
  return peer;
}

describe('hostile peers', () => {
  it('repeated have-alls from a seed cost no walk over the pieces (issue 16 item 3)', async () => {
    const { s, meta, id } = await leecher();
    const peer = await rawPeer(s, meta);
    await waitFor(() => peer.handshaken, 'the handshake');
    peer.send({ type: 'have-all' });
    await waitFor(
      () => s.peers(id)[0]?.flags.amInterested === true,
      'us to want its pieces',
      10_000,
    );

    const get = vi.spyOn(Bitfield.prototype, 'get');
    const REPEATS = 2_000;
    peer.send(...Array.from({ length: REPEATS }, () => ({ type: 'have-all' }) as const));
    // Messages are handled in order: once its interest shows, every have-all was handled.
    peer.send({ type: 'interested' });
    await waitFor(
      () => s.peers(id)[0]?.flags.peerInterested === true,
      'the flood to be handled',
      10_000,
    );
    // A walk per have-all would be REPEATS * PIECES = 512,000 lookups; the request top-ups of a
    // few ticks cost a few per piece at most.
    expect(get.mock.calls.length).toBeLessThan(10 * PIECES);
    expect(peer.closed).toBe(false);
  });

  it('haves of pieces we do not want cost no walk over the pieces (issue 16 item 3)', async () => {
    const { s, meta, id } = await leecher({}, true);
    const peer = await rawPeer(s, meta);
    await waitFor(() => peer.handshaken, 'the handshake');
    peer.send({ type: 'have-none' });
    await waitFor(() => s.peers(id).length === 1, 'the peer to be connected');
    // We want only the second file: haves of the first file's pieces interest us in nothing.
    expect(meta.files[0]?.path).toEqual(['two', 'a.bin']);
    s.torrent(id)!.setFilePriority([0], 'skip');
    const get = vi.spyOn(Bitfield.prototype, 'get');
    peer.send(
      ...Array.from({ length: PIECES / 2 - 1 }, (_, index) => ({ type: 'have', index }) as const),
    );
    peer.send({ type: 'interested' });
    await waitFor(
      () => s.peers(id)[0]?.flags.peerInterested === true,
      'the haves to be handled',
      10_000,
    );
    expect(s.peers(id)[0]?.flags.amInterested).toBe(false);
    expect(get.mock.calls.length).toBeLessThan(10 * PIECES);
  });

  it('one address cannot take every connection slot (issue 16 item 6)', async () => {
    const { s, meta, id } = await leecher({ maxConnectionsPerIp: 1, limitLoopbackPeers: true });
    const peers: RawPeer[] = [];
    for (let i = 0; i < 6; i++) peers.push(await rawPeer(s, meta));
    await waitFor(() => peers.filter((p) => p.closed).length === 5, 'all but one to be refused');
    expect(s.peers(id)).toHaveLength(1);
  });

  it('loopback peers are this machine and are not capped per IP by default', async () => {
    const { s, meta, id } = await leecher();
    const peers: RawPeer[] = [];
    for (let i = 0; i < 3; i++) peers.push(await rawPeer(s, meta));
    await waitFor(() => s.peers(id).length === 3, 'all three to be connected');
    expect(peers.some((p) => p.closed)).toBe(false);
  });

  it('a peer banned for corrupt data cannot return with a new port and peer id (issue 16 item 6)', async () => {
    const { s, meta, id } = await leecher({ maxConnectionsPerIp: 4, limitLoopbackPeers: true });
    const liar = await rawPeer(s, meta);
    await waitFor(() => liar.handshaken, 'the handshake');
    liar.send({ type: 'have-all' }, { type: 'unchoke' });
    // Answer every request with zeros: each piece fails its hash, and the sole source is struck.
    let served = 0;
    const timer = setInterval(() => {
      const requests = liar.messages.filter((m) => m.type === 'request');
      for (const r of requests.slice(served))
        liar.send({
          type: 'piece',
          index: r.index,
          begin: r.begin,
          block: new Uint8Array(r.length),
        });
      served = requests.length;
    }, 10);
    cleanups.push(() => clearInterval(timer));
    await waitFor(() => liar.closed, 'the liar to be banned', 20_000);
    expect(s.recentLog(id).some((e) => e.type === 'hash-failed')).toBe(true);

    const back = await rawPeer(s, meta);
    await waitFor(() => back.closed, 'the liar, back from a new port, to be refused', 5_000);
    expect(s.peers(id)).toHaveLength(0);
  });
});

describe('disk faults while seeding', () => {
  it('a seeded file deleted gives one error naming the file, and recheck recovers (issue 16 item 7)', async () => {
    const { dir, file, meta } = await content();
    const seeder = await session();
    const id = await seeder.addMeta(meta, { savePath: path.dirname(file) }, true);
    await waitFor(() => seeder.summary(id)?.state === 'seeding', 'the seeder to start');
    const alerts: string[] = [];
    seeder.on('alert-raised', (a) => alerts.push(`${a.kind}: ${a.message}`));
    fs.renameSync(file, `${file}.away`);

    const downloader = await session();
    await downloader.addMeta(meta, { savePath: path.join(dir, 'out') }, false);
    downloader.addPeer(id, '127.0.0.1', seeder.listenPort as number);
    await waitFor(() => seeder.summary(id)?.state === 'error', 'the read error', 20_000);
    await new Promise((r) => setTimeout(r, 200)); // the stop and its flush run after the fault
    const failed = seeder.summary(id)!;
    expect(failed.error).toContain(file);
    expect(failed.error).toMatch(/missing/);
    expect(alerts.filter((a) => a.startsWith('torrent-error'))).toHaveLength(1);

    fs.renameSync(`${file}.away`, file);
    await seeder.torrent(id)!.recheck();
    expect(seeder.summary(id)).toMatchObject({
      state: 'seeding',
      error: null,
      verifiedPieces: PIECES,
    });
    await waitFor(() => downloader.summary(id)?.progress === 1, 'the download to finish', 30_000);
  });

  it('a full disk gives one error and one alert, and the first cause stays (issue 16 item 7)', async () => {
    const { dir, file, meta } = await content();
    const seeder = await session();
    const id = await seeder.addMeta(meta, { savePath: path.dirname(file) }, true);
    let storage: FlushFailsAfterWriteError | null = null;
    const leech = await session({
      storageFactory: wrappedFileStorage(
        (files) =>
          (storage = new FlushFailsAfterWriteError(
            new FaultyStorage(files, { failAfterBytes: 10 * PIECE, errorCode: 'ENOSPC' }),
          )),
      ),
    });
    const alerts: string[] = [];
    leech.on('alert-raised', (a) => alerts.push(`${a.kind}: ${a.message}`));
    await leech.addMeta(meta, { savePath: path.join(dir, 'out') }, false);
    leech.addPeer(id, '127.0.0.1', seeder.listenPort as number);
    await waitFor(() => leech.summary(id)?.state === 'error', 'the disk to fill', 20_000);
    await waitFor(() => (storage?.flushesFailed ?? 0) > 0, 'the stop to flush', 5_000);
    await new Promise((r) => setTimeout(r, 100));
    expect(leech.summary(id)?.error).toMatch(/ENOSPC/);
    expect(alerts.filter((a) => a.startsWith('torrent-error'))).toEqual([
      expect.stringMatching(/ENOSPC/),
    ]);
  });
});
