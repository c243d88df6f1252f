/**
 * Turning what a host hands us (.torrent bytes, or a path to one) into parsed metainfo, and the
 * preview the add dialog shows before anything is added.
 *
 * Invariant: nothing larger than MAX_TORRENT_FILE_BYTES is read or parsed, and every failure is
 * an EngineError with a code the hosts pass on.
 */
import fsp from 'node:fs/promises';
import type { TorrentPreview } from '../../../src-shared/model';
import type { TorrentInput } from '../api';
import { EngineError } from '../errors';
import type { Metainfo } from '../metainfo';
import { parseTorrent } from '../metainfo';
import { MAX_TORRENT_FILE_BYTES } from '../limits';

export async function readTorrentInput(input: TorrentInput): Promise<Metainfo> {
  let bytes: Uint8Array;
  if ('torrentFile' in input) {
    bytes = input.torrentFile;
  } else if ('magnet' in input) {
    // The session adds magnets itself (session/magnet-torrent.ts); they have no bytes to read.
    throw new EngineError('invalid-torrent', 'a magnet link is not a .torrent file');
  } else {
    const stat = await fsp.stat(input.path).catch((err: unknown) => {
      throw new EngineError('not-found', `cannot read ${input.path}: ${errMessage(err)}`);
    });
    if (stat.size > MAX_TORRENT_FILE_BYTES) {
      throw new EngineError('invalid-torrent', `${input.path} is too large to be a .torrent file`);
    }
    bytes = await fsp.readFile(input.path);
  }
  if (bytes.length > MAX_TORRENT_FILE_BYTES)
    throw new EngineError('invalid-torrent', 'the .torrent file is too large');
  try {
    return parseTorrent(bytes);
  } catch (err) {
    // One prefix; the metainfo error says the field and the problem (issue 19).
    throw new EngineError('invalid-torrent', `not a valid torrent file: ${errMessage(err)}`, err);
  }
}

export function torrentPreview(meta: Metainfo, alreadyAdded: boolean): TorrentPreview {
  return {
    id: meta.infoHashHex,
    name: meta.name,
    sizeBytes: meta.totalLength,
    pieceLength: meta.pieceLength,
    pieceCount: meta.pieceCount,
    files: meta.files.map((f, index) => ({ index, path: f.path.join('/'), sizeBytes: f.length })),
    trackers: meta.announceList,
    private: meta.private,
    comment: meta.comment,
    createdBy: meta.createdBy,
    creationDate: meta.creationDate,
    alreadyAdded,
  };
}

function errMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
