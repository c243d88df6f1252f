/** Choosing a piece length for new torrents. */

const MIN_PIECE_BYTES = 16 * 1024;
const MAX_PIECE_BYTES = 16 * 1024 * 1024;
/** Fewer pieces make a coarse picker; more make a large .torrent and bitfield. */
const MAX_PIECES_TARGET = 2_000;

/**
 * A power of two from 16 KiB to 16 MiB giving 1,000 to 2,000 pieces where the clamp allows
 * (fewer for small content, more beyond 32 GiB).
 */
export function autoPieceLength(totalBytes: number): number {
  let pieceBytes = MIN_PIECE_BYTES;
  while (pieceBytes < MAX_PIECE_BYTES && Math.ceil(totalBytes / pieceBytes) > MAX_PIECES_TARGET) {
    pieceBytes *= 2;
  }
  return pieceBytes;
}
