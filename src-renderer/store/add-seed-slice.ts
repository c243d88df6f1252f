/**
 * The add-and-seed slice: torrents waiting in the add dialog (inspected, not yet started), and
 * the seed dialog's request (what to seed: pick a file, pick a folder, or paths already known
 * such as uploaded drops). The dialogs keep their own form state; this slice only says what
 * they show, so the toolbar, the keyboard shortcuts and the desktop menu open them alike.
 *
 * Invariants: the add queue is first-in first-out and holds each info-hash once (adding the
 * same torrent twice in one drop shows it once); `seedRequest` is replaced, never mutated.
 */
import type { StateCreator } from 'zustand';
import type { OpenPathKind } from '../../src-shared/contract';
import type { TorrentPreview } from '../../src-shared/model';
import type { PickedFile } from '../features/add-and-seed/add-torrents';
import type { AppState } from './store';

export interface PendingAdd {
  /** The file it came from, for messages. */
  fileName: string;
  torrentFile: Uint8Array;
  preview: TorrentPreview;
  // --- magnets (issue 17) ---
  /** A magnet already in the list (paused, its metadata just arrived): Add finishes it. */
  magnetId?: string;
  // --- one file picker (issue 21) ---
  /** Picked in the host's file browser: the .torrent stays on the host, `torrentFile` is empty. */
  hostPath?: string;
}

export type SeedRequest =
  /** Ask the user to pick a file or a folder first. */
  | { kind: OpenPathKind; paths?: undefined }
  /** Seed these host paths (each its own torrent). */
  | { kind: 'paths'; paths: string[] }
  /** Dropped files that are not torrents: offer to upload them to the host and seed them. */
  | { kind: 'upload'; files: PickedFile[]; paths?: undefined };

export interface AddSeedSlice {
  addQueue: readonly PendingAdd[];
  seedRequest: SeedRequest | null;
  queueAdds(items: readonly PendingAdd[]): void;
  /** Drops the head of the queue (added or cancelled). */
  shiftAdd(): void;
  clearAdds(): void;
  requestSeed(request: SeedRequest): void;
  closeSeed(): void;
}

export function enqueueAdds(
  queue: readonly PendingAdd[],
  items: readonly PendingAdd[],
): readonly PendingAdd[] {
  const seen = new Set(queue.map((q) => q.preview.id));
  const next = [...queue];
  for (const item of items) {
    if (seen.has(item.preview.id)) continue;
    seen.add(item.preview.id);
    next.push(item);
  }
  return next;
}

export const createAddSeedSlice: StateCreator<AppState, [], [], AddSeedSlice> = (set) => ({
  addQueue: [],
  seedRequest: null,
  queueAdds: (items) => set((s) => ({ addQueue: enqueueAdds(s.addQueue, items) })),
  shiftAdd: () => set((s) => ({ addQueue: s.addQueue.slice(1) })),
  clearAdds: () => set({ addQueue: [] }),
  requestSeed: (seedRequest) => set({ seedRequest }),
  closeSeed: () => set({ seedRequest: null }),
});
