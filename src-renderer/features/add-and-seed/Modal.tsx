/**
 * A modal dialog for the add, seed, settings and tracker screens: labelled, focus moved in on
 * open and given back on close, Tab kept inside, Escape closes. Modals stack (the host file
 * browser opens over the seed dialog); only the topmost one answers keys.
 */
import { useEffect, useId, useRef, type ReactNode } from 'react';
import './dialogs.css';

const stack: symbol[] = [];

const focusable =
  'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

export interface ModalProps {
  title: ReactNode;
  /** A line under the title. */
  subtitle?: ReactNode;
  onClose(): void;
  children: ReactNode;
  footer?: ReactNode;
  size?: 'normal' | 'wide';
  testId?: string;
}

export function Modal({ title, subtitle, onClose, children, footer, size, testId }: ModalProps) {
  const dialog = useRef<HTMLDivElement>(null);
  const titleId = useId();
  const close = useRef(onClose);
  close.current = onClose;

  useEffect(() => {
    const me = Symbol('modal');
    stack.push(me);
    const before = document.activeElement as HTMLElement | null;
    const root = dialog.current;
    const first =
      root?.querySelector<HTMLElement>('[data-autofocus]') ??
      root?.querySelector('.modal-body')?.querySelector<HTMLElement>(focusable);
    (first ?? root)?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (stack[stack.length - 1] !== me || !root) return;
      if (e.key === 'Escape') {
        e.preventDefault();
        close.current();
      } else if (e.key === 'Tab') {
        const items = [...root.querySelectorAll<HTMLElement>(focusable)];
        if (items.length === 0) return;
        const firstItem = items[0]!;
        const lastItem = items[items.length - 1]!;
        if (e.shiftKey && document.activeElement === firstItem) {
          e.preventDefault();
          lastItem.focus();
        } else if (!e.shiftKey && document.activeElement === lastItem) {
          e.preventDefault();
          firstItem.focus();
        } else if (!root.contains(document.activeElement)) {
          e.preventDefault();
          firstItem.focus();
        }
      }
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
      stack.splice(stack.indexOf(me), 1);
      before?.focus();
    };
  }, []);

  return (
    <div className="modal-backdrop">
      <div
        ref={dialog}
        className="modal"
        data-size={size ?? 'normal'}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        tabIndex={-1}
        data-testid={testId}
      >
        <header className="modal-header">
          <div className="modal-heading">
            <h2 id={titleId}>{title}</h2>
            {subtitle && <div className="modal-subtitle">{subtitle}</div>}
          </div>
          <button type="button" className="icon-button" aria-label="Close" onClick={onClose}>
            ×
          </button>
        </header>
        <div className="modal-body">{children}</div>
        {footer && <footer className="modal-footer">{footer}</footer>}
      </div>
    </div>
  );
}
