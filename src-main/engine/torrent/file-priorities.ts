/**
 * File priorities and what they mean for pieces: a piece takes the highest priority of the files
 * it touches (a piece shared with a wanted file must be fetched even if the other file is
 * skipped), and skipped files do not count as wanted bytes.
 */
import type { FilePriority } from '../../../src-shared/model';
import type { PiecePriority } from '../picker';

const RANK: Record<FilePriority, PiecePriority> = { skip: 0, normal: 1, high: 2 };

export function initialFilePriorities(
  fileCount: number,
  skipFiles: readonly number[],
): FilePriority[] {
  const out = Array.from({ length: fileCount }, () => 'normal' as FilePriority);
  for (const i of skipFiles) if (i >= 0 && i < fileCount) out[i] = 'skip';
  return out;
}

/** Piece priorities from file priorities; `piecesOfFile` gives a file's first and last piece. */
export function piecePriorities(
  priorities: readonly FilePriority[],
  pieceCount: number,
  piecesOfFile: (file: number) => readonly [number, number] | null,
): Uint8Array {
  const out = new Uint8Array(pieceCount);
  priorities.forEach((priority, fi) => {
    const range = piecesOfFile(fi);
    if (!range) return;
    const p = RANK[priority];
    for (let i = range[0]; i <= range[1]; i++) out[i] = Math.max(out[i] ?? 0, p);
  });
  return out;
}

export function wantedBytes(
  priorities: readonly FilePriority[],
  fileLengths: readonly number[],
): number {
  let bytes = 0;
  fileLengths.forEach((length, fi) => {
    if (priorities[fi] !== 'skip') bytes += length;
  });
  return bytes;
}
