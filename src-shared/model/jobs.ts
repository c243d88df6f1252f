import type { TorrentId } from './torrent';

/** 'move': a torrent's files moving to a new folder (Set location, issue 15). */
export type JobKind = 'create' | 'check' | 'upload' | 'move';

export interface JobProgress {
  jobId: string;
  kind: JobKind;
  /** What is being worked on, for the UI. */
  label: string;
  doneBytes: number;
  totalBytes: number;
  rateBps: number;
  etaSec: number | null;
  state: 'running' | 'done' | 'failed' | 'cancelled';
  error: string | null;
  /** Set when a create job is done. */
  result: CreatedTorrent | null;
}

export interface CreatedTorrent {
  id: TorrentId;
  name: string;
  magnet: string;
  announceUrls: string[];
}

export type AlertKind = 'download-completed' | 'torrent-error' | 'tracker-error' | 'info';

export interface Alert {
  kind: AlertKind;
  level: 'info' | 'warn' | 'error';
  torrentId: TorrentId | null;
  title: string;
  message: string;
  at: number;
}

export interface DirEntry {
  name: string;
  path: string;
  kind: 'file' | 'dir';
  sizeBytes: number;
}

export interface DirListing {
  path: string;
  parent: string | null;
  entries: DirEntry[];
}
