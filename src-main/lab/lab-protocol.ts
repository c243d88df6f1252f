/**
 * Messages between the lab controller and one lab peer's child process. They cross IPC with
 * structured clone (fork's `serialization: 'advanced'`, or Electron's utilityProcess), so
 * bitfields travel as bytes.
 */
import type { LabRole } from '../../src-shared/model';

export interface LabPeerInit {
  type: 'init';
  role: LabRole;
  torrentFile: Uint8Array;
  /** Where its copy goes; for seeders and corrupt peers, the folder holding the content. */
  savePath: string;
  /** Bytes per second, 0 unlimited. */
  uploadLimitBps: number;
  /** Report interval (about 4 Hz). */
  reportMs: number;
}

export type ToLabPeer =
  | LabPeerInit
  | { type: 'pause' }
  | { type: 'resume' }
  /** Stop the session cleanly and exit. */
  | { type: 'stop' };

export interface LabPeerReport {
  type: 'report';
  have: Uint8Array;
  downRateBps: number;
  upRateBps: number;
  downloadedBytes: number;
  uploadedBytes: number;
  connections: number;
  /** Every piece verified. */
  complete: boolean;
}

export type FromLabPeer =
  | { type: 'ready'; port: number; peerIdHex: string }
  | LabPeerReport
  /** It banned a peer: `peerIdHex` when the handshake named one, else the connection's key. */
  | { type: 'ban'; key: string; peerIdHex: string | null; reason: string }
  /** SHA-256 of its whole copy, once complete (single-file torrents). */
  | { type: 'hashed'; sha256Hex: string }
  | { type: 'error'; message: string };
