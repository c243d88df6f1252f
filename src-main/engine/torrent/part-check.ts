/**
 * The pieces a data check by file paths cannot verify: those with bytes of a skipped file in the
 * part file (storage/part-file.ts). They are read back through the storage, which knows where
 * each span lives, and hashed in the pool, so a restart does not fetch them again.
 *
 * Invariants:
 * - Only pieces the check left unverified are read; a piece that fails to read or to match
 *   simply stays unverified (it will be fetched), as in the data check.
 * - Bounded by the part file's slots, which are at most the torrent's pieces.
 */
import type { Metainfo } from '../metainfo';
import type { HashWritePool } from '../hash';
import type { FileLayout } from '../storage/file-layout';
import type { Storage } from '../storage/storage';

export async function checkPartPieces(
  c: { meta: Metainfo; layout: FileLayout; storage: Storage; hashWritePool: HashWritePool },
  verified: Uint8Array,
  cancelled: () => boolean,
): Promise<void> {
  const pieces = (await c.storage.partPieces?.()) ?? [];
  for (const piece of pieces) {
    if (cancelled()) return;
    if (verified[piece] === 1) continue;
    const data = await c.storage.read(piece, 0, c.layout.pieceSize(piece)).catch(() => null);
    if (data === null) continue;
    const digest = await c.hashWritePool.sha1(data);
    const want = c.meta.pieceHashes.subarray(piece * 20, piece * 20 + 20);
    if (Buffer.compare(digest, want) === 0) verified[piece] = 1;
  }
}
