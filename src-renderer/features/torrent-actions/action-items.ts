/**
 * What the torrent menu offers (issue 21): one list for the context menu and the toolbar's
 * "More actions" menu, built from the selection. Pure, so which items show, which are
 * disabled and which shortcuts they name is unit-tested without a browser.
 *
 * Multi-select: pause, resume, force start, reannounce, verify, limits, the pick order, the
 * queue moves, copy info-hash and remove act on every selected torrent; the others need one.
 */
import type { TorrentSummary } from '../../../src-shared/model';

export type ActionId =
  | 'resume'
  | 'pause'
  | 'force-start'
  | 'reannounce'
  | 'add-peer'
  | 'edit-trackers'
  | 'verify'
  | 'move-storage'
  | 'open-file'
  | 'show-in-folder'
  | 'copy-magnet'
  | 'copy-hash'
  | 'save-torrent'
  | 'limits'
  | 'sequential'
  | 'first-last'
  | 'queue-top'
  | 'queue-up'
  | 'queue-down'
  | 'queue-bottom'
  | 'remove';

export interface ActionItem {
  kind: 'item';
  id: ActionId;
  label: string;
  /** As shown in the menu, e.g. "Space" or "Alt+↑". */
  shortcut?: string;
  disabled: boolean;
  /** A checkbox item (menuitemcheckbox): its state. */
  checked?: boolean;
}

export type MenuEntry = ActionItem | { kind: 'separator'; key: string };

export interface MenuContext {
  /** The desktop app: Open file and Show in folder use the system shell. */
  desktop: boolean;
}

/** Keyboard shortcuts on the torrent list, as the menu shows them. */
export const actionShortcuts: Partial<Record<ActionId, string>> = {
  resume: 'Space',
  pause: 'Space',
  'queue-top': 'Alt+Home',
  'queue-up': 'Alt+↑',
  'queue-down': 'Alt+↓',
  'queue-bottom': 'Alt+End',
  remove: 'Delete',
};

const isMagnet = (t: TorrentSummary): boolean => t.state === 'fetching-metadata';

export function menuEntries(selected: readonly TorrentSummary[], ctx: MenuContext): MenuEntry[] {
  const one = selected.length === 1 ? selected[0]! : null;
  const none = selected.length === 0;
  const allMagnets = !none && selected.every(isMagnet);
  const item = (id: ActionId, label: string, disabled: boolean, checked?: boolean): ActionItem => ({
    kind: 'item',
    id,
    label,
    shortcut: actionShortcuts[id],
    disabled,
    ...(checked === undefined ? {} : { checked }),
  });
  const sep = (key: string): MenuEntry => ({ kind: 'separator', key });
  const canResume = selected.some(
    (t) => t.state === 'paused' || t.state === 'error' || t.state === 'queued',
  );
  const canPause = selected.some((t) => t.state !== 'paused' && t.state !== 'error');
  const sequential = !none && selected.every((t) => t.actions?.sequential === true);
  const firstLast = !none && selected.every((t) => t.actions?.firstLast === true);
  const forced = !none && selected.every((t) => t.actions?.forced === true);
  const entries: MenuEntry[] = [
    item('resume', 'Resume', !canResume),
    item('pause', 'Pause', !canPause),
    item('force-start', 'Force start', none || forced || allMagnets),
    sep('s1'),
    item('reannounce', 'Reannounce now', none),
    item('add-peer', 'Add peer…', one === null),
    item('edit-trackers', 'Edit trackers…', one === null || isMagnet(one)),
    item('verify', 'Verify local data', none || allMagnets),
    item('move-storage', 'Move storage…', one === null || isMagnet(one)),
  ];
  if (ctx.desktop) {
    entries.push(
      sep('s2'),
      item('open-file', 'Open', one === null || isMagnet(one)),
      item('show-in-folder', 'Show in folder', one === null || isMagnet(one)),
    );
  }
  entries.push(
    sep('s3'),
    item('copy-magnet', 'Copy magnet link', one === null || !one.magnet),
    item('copy-hash', selected.length > 1 ? 'Copy info-hashes' : 'Copy info-hash', none),
    item('save-torrent', 'Save .torrent…', one === null || isMagnet(one)),
    sep('s4'),
    item('limits', 'Limits…', none || allMagnets),
    item('sequential', 'Download in sequential order', none || allMagnets, sequential),
    item('first-last', 'First and last pieces first', none || allMagnets, firstLast),
    sep('s5'),
    item('queue-top', 'Move to top of queue', none),
    item('queue-up', 'Move up in queue', none),
    item('queue-down', 'Move down in queue', none),
    item('queue-bottom', 'Move to bottom of queue', none),
    sep('s6'),
    item('remove', 'Remove…', none),
  );
  return entries;
}

export type QueueAction = 'queue-top' | 'queue-up' | 'queue-down' | 'queue-bottom';

/**
 * The list's own shortcuts for menu actions (besides Space and Delete, which the list handles):
 * the queue moves. Returns the action for a key press, or null.
 */
export function shortcutAction(e: {
  key: string;
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
}): QueueAction | null {
  if (!e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return null;
  switch (e.key) {
    case 'Home':
      return 'queue-top';
    case 'ArrowUp':
      return 'queue-up';
    case 'ArrowDown':
      return 'queue-down';
    case 'End':
      return 'queue-bottom';
    default:
      return null;
  }
}

/** The menu key or Shift+F10 opens the context menu on the focused row. */
export function opensContextMenu(e: { key: string; shiftKey: boolean }): boolean {
  return e.key === 'ContextMenu' || (e.key === 'F10' && e.shiftKey);
}
