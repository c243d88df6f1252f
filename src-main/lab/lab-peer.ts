/**
 * One lab peer: a real engine `Session` in its own child process (issue 19; never in the UI
 * process). The controller forks this file's bundle (`out/lab/lab-peer.js`, scripts/build.mjs)
 * with plain Node, or starts it as an Electron utility process in the packaged app (whose
 * RunAsNode fuse is off); both hand messages over structured clone. It waits for an `init`,
 * joins the lab torrent on 127.0.0.1 through the lab tracker, reports about four times a second
 * and stops cleanly on `stop` or when its parent goes away.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { FileLayout, FileStorage, parseTorrent, resolveInside, Session } from '../engine';
import type { Metainfo, Storage } from '../engine';
import { bitfieldBytes, setPiece } from '../../src-shared/model';
import { CorruptingStorage } from './corrupting-storage';
import type { FromLabPeer, LabPeerInit, ToLabPeer } from './lab-protocol';

/** The two ways a child talks to its parent: Node's IPC channel, or Electron's parentPort. */
interface ParentLink {
  send(msg: FromLabPeer): void;
  onMessage(fn: (msg: ToLabPeer) => void): void;
  onGone(fn: () => void): void;
}

interface ElectronParentPort {
  postMessage(msg: unknown): void;
  on(event: 'message', fn: (e: { data: unknown }) => void): void;
}

function parentLink(): ParentLink {
  const port = (process as unknown as { parentPort?: ElectronParentPort }).parentPort;
  if (port) {
    return {
      send: (msg) => port.postMessage(msg),
      onMessage: (fn) => port.on('message', (e) => fn(e.data as ToLabPeer)),
      // A utility process dies with its parent.
      onGone: () => {},
    };
  }
  if (!process.send) throw new Error('lab-peer must run as a child process of the lab');
  return {
    send: (msg) => void process.send?.(msg),
    onMessage: (fn) => process.on('message', (m) => fn(m as ToLabPeer)),
    onGone: (fn) => process.on('disconnect', fn),
  };
}

function fileStorage(meta: Metainfo, savePath: string): FileStorage {
  return new FileStorage(
    new FileLayout(meta.files, meta.pieceLength),
    savePath,
    meta.files.map((f) => resolveInside(savePath, f.path)),
  );
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

class LabPeer {
  private session: Session | null = null;
  private id = '';
  private timer: NodeJS.Timeout | null = null;
  private hashed = false;
  private stopping = false;
  /** Connection key to peer id, refreshed every report, so a ban can name who it hit. */
  private readonly peerIds = new Map<string, string>();

  constructor(private readonly link: ParentLink) {}

  async start(init: LabPeerInit): Promise<void> {
    const meta = parseTorrent(init.torrentFile);
    const corrupt = init.role === 'corrupt';
    const session = await Session.open({
      dataDir: null,
      listenHost: '127.0.0.1',
      listenPort: 0,
      hashThreads: 1,
      // Small buffers: up to 60 of these share one machine.
      pipelineBudgetBytes: 16 * 1024 * 1024,
      // The freeloader chokes everyone, so it never uploads (tit-for-tat's free rider).
      ...(init.role === 'freeloader' ? { unchokeSlots: 0 } : {}),
      // Loopback only: no DHT, no multicast; peers come from the lab tracker and PEX.
      settings: {
        dhtEnabled: false,
        dhtBootstrap: [],
        lsdEnabled: false,
        uploadLimitBps: init.uploadLimitBps,
        transports: 'tcp',
      },
      ...(corrupt
        ? {
            storageFactory: (m: Metainfo, savePath: string): Storage =>
              new CorruptingStorage(fileStorage(m, savePath)),
          }
        : {}),
    });
    this.session = session;
    session.on('peer-event', ({ event }) => {
      // The engine's ban decision (torrent/downloader.ts), not the closes and refusals after it.
      if (event.type === 'close' && event.dir === 'local' && /^banned after/.test(event.detail)) {
        this.link.send({
          type: 'ban',
          key: event.peer,
          peerIdHex: this.peerIds.get(event.peer) ?? null,
          reason: event.detail,
        });
      }
    });
    const holdsContent = init.role === 'seeder' || corrupt;
    // Seeders share the content the controller just hashed: no check. The corrupt peer must
    // skip it too, since its reads are wrong by design. Leechers check what a previous visit
    // (churn) left in their folder.
    this.id = holdsContent
      ? await session.addMeta(meta, { savePath: init.savePath }, true)
      : await session.addTorrent({ torrentFile: init.torrentFile }, { savePath: init.savePath });
    this.link.send({
      type: 'ready',
      port: session.listenPort ?? 0,
      peerIdHex: Buffer.from(session.peerId).toString('hex'),
    });
    this.timer = setInterval(() => this.report(meta), init.reportMs);
    this.report(meta);
  }

  private report(meta: Metainfo): void {
    const session = this.session;
    if (!session || this.stopping) return;
    const summary = session.summary(this.id);
    if (!summary) return;
    const states = session.pieceMap(this.id).states;
    const have = new Uint8Array(bitfieldBytes(meta.pieceCount));
    for (let i = 0; i < states.length; i++) if (states[i] === 4) setPiece(have, i);
    const peers = session.peers(this.id);
    for (const p of peers) this.peerIds.set(p.key, p.peerIdHex);
    const complete = summary.verifiedPieces === meta.pieceCount;
    this.link.send({
      type: 'report',
      have,
      downRateBps: summary.downRateBps,
      upRateBps: summary.upRateBps,
      downloadedBytes: summary.downloadedBytes,
      uploadedBytes: summary.uploadedBytes,
      connections: peers.length,
      complete,
    });
    if (complete && !this.hashed && meta.files.length === 1) {
      this.hashed = true;
      const file = resolveInside(summary.savePath, meta.files[0]!.path);
      // A piece counts as verified once its write resolved, so the file holds every byte.
      void sha256File(file)
        .then((sha256Hex) => this.link.send({ type: 'hashed', sha256Hex }))
        .catch((err: unknown) => this.link.send({ type: 'error', message: String(err) }));
    }
  }

  async command(msg: ToLabPeer): Promise<void> {
    try {
      if (msg.type === 'init') await this.start(msg);
      else if (msg.type === 'pause') await this.session?.pause(this.id);
      else if (msg.type === 'resume') await this.session?.resume(this.id);
      else if (msg.type === 'stop') await this.stop();
    } catch (err) {
      this.link.send({ type: 'error', message: err instanceof Error ? err.message : String(err) });
    }
  }

  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    await this.session?.close();
    process.exit(0);
  }
}

const link = parentLink();
const peer = new LabPeer(link);
link.onMessage((msg) => void peer.command(msg));
link.onGone(() => void peer.stop());
