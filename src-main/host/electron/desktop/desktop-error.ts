/**
 * A failure inside desktop integration (opening a launch target, a tray action, the protocol
 * opt-in). It never stops the app: it is handed to the host's `reportError`, which logs it and
 * may show it.
 */
export type DesktopErrorCode =
  | 'open-failed'
  | 'pause-all-failed'
  | 'resume-all-failed'
  | 'protocol-refused'
  | 'tray-icon-missing';

export class DesktopError extends Error {
  readonly code: DesktopErrorCode;
  readonly operation: string;

  constructor(code: DesktopErrorCode, operation: string, cause?: unknown) {
    const detail = cause instanceof Error ? `: ${cause.message}` : '';
    super(`${operation} failed${detail}`, cause === undefined ? undefined : { cause });
    this.name = 'DesktopError';
    this.code = code;
    this.operation = operation;
  }
}

/**
 * Runs a host callback that may throw or reject, and turns either into a DesktopError for
 * `report`. Returns nothing: callers (menu clicks, OS events) have no one to return to.
 */
export function runReported(
  code: DesktopErrorCode,
  operation: string,
  action: () => unknown,
  report: (err: DesktopError) => void,
): void {
  let result: unknown;
  try {
    result = action();
  } catch (err) {
    report(new DesktopError(code, operation, err));
    return;
  }
  if (result instanceof Promise) {
    result.catch((err: unknown) => report(new DesktopError(code, operation, err)));
  }
}
