/**
 * Every keyboard shortcut of the app, for the list `?` opens (issue 21: shortcuts are
 * discoverable). The handlers live where they act (AppCommands, TorrentList, DetailPanel,
 * Modal); this is their one written list. Pure; unit-tested.
 */
export interface Shortcut {
  keys: string[];
  action: string;
}

export interface ShortcutGroup {
  title: string;
  shortcuts: Shortcut[];
}

export function shortcutGroups(mac: boolean): ShortcutGroup[] {
  const mod = mac ? '⌘' : 'Ctrl';
  return [
    {
      title: 'Anywhere',
      shortcuts: [
        { keys: [mod, 'O'], action: 'Open a .torrent file' },
        { keys: [mod, 'N'], action: 'Seed a file (desktop app)' },
        { keys: [mod, 'Shift', 'N'], action: 'Seed a folder (desktop app)' },
        { keys: [mod, ','], action: 'Settings' },
        { keys: [mod, 'V'], action: 'Add a magnet link from the clipboard' },
        { keys: ['?'], action: 'This list of shortcuts' },
      ],
    },
    {
      title: 'Torrent list',
      shortcuts: [
        { keys: ['↑', '↓'], action: 'Move the selection' },
        { keys: ['Shift', '↑ / ↓'], action: 'Extend the selection' },
        { keys: ['Page Up', 'Page Down'], action: 'Move a page' },
        { keys: ['Home', 'End'], action: 'First or last torrent' },
        { keys: [mod, 'A'], action: 'Select all' },
        { keys: ['Space'], action: 'Pause or resume' },
        { keys: ['Delete'], action: 'Remove…' },
        { keys: ['Esc'], action: 'Clear the selection, or the search' },
      ],
    },
    {
      title: 'Details and dialogs',
      shortcuts: [
        { keys: ['←', '→'], action: 'Previous or next tab' },
        { keys: ['↑', '↓'], action: 'Resize the details (on the divider)' },
        { keys: ['Tab', 'Shift+Tab'], action: 'Move between controls' },
        { keys: ['Esc'], action: 'Close the dialog' },
      ],
    },
  ];
}

/** True when `?` should open the list: not while typing into a field. Pure. */
export function opensShortcutList(
  e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey'>,
  target: { tagName?: string; isContentEditable?: boolean } | null,
): boolean {
  if (e.key !== '?' || e.ctrlKey || e.metaKey || e.altKey) return false;
  const tag = target?.tagName?.toUpperCase();
  if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT') return false;
  return !(target?.isContentEditable ?? false);
}
