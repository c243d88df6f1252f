/**
 * Reading and touching many small files at start-up (issue 20): a thousand torrents mean a
 * thousand .torrent files, a thousand resume files and a thousand mode fixes each start.
 *
 * - `readSmallFile` is `fs.readFile` with a callback: the same work off the main thread, at
 *   about half the main-thread CPU of `fs/promises`' readFile, whose FileHandle path costs four
 *   promise round trips per file (open, fstat, read, close); 2,000 files took 0.7 s of it.
 * - `forEachLimit` runs an async step over a list `limit` at a time: one after another, each
 *   step waits a thread-pool round trip, and on a loaded machine a thousand of them add up.
 */
import fs from 'node:fs';

export function readSmallFile(file: string): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    fs.readFile(file, (err, data) => (err ? reject(err) : resolve(data))),
  );
}

/** Runs `fn` over `items`, at most `limit` at once; rejects with the first failure. */
export async function forEachLimit<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}
