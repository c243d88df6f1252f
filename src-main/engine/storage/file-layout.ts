/**
 * How a torrent's pieces map onto its files (BEP 3: the files are concatenated in order and cut
 * into pieces). The one place that knows this mapping; storage backends ask it for spans.
 *
 * Invariants:
 * - Pieces and blocks may straddle any number of files; `spans` returns them in file order and
 *   their lengths add up to the requested length.
 * - Zero-length files own no bytes: they never appear in spans and own no piece.
 * - Every piece but the last is `pieceLength` long; the last holds the remainder.
 */

export interface FileEntry {
  path: string[];
  length: number;
  /** BEP 47 pad file: its bytes are zeros by definition, so backends never store them. */
  pad?: boolean;
}

export interface FileSpan {
  fileIndex: number;
  fileOffset: number;
  length: number;
}

export class FileLayout {
  readonly files: readonly FileEntry[];
  readonly pieceLength: number;
  readonly pieceCount: number;
  readonly totalLength: number;
  /** Offset of each file's first byte in the torrent's byte stream. */
  readonly fileOffsets: readonly number[];
  /** Indices of files with bytes, ascending, for the binary search in `spans`. */
  private readonly nonEmpty: number[];

  constructor(files: FileEntry[], pieceLength: number) {
    if (!Number.isSafeInteger(pieceLength) || pieceLength <= 0) {
      throw new RangeError(`pieceLength must be a positive integer, got ${pieceLength}`);
    }
    const offsets: number[] = [];
    let total = 0;
    files.forEach((f, i) => {
      if (!Number.isSafeInteger(f.length) || f.length < 0) {
        throw new RangeError(`file ${i} has a bad length ${f.length}`);
      }
      offsets.push(total);
      total += f.length;
    });
    if (!Number.isSafeInteger(total)) throw new RangeError('total length is too large');
    this.files = files.map((f) =>
      f.pad === true
        ? { path: [...f.path], length: f.length, pad: true }
        : { path: [...f.path], length: f.length },
    );
    this.pieceLength = pieceLength;
    this.totalLength = total;
    this.pieceCount = Math.ceil(total / pieceLength);
    this.fileOffsets = offsets;
    this.nonEmpty = files.flatMap((f, i) => (f.length > 0 ? [i] : []));
  }

  pieceSize(index: number): number {
    this.checkPiece(index);
    return index === this.pieceCount - 1
      ? this.totalLength - this.pieceLength * (this.pieceCount - 1)
      : this.pieceLength;
  }

  /** Torrent-stream offset of a piece's first byte. */
  pieceOffset(index: number): number {
    this.checkPiece(index);
    return index * this.pieceLength;
  }

  /** The file regions holding `length` bytes at `begin` inside `piece`. */
  spans(piece: number, begin: number, length: number): FileSpan[] {
    const size = this.pieceSize(piece);
    if (!Number.isSafeInteger(begin) || !Number.isSafeInteger(length) || begin < 0 || length < 0) {
      throw new RangeError(`bad range ${begin}+${length}`);
    }
    if (begin + length > size) {
      throw new RangeError(`range ${begin}+${length} exceeds piece ${piece} (${size} bytes)`);
    }
    const out: FileSpan[] = [];
    let offset = piece * this.pieceLength + begin;
    let left = length;
    for (let k = this.findNonEmpty(offset); left > 0 && k < this.nonEmpty.length; k++) {
      const fileIndex = this.nonEmpty[k] as number;
      const start = this.fileOffsets[fileIndex] as number;
      const fileLength = (this.files[fileIndex] as FileEntry).length;
      const fileOffset = offset - start;
      const take = Math.min(left, fileLength - fileOffset);
      out.push({ fileIndex, fileOffset, length: take });
      offset += take;
      left -= take;
    }
    return out;
  }

  /** First and last piece holding bytes of the file; null for a zero-length file. */
  piecesOfFile(fileIndex: number): [number, number] | null {
    const file = this.files[fileIndex];
    if (!file) throw new RangeError(`file index ${fileIndex} out of range`);
    if (file.length === 0) return null;
    const start = this.fileOffsets[fileIndex] as number;
    return [
      Math.floor(start / this.pieceLength),
      Math.floor((start + file.length - 1) / this.pieceLength),
    ];
  }

  /** Bytes of each file covered by pieces for which `have` is true. */
  fileProgress(have: (i: number) => boolean): number[] {
    const out = new Array<number>(this.files.length).fill(0);
    for (let i = 0; i < this.pieceCount; i++) {
      if (!have(i)) continue;
      for (const s of this.spans(i, 0, this.pieceSize(i))) {
        out[s.fileIndex] = (out[s.fileIndex] as number) + s.length;
      }
    }
    return out;
  }

  private checkPiece(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.pieceCount) {
      throw new RangeError(`piece index ${index} out of range`);
    }
  }

  /** Position in `nonEmpty` of the file holding the torrent offset. */
  private findNonEmpty(offset: number): number {
    let lo = 0;
    let hi = this.nonEmpty.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.fileOffsets[this.nonEmpty[mid] as number] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}
