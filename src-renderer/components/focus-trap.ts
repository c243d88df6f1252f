/**
 * The one focus trap every dialog uses (issue 19: dialogs trap focus): focus moves in on open
 * and back to the opener on close, Tab and Shift+Tab cycle inside, Escape closes. Traps stack
 * (the host file browser opens over the seed dialog); only the topmost answers keys.
 */
import { useEffect, useRef, type RefObject } from 'react';

/** What can take focus by Tab, native controls and disclosure summaries included. */
export const focusableSelector = [
  'a[href]',
  'button:not([disabled])',
  'input:not([disabled]):not([type="hidden"])',
  'select:not([disabled])',
  'textarea:not([disabled])',
  'summary',
  '[contenteditable="true"]',
  '[tabindex]:not([tabindex="-1"])',
].join(', ');

/**
 * Where Tab (or Shift+Tab) goes from `active` among `items` in order: wraps at either end, and
 * pulls focus back in when it is outside. null means let the browser move it. Pure.
 */
export function nextTabStop<T>(items: readonly T[], active: T | null, shift: boolean): T | null {
  if (items.length === 0) return null;
  const first = items[0]!;
  const last = items[items.length - 1]!;
  const at = active === null ? -1 : items.indexOf(active);
  if (at === -1) return shift ? last : first;
  if (shift && at === 0) return last;
  if (!shift && at === items.length - 1) return first;
  return null;
}

/** Tab stops inside `root` that are shown (not display:none, not inside a closed <details>). */
export function tabStops(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(focusableSelector)].filter((el) => {
    if (el.getClientRects().length === 0) return false;
    const closed = el.closest('details:not([open])');
    return !closed || el.matches('details:not([open]) > summary');
  });
}

const stack: symbol[] = [];

/**
 * Traps focus in `ref` while mounted. `initial` picks what takes focus first (else the first
 * `[data-autofocus]`, else the first tab stop, else the container itself).
 */
export function useFocusTrap(
  ref: RefObject<HTMLElement | null>,
  onEscape: () => void,
  initial?: () => HTMLElement | null | undefined,
): void {
  const escape = useRef(onEscape);
  escape.current = onEscape;
  const pickInitial = useRef(initial);
  pickInitial.current = initial;

  useEffect(() => {
    const me = Symbol('focus-trap');
    stack.push(me);
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const root = ref.current;
    if (root) {
      const first =
        pickInitial.current?.() ??
        root.querySelector<HTMLElement>('[data-autofocus]') ??
        tabStops(root)[0];
      (first ?? root).focus();
    }
    const onKey = (e: KeyboardEvent) => {
      if (stack[stack.length - 1] !== me || !root) return;
      if (e.key === 'Escape') {
        e.preventDefault();
        escape.current();
      } else if (e.key === 'Tab') {
        const active =
          document.activeElement instanceof HTMLElement ? document.activeElement : null;
        const items = tabStops(root);
        const inside = active !== null && items.includes(active) ? active : null;
        const target = nextTabStop(items, inside, e.shiftKey);
        if (target) {
          e.preventDefault();
          target.focus();
        }
      }
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
      stack.splice(stack.indexOf(me), 1);
      // Back to what opened it, when that is still on the page, unless focus already went
      // somewhere else outside the dialog (a native <dialog> gives it back by itself).
      const now = document.activeElement;
      const lost = now === null || now === document.body || (root?.contains(now) ?? false);
      if (lost && opener?.isConnected) opener.focus();
    };
  }, [ref]);
}
