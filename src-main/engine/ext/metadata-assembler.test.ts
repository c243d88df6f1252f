import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  METADATA_MAX_BYTES,
  METADATA_PIECE_BYTES,
  METADATA_REJECT_BACKOFF_MS,
  METADATA_REQUEST_TIMEOUT_MS,
  METADATA_REQUESTS_PER_PEER,
} from '../limits';
import { MetadataAssembler, pieceBytes } from './metadata-assembler';

/** Metadata of 2.5 pieces, and its SHA-1: what a magnet's info-hash names. */
function metadata(size = 2.5 * METADATA_PIECE_BYTES) {
  const info = new Uint8Array(size);
  for (let i = 0; i < size; i++) info[i] = (i * 7 + 3) & 0xff;
  const hash = new Uint8Array(createHash('sha1').update(info).digest());
  const piece = (i: number) =>
    info.subarray(i * METADATA_PIECE_BYTES, i * METADATA_PIECE_BYTES + pieceBytes(size, i));
  return { info, hash, size, piece };
}

describe('MetadataAssembler', () => {
  it('assembles pieces asked of several peers and verifies the SHA-1', () => {
    const m = metadata();
    const a = new MetadataAssembler(m.hash);
    expect(a.addPeer('p1', m.size)).toEqual({ kind: 'ok' });
    expect(a.addPeer('p2', m.size)).toEqual({ kind: 'ok' });
    expect(a.pieceCount).toBe(3);
    // Each piece goes to one peer only.
    const r1 = a.nextRequests('p1', 0).slice(0, 2);
    expect(r1).toEqual([0, 1, 2].slice(0, 2));
    expect(a.nextRequests('p2', 0)).toEqual([]);
    a.removePeer('p1');
    expect(a.nextRequests('p2', 0)).toEqual([0, 1, 2]);
    expect(a.onData('p2', 2, m.size, m.piece(2))).toEqual({ kind: 'ok' });
    expect(a.onData('p2', 0, m.size, m.piece(0))).toEqual({ kind: 'ok' });
    const done = a.onData('p2', 1, m.size, m.piece(1));
    expect(done.kind).toBe('done');
    expect(done.kind === 'done' && Buffer.compare(done.info, m.info)).toBe(0);
  });

  it('spreads pieces over peers, at most METADATA_REQUESTS_PER_PEER each', () => {
    const m = metadata(10 * METADATA_PIECE_BYTES);
    const a = new MetadataAssembler(m.hash);
    a.addPeer('p1', m.size);
    a.addPeer('p2', m.size);
    const r1 = a.nextRequests('p1', 0);
    const r2 = a.nextRequests('p2', 0);
    expect(r1).toHaveLength(METADATA_REQUESTS_PER_PEER);
    expect(r2).toHaveLength(METADATA_REQUESTS_PER_PEER);
    expect(new Set([...r1, ...r2]).size).toBe(2 * METADATA_REQUESTS_PER_PEER);
  });

  it('closes a peer whose metadata_size is over the cap, or zero', () => {
    const a = new MetadataAssembler(metadata().hash);
    const v = a.addPeer('big', METADATA_MAX_BYTES + 1);
    expect(v).toEqual({
      kind: 'close',
      why: `metadata_size ${METADATA_MAX_BYTES + 1} exceeds the ${METADATA_MAX_BYTES}-byte cap`,
    });
    expect(a.addPeer('zero', 0).kind).toBe('close');
    expect(a.metadataSize).toBeNull();
    expect(a.nextRequests('big', 0)).toEqual([]);
  });

  it('closes a peer sending a piece out of range, of the wrong size, or another total', () => {
    const m = metadata();
    const a = new MetadataAssembler(m.hash);
    a.addPeer('p', m.size);
    a.nextRequests('p', 0);
    expect(a.onData('p', 3, m.size, m.piece(0))).toEqual({
      kind: 'close',
      why: 'metadata piece 3 of 3',
    });
    expect(a.onData('p', 0, m.size, m.piece(0).subarray(1))).toEqual({
      kind: 'close',
      why: `metadata piece 0 of ${METADATA_PIECE_BYTES - 1} bytes, expected ${METADATA_PIECE_BYTES}`,
    });
    expect(a.onData('p', 1, m.size + 1, m.piece(1)).kind).toBe('close');
    expect(a.piecesReceived).toBe(0);
  });

  it('ignores data it did not ask that peer for', () => {
    const m = metadata();
    const a = new MetadataAssembler(m.hash);
    a.addPeer('p1', m.size);
    a.addPeer('p2', m.size);
    a.nextRequests('p1', 0);
    expect(a.onData('p2', 0, m.size, m.piece(0))).toEqual({ kind: 'ok' });
    expect(a.piecesReceived).toBe(0);
  });

  it('metadata failing its hash names every sender and starts over with the others', () => {
    const m = metadata();
    const a = new MetadataAssembler(m.hash);
    a.addPeer('liar', m.size);
    a.addPeer('honest', m.size);
    expect(a.nextRequests('liar', 0)).toEqual([0, 1, 2]);
    const wrong = new Uint8Array(m.piece(1));
    wrong[5] = (wrong[5] ?? 0) ^ 1;
    a.onData('liar', 0, m.size, m.piece(0));
    a.onData('liar', 1, m.size, wrong);
    expect(a.onData('liar', 2, m.size, m.piece(2))).toEqual({
      kind: 'hash-failed',
      culprits: ['liar'],
    });
    expect(a.hashFailures).toBe(1);
    expect(a.piecesReceived).toBe(0);
    expect(a.nextRequests('liar', 0)).toEqual([]);
    expect(a.nextRequests('honest', 0)).toEqual([0, 1, 2]);
    a.onData('honest', 0, m.size, m.piece(0));
    a.onData('honest', 1, m.size, m.piece(1));
    expect(a.onData('honest', 2, m.size, m.piece(2)).kind).toBe('done');
  });

  it('asks another peer after a reject or a timeout, and rests a rejecting peer', () => {
    const m = metadata();
    const a = new MetadataAssembler(m.hash);
    a.addPeer('p1', m.size);
    expect(a.nextRequests('p1', 0)).toEqual([0, 1, 2]);
    a.addPeer('p2', m.size);
    a.onReject('p1', 0, 1000);
    expect(a.nextRequests('p1', 1000)).toEqual([]);
    expect(a.nextRequests('p2', 1000)).toEqual([0]);
    a.expire(METADATA_REQUEST_TIMEOUT_MS);
    expect(a.nextRequests('p2', METADATA_REQUEST_TIMEOUT_MS)).toEqual([1, 2]);
    expect(a.nextRequests('p1', 1000 + METADATA_REJECT_BACKOFF_MS)).toEqual([]);
  });

  it('does not ask peers announcing another size while one with the first size remains', () => {
    const m = metadata();
    const a = new MetadataAssembler(m.hash);
    a.addPeer('first', m.size + 1);
    a.addPeer('other', m.size);
    expect(a.metadataSize).toBe(m.size + 1);
    expect(a.nextRequests('other', 0)).toEqual([]);
    a.removePeer('first');
    expect(a.metadataSize).toBe(m.size);
    expect(a.nextRequests('other', 0)).toEqual([0, 1, 2]);
  });
});
