/**
 * File priorities and what they mean for pieces: a piece takes the highest priority of the files
 * it touches (a piece shared with a wanted file must be fetched even if the other file is
 * skipped), and skipped files do not count as wanted bytes.
 */
import type { FilePriority } from '../../../src-shared/model';
import type { PiecePriority } from '../picker';
import type { FileLayout } from '../storage/file-layout';

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

/** A torrent's file priorities, and the wanted bytes they give. */
export class FilePriorities {
  private readonly priorities: FilePriority[];
  private wanted: number;

  constructor(
    private readonly layout: FileLayout,
    skipFiles: readonly number[],
  ) {
    this.priorities = initialFilePriorities(layout.files.length, skipFiles);
    this.wanted = wantedBytes(this.priorities, this.fileLengths());
  }

  get wantedBytes(): number {
    return this.wanted;
  }

  get(file: number): FilePriority {
    return this.priorities[file] ?? 'normal';
  }

  /** One flag per file: false for skipped files (the storage does not create them). */
  wantedFlags(): boolean[] {
    return this.priorities.map((p) => p !== 'skip');
  }

  /** Out-of-range file indices are ignored. */
  set(files: readonly number[], priority: FilePriority): void {
    for (const f of files) if (f >= 0 && f < this.priorities.length) this.priorities[f] = priority;
  }

  /** Gives the picker every piece's priority and recounts the wanted bytes. */
  applyTo(picker: { setPiecePriority(index: number, p: PiecePriority): void }): void {
    const pieces = piecePriorities(this.priorities, this.layout.pieceCount, (f) =>
      this.layout.piecesOfFile(f),
    );
    for (let i = 0; i < pieces.length; i++) picker.setPiecePriority(i, pieces[i] as PiecePriority);
    this.wanted = wantedBytes(this.priorities, this.fileLengths());
  }

  /**
   * Verified bytes of wanted files. Nothing skipped (the usual case): every verified byte is
   * wanted, so this stays O(1) instead of walking every piece; summary() runs on every change.
   */
  verifiedWantedBytes(verifiedBytes: () => number, have: (piece: number) => boolean): number {
    if (!this.priorities.includes('skip')) return verifiedBytes();
    return wantedBytes(this.priorities, this.layout.fileProgress(have));
  }

  private fileLengths(): number[] {
    return this.layout.files.map((f) => f.length);
  }
}
