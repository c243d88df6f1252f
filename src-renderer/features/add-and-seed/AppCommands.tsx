/**
 * One place for the actions every entry point shares: the keyboard shortcuts (Ctrl/Cmd+O open a
 * torrent, Ctrl/Cmd+N seed a file, Ctrl/Cmd+Shift+N seed a folder, Ctrl/Cmd+, settings) and the
 * desktop menu's `ui.command` events (which api/event-router.ts hands to `runMenuCommand`).
 * `AppCommands` renders nothing; mounted once by the app.
 *
 * Browsers keep Ctrl+N for a new window (pages cannot take it); the toolbar buttons and the
 * desktop app's menu cover it there.
 */
import { useEffect } from 'react';
import type { UiCommand } from '../../../src-shared/contract';
import { useStore } from '../../store/store';
import { openTorrentPicker } from './OpenTorrentButton';

export function runUiCommand(command: UiCommand): void {
  const s = useStore.getState();
  switch (command) {
    case 'open-torrent':
      openTorrentPicker();
      return;
    case 'seed-file':
      s.requestSeed({ kind: 'file' });
      return;
    case 'seed-folder':
      s.requestSeed({ kind: 'folder' });
      return;
    case 'settings':
      s.openSettings();
      return;
    case 'tracker-panel':
      s.openTrackerPanel();
      return;
  }
}

/** True while a dialog is up: shortcuts then belong to it. */
function dialogOpen(): boolean {
  const s = useStore.getState();
  // The Tracker view is a view, not a dialog (issue 21).
  return s.addQueue.length > 0 || s.seedRequest !== null || s.settingsOpen;
}

/** A desktop menu command: ignored while a dialog is up, like the shortcuts. */
export function runMenuCommand(command: UiCommand): void {
  if (!dialogOpen()) runUiCommand(command);
}

export function shortcutFor(
  e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>,
): UiCommand | null {
  if (!(e.ctrlKey || e.metaKey) || e.altKey) return null;
  const key = e.key.toLowerCase();
  if (key === 'o' && !e.shiftKey) return 'open-torrent';
  if (key === 'n') return e.shiftKey ? 'seed-folder' : 'seed-file';
  if (key === ',') return 'settings';
  return null;
}

export function AppCommands() {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const command = shortcutFor(e);
      if (!command || dialogOpen()) return;
      e.preventDefault();
      runUiCommand(command);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  return null;
}

export function SeedButtons() {
  const requestSeed = useStore((s) => s.requestSeed);
  return (
    <>
      <button
        type="button"
        className="button"
        onClick={() => requestSeed({ kind: 'file' })}
        title="Create a torrent from a file and seed it (Ctrl+N)"
      >
        Seed a file…
      </button>
      <button
        type="button"
        className="button"
        onClick={() => requestSeed({ kind: 'folder' })}
        title="Create a torrent from a folder and seed it (Ctrl+Shift+N)"
      >
        Seed a folder…
      </button>
    </>
  );
}
