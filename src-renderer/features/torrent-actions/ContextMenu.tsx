/**
 * An accessible popup menu (issue 21): role="menu" with menuitem / menuitemcheckbox entries,
 * opened at a point (right-click, the menu key, Shift+F10) or under a button. Arrow keys,
 * Home/End and the first letter move; Enter or Space runs; Escape and Tab close; focus goes
 * back to where it was (the row or the button). Shortcuts show beside the labels.
 */
import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { ActionId, MenuEntry } from './action-items';

// --- column choice (issue 21): generic over the item ids, so the list header reuses it ---
type Entry<Id extends string> =
  | (Omit<Extract<MenuEntry, { kind: 'item' }>, 'id'> & { id: Id })
  | Extract<MenuEntry, { kind: 'separator' }>;

export interface ContextMenuProps<Id extends string = ActionId> {
  entries: Entry<Id>[];
  /** Viewport coordinates of the menu's top-left corner (moved inside the window if needed). */
  at: { x: number; y: number };
  label: string;
  onRun(id: Id): void;
  onClose(): void;
  /** Where focus returns on close; by default the element focused when the menu opened. */
  returnFocus?: HTMLElement | null;
  testId?: string; // --- issue 21
}

export function ContextMenu<Id extends string = ActionId>({
  entries,
  at,
  label,
  onRun,
  onClose,
  returnFocus,
  testId = 'torrent-menu',
}: ContextMenuProps<Id>) {
  const menu = useRef<HTMLUListElement>(null);
  const [pos, setPos] = useState(at);
  const enabled = entries.flatMap((e, i) => (e.kind === 'item' && !e.disabled ? [i] : []));
  const [active, setActive] = useState(enabled[0] ?? -1);
  const close = useRef(onClose);
  close.current = onClose;

  // Keep the menu on screen: flip it up or left when it would run past the window's edge.
  useLayoutEffect(() => {
    const el = menu.current;
    if (!el) return;
    const r = el.getBoundingClientRect();
    const x = Math.max(4, Math.min(at.x, window.innerWidth - r.width - 4));
    const y = Math.max(4, Math.min(at.y, window.innerHeight - r.height - 4));
    setPos({ x, y });
  }, [at.x, at.y]);

  useEffect(() => {
    const before = returnFocus ?? (document.activeElement as HTMLElement | null);
    const onPointer = (e: PointerEvent) => {
      if (!menu.current?.contains(e.target as Node)) close.current();
    };
    const onBlur = () => close.current();
    window.addEventListener('pointerdown', onPointer, true);
    window.addEventListener('blur', onBlur);
    window.addEventListener('resize', onBlur);
    return () => {
      window.removeEventListener('pointerdown', onPointer, true);
      window.removeEventListener('blur', onBlur);
      window.removeEventListener('resize', onBlur);
      before?.focus();
    };
  }, [returnFocus]);

  useEffect(() => {
    const el = menu.current?.querySelector<HTMLElement>(`[data-index="${active}"]`);
    (el ?? menu.current)?.focus();
  }, [active]);

  const move = (delta: number) => {
    if (enabled.length === 0) return;
    const at = enabled.indexOf(active);
    setActive(enabled[(at + delta + enabled.length) % enabled.length]!);
  };

  const onKeyDown = (e: KeyboardEvent) => {
    switch (e.key) {
      case 'ArrowDown':
        move(1);
        break;
      case 'ArrowUp':
        move(-1);
        break;
      case 'Home':
        setActive(enabled[0] ?? -1);
        break;
      case 'End':
        setActive(enabled[enabled.length - 1] ?? -1);
        break;
      case 'Escape':
      case 'Tab':
        onClose();
        break;
      case 'Enter':
      case ' ': {
        const entry = entries[active];
        if (entry?.kind === 'item' && !entry.disabled) onRun(entry.id);
        break;
      }
      default: {
        if (e.key.length !== 1) return;
        // Type-ahead: the next enabled item starting with that letter.
        const letter = e.key.toLowerCase();
        const from = enabled.indexOf(active);
        for (let k = 1; k <= enabled.length; k++) {
          const i = enabled[(from + k) % enabled.length]!;
          const entry = entries[i];
          if (entry?.kind === 'item' && entry.label.toLowerCase().startsWith(letter)) {
            setActive(i);
            break;
          }
        }
      }
    }
    e.preventDefault();
    e.stopPropagation();
  };

  return (
    <ul
      ref={menu}
      className="context-menu"
      role="menu"
      aria-label={label}
      tabIndex={-1}
      style={{ left: pos.x, top: pos.y }}
      onKeyDown={onKeyDown}
      onContextMenu={(e) => e.preventDefault()}
      data-testid={testId}
    >
      {entries.map((e, i) =>
        e.kind === 'separator' ? (
          <li key={e.key} role="separator" className="context-menu-separator" />
        ) : (
          <li
            key={e.id}
            role={e.checked === undefined ? 'menuitem' : 'menuitemcheckbox'}
            aria-checked={e.checked}
            aria-disabled={e.disabled || undefined}
            aria-keyshortcuts={e.shortcut ? ariaShortcut(e.shortcut) : undefined}
            tabIndex={i === active ? 0 : -1}
            data-index={i}
            data-action={e.id}
            className="context-menu-item"
            onPointerEnter={() => !e.disabled && setActive(i)}
            onClick={() => !e.disabled && onRun(e.id)}
          >
            <span className="context-menu-check" aria-hidden="true">
              {e.checked ? '✓' : ''}
            </span>
            <span className="context-menu-label">{e.label}</span>
            {e.shortcut && (
              <kbd className="context-menu-shortcut" aria-hidden="true">
                {e.shortcut}
              </kbd>
            )}
          </li>
        ),
      )}
    </ul>
  );
}

/** "Alt+↑" as aria-keyshortcuts wants it ("Alt+ArrowUp"). */
function ariaShortcut(shown: string): string {
  return shown.replace('↑', 'ArrowUp').replace('↓', 'ArrowDown');
}
