/**
 * Fixture .torrent files generated in code (docs/ARCHITECTURE.md section 4: no binary blobs),
 * written with the `bencode` package so they do not depend on our own encoder.
 */
import { createHash } from 'node:crypto';
import bencode from 'bencode';

export interface FixtureTorrent {
  name: string;
  sizeBytes: number;
  bytes: Buffer;
  infoHash: string;
}

/** Deterministic content, so the same name and size always give the same info-hash. */
export function fixtureContent(sizeBytes: number, seed: number): Buffer {
  const out = Buffer.alloc(sizeBytes);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < sizeBytes; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

export function makeTorrent(opts: {
  name: string;
  content: Buffer;
  pieceLength?: number;
  announce?: string;
}): FixtureTorrent {
  const pieceLength = opts.pieceLength ?? 256 * 1024;
  const hashes: Buffer[] = [];
  for (let at = 0; at < opts.content.length; at += pieceLength) {
    hashes.push(
      createHash('sha1')
        .update(opts.content.subarray(at, at + pieceLength))
        .digest(),
    );
  }
  const info = {
    length: opts.content.length,
    name: opts.name,
    'piece length': pieceLength,
    pieces: Buffer.concat(hashes),
  };
  const meta: Record<string, unknown> = { info, 'created by': 'swarmscope e2e' };
  if (opts.announce) meta.announce = opts.announce;
  return {
    name: opts.name,
    sizeBytes: opts.content.length,
    bytes: Buffer.from(bencode.encode(meta)),
    infoHash: createHash('sha1').update(bencode.encode(info)).digest('hex'),
  };
}
