import type { BDict } from '../bencode';

export interface TorrentFileEntry {
  /** Sanitised path components; for multi-file torrents the first is the torrent's name. */
  path: string[];
  length: number;
  /** Byte offset of the file's first byte in the torrent's concatenated data. */
  offset: number;
  /** BEP 47 pad file: zeros that align the next file, never written to disk. */
  pad?: true;
}

/** A parsed v1 torrent (BEP 3). Byte arrays here are never shared with the caller's input. */
export interface Metainfo {
  infoHash: Uint8Array;
  infoHashHex: string;
  /** Sanitised; the file or top folder name on disk. */
  name: string;
  pieceLength: number;
  pieceCount: number;
  /** 20 bytes of SHA-1 per piece. */
  pieceHashes: Uint8Array;
  totalLength: number;
  files: TorrentFileEntry[];
  singleFile: boolean;
  /** One line per name that was changed to be safe on every OS, with why (sanitize-path.ts). */
  pathWarnings: string[];
  announce: string | null;
  /** BEP 12 tiers; falls back to [[announce]], or [] without trackers. */
  announceList: string[][];
  /** BEP 27. */
  private: boolean;
  comment: string | null;
  createdBy: string | null;
  /** Seconds since the Unix epoch, as stored. */
  creationDate: number | null;
  /** BEP 19 web seeds. */
  urlList: string[];
  /** The info dict as data (what BEP 9 sends as metadata). */
  info: BDict;
  /** The exact bytes the info-hash was computed over. */
  infoBytes: Uint8Array;
  /** The whole .torrent file. */
  torrentFile: Uint8Array;
}
