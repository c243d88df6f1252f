/**
 * A magnet link as the session takes it: parsed, with every problem an EngineError the hosts
 * pass on; the preview `torrent.inspect` shows for a link (what the link says, nothing more);
 * and the metainfo built from the link and its verified metadata.
 */
import type { TorrentPreview } from '../../../src-shared/model';
import type { AddOptions } from '../api';
import { EngineError } from '../errors';
import { MetainfoError, parseMagnet } from '../metainfo';
import type { Metainfo, ParsedMagnet } from '../metainfo';
import { metainfoFromMetadata } from '../metainfo/magnet-metadata';

export function magnetInput(uri: string): ParsedMagnet {
  try {
    return parseMagnet(uri);
  } catch (err) {
    if (err instanceof MetainfoError) {
      throw new EngineError('invalid-torrent', `not a valid magnet link: ${err.message}`, err);
    }
    throw err;
  }
}

/** What a link says: its name and trackers; size, pieces and files are unknown (zero, none). */
export function magnetPreview(m: ParsedMagnet, has: (id: string) => boolean): TorrentPreview {
  return {
    id: m.infoHashHex,
    name: m.name ?? m.infoHashHex,
    sizeBytes: 0,
    pieceLength: 0,
    pieceCount: 0,
    files: [],
    trackers: m.trackers.map((t) => [t]),
    private: false,
    comment: null,
    createdBy: null,
    creationDate: null,
    alreadyAdded: has(m.infoHashHex),
  };
}

export function metainfoForMagnet(info: Uint8Array, magnet: ParsedMagnet): Metainfo {
  return metainfoFromMetadata(info, magnet);
}

/**
 * The options a magnet's torrent is added with once its metadata arrives: paused when the user
 * chooses files first, and `so` (BEP 53) skipping the files it does not name (unless the add
 * request chose files itself).
 */
export function magnetAddOptions(
  magnet: { selectOnly: number[] | null },
  opts: AddOptions,
  fileCount: number,
): AddOptions {
  const out: AddOptions = { ...opts, paused: !!opts.paused || !!opts.chooseFiles };
  if (opts.skipFiles === undefined && magnet.selectOnly !== null) {
    const keep = new Set(magnet.selectOnly);
    out.skipFiles = [];
    for (let i = 0; i < fileCount; i++) if (!keep.has(i)) out.skipFiles.push(i);
  }
  return out;
}
