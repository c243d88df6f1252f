/**
 * "Download first and last pieces first" (issue 21): the pieces holding the start and the end
 * of each wanted file. Media players read a file's header and, for many containers, an index at
 * its end before they can play; these pieces are boosted to high priority in the picker.
 */

/**
 * `ranges[f]` is file f's inclusive piece range (`FileLayout.piecesOfFile`), null for an empty
 * file; `wanted(f)` is false for skipped files, whose pieces are not boosted.
 */
export function firstLastPieces(
  ranges: readonly ([number, number] | null)[],
  wanted: (file: number) => boolean,
): number[] {
  const out = new Set<number>();
  ranges.forEach((range, f) => {
    if (!range || !wanted(f)) return;
    out.add(range[0]);
    out.add(range[1]);
  });
  return [...out].sort((a, b) => a - b);
}
