/**
 * What adding or creating a torrent takes, one shape each for both sides of the host: the
 * contract's requests (src-shared/contract.ts) and the engine's API (src-main/engine/api.ts)
 * both use these, because the engine may import src-shared/model but not the contract.
 */

/** A torrent given as the bytes of a .torrent file or as a path on the host. */
export type TorrentSource =
  | { torrentFile: Uint8Array }
  | { path: string }
  // --- magnets (issue 17) ---
  /** A `magnet:?xt=urn:btih:...` link (BEP 9). */
  | { magnet: string };

export interface AddTorrentOptions {
  /** Folder to save into; the download folder setting when absent. */
  savePath?: string;
  /** Indices of files not to download. */
  skipFiles?: number[];
  paused?: boolean;
  // --- magnets (issue 17) ---
  /**
   * A magnet only: when its metadata arrives, add the torrent paused, so the user can choose
   * its files (the add dialog) before anything downloads.
   */
  chooseFiles?: boolean;
  // --- labels (issue 21) ---
  /** The torrent's label (see model/labels.ts); none when absent. */
  label?: string;
}

export interface CreateSeedRequest {
  /** A file or a folder on the host. */
  path: string;
  trackers?: string[];
  /** Add the embedded tracker's announce URLs (it must be running). */
  useEmbeddedTracker?: boolean;
  private?: boolean;
  comment?: string;
  webSeeds?: string[];
  /** Bytes, a power of two; picked automatically when absent. */
  pieceLength?: number;
}
