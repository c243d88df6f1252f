import { describe, expect, it } from 'vitest';
import { ManualClock } from '../time/clock';
import type { BlockRef } from '../picker';
import { Uploader } from './uploader';
import type { UploadConnection, UploadPeer } from './uploader';
import { MAX_UPLOAD_QUEUE_PER_PEER } from '../limits';

/** A connection that records what it sends; a fake, because what it records is the point. */
class FakeConnection implements UploadConnection {
  closed = false;
  amChoking = false;
  needsDrain = false;
  supportsFast = true;
  sent: string[] = [];
  rejected: string[] = [];
  reject(b: BlockRef): void {
    this.rejected.push(`${b.index}/${b.begin}`);
  }
  sendPiece(index: number, begin: number, data: Uint8Array): boolean {
    this.sent.push(`${index}/${begin}:${data.length}`);
    return true;
  }
}

const PIECE = 32 * 1024;
const block = (index: number, begin = 0, length = 16 * 1024): BlockRef => ({
  index,
  begin,
  length,
});

function setup(opts: { have?: (i: number) => boolean; failRead?: boolean; waitMs?: number } = {}) {
  const clock = new ManualClock();
  const conn = new FakeConnection();
  const peer: UploadPeer = { key: 'p', conn, uploadQueue: [], uploading: false, servedBytes: 0 };
  const readFailures: string[] = [];
  let sentBytes = 0;
  let wait = opts.waitMs ?? 0;
  const uploader = new Uploader({
    clock,
    bucket: { waitMs: () => wait, take: () => void (wait = 0) },
    readPiece: (i) =>
      opts.failRead
        ? Promise.reject(new Error('EIO'))
        : Promise.resolve(new Uint8Array(PIECE).fill(i)),
    canServe: (b) => (opts.have ?? (() => true))(b.index),
    running: () => true,
    sent: (_p, n) => void (sentBytes += n),
    readFailed: (i, err) => readFailures.push(`${i}: ${(err as Error).message}`),
  });
  return { clock, conn, peer, uploader, readFailures, sent: () => sentBytes };
}

const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('Uploader', () => {
  it('serves requests in arrival order and counts the bytes', async () => {
    const { conn, peer, uploader, sent } = setup();
    uploader.onRequest(peer, block(1, 16 * 1024));
    uploader.onRequest(peer, block(0));
    await settle();
    expect(conn.sent).toEqual(['1/16384:16384', '0/0:16384']);
    expect(sent()).toBe(32 * 1024);
    expect(peer.servedBytes).toBe(32 * 1024);
  });

  it('rejects a request for a piece we do not have', async () => {
    const { conn, peer, uploader } = setup({ have: (i) => i !== 3 });
    uploader.onRequest(peer, block(3));
    await settle();
    expect(conn.rejected).toEqual(['3/0']);
    expect(conn.sent).toEqual([]);
  });

  it('rejects requests while the peer is choked', () => {
    const { conn, peer, uploader } = setup();
    conn.amChoking = true;
    uploader.onRequest(peer, block(0));
    expect(conn.rejected).toEqual(['0/0']);
  });

  it('caps the queue at MAX_UPLOAD_QUEUE_PER_PEER', () => {
    const { conn, peer, uploader } = setup();
    conn.needsDrain = true; // nothing leaves the queue
    for (let i = 0; i <= MAX_UPLOAD_QUEUE_PER_PEER; i++) uploader.onRequest(peer, block(0));
    expect(peer.uploadQueue).toHaveLength(MAX_UPLOAD_QUEUE_PER_PEER);
    expect(conn.rejected).toHaveLength(1);
  });

  it('a cancelled request is not served', async () => {
    const { conn, peer, uploader } = setup();
    conn.needsDrain = true;
    uploader.onRequest(peer, block(0));
    uploader.onRequest(peer, block(1));
    uploader.onCancel(peer, block(0));
    await settle(); // the first loop stopped at the full socket
    conn.needsDrain = false;
    uploader.serve(peer); // as on 'drain'
    await settle();
    expect(conn.sent).toEqual(['1/0:16384']);
  });

  it('choking a fast peer rejects what it queued', () => {
    const { conn, peer, uploader } = setup();
    conn.needsDrain = true;
    uploader.onRequest(peer, block(0));
    uploader.onRequest(peer, block(1));
    uploader.onChoked(peer);
    expect(conn.rejected).toEqual(['0/0', '1/0']);
    expect(peer.uploadQueue).toEqual([]);
  });

  it('waits for the rate limit on the clock', async () => {
    const { clock, conn, peer, uploader } = setup({ waitMs: 500 });
    uploader.onRequest(peer, block(0));
    await settle();
    expect(conn.sent).toEqual([]);
    clock.advance(500);
    await settle();
    expect(conn.sent).toEqual(['0/0:16384']);
  });

  it('a read error is reported once and stops the loop', async () => {
    const { conn, peer, uploader, readFailures } = setup({ failRead: true });
    uploader.onRequest(peer, block(2));
    uploader.onRequest(peer, block(3));
    await settle();
    expect(readFailures).toEqual(['2: EIO']);
    expect(conn.sent).toEqual([]);
  });
});
