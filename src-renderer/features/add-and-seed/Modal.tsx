/**
 * A modal dialog for the add, seed, settings and tracker screens: labelled, focus moved in on
 * open and given back on close, Tab kept inside, Escape closes. Modals stack (the host file
 * browser opens over the seed dialog); only the topmost one answers keys.
 */
import { useId, useRef, type ReactNode } from 'react';
import { tabStops, useFocusTrap } from '../../components/focus-trap';
import './dialogs.css';

export interface ModalProps {
  title: ReactNode;
  /** A line under the title. */
  subtitle?: ReactNode;
  onClose(): void;
  children: ReactNode;
  footer?: ReactNode;
  size?: 'normal' | 'wide';
  testId?: string;
  /**
   * For a body with no controls of its own (a list to read): it can then be scrolled by
   * keyboard (axe: scrollable regions are focusable).
   */
  readOnlyBody?: boolean;
}

export function Modal({
  title,
  subtitle,
  onClose,
  children,
  footer,
  size,
  testId,
  readOnlyBody,
}: ModalProps) {
  const dialog = useRef<HTMLDivElement>(null);
  const titleId = useId();
  // The shared trap (components/focus-trap.ts); first focus goes into the body, not on Close.
  useFocusTrap(dialog, onClose, () => {
    const root = dialog.current;
    const body = root?.querySelector<HTMLElement>('.modal-body');
    return (
      root?.querySelector<HTMLElement>('[data-autofocus]') ?? (body ? tabStops(body)[0] : null)
    );
  });

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
        <div
          className="modal-body"
          tabIndex={readOnlyBody ? 0 : undefined}
          role={readOnlyBody ? 'region' : undefined}
          aria-label={readOnlyBody ? 'Contents' : undefined}
        >
          {children}
        </div>
        {footer && <footer className="modal-footer">{footer}</footer>}
      </div>
    </div>
  );
}
