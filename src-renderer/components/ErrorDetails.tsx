/**
 * The technical half of an error text (issue 19): closed by default behind "Details", so a
 * person reads one sentence and a bug report can still quote the host's exact words.
 */
import './error-details.css';

export function ErrorDetails({ detail }: { detail: string | undefined }) {
  if (!detail) return null;
  return (
    <details className="error-details">
      <summary>Details</summary>
      <div className="error-details-text mono">{detail}</div>
    </details>
  );
}

/** A sentence with its details, for dialogs' inline errors. */
export function ErrorNotice({
  error,
  className = 'form-error',
}: {
  error: { message: string; detail?: string } | null;
  className?: string;
}) {
  if (!error) return null;
  return (
    <div className={className} role="alert">
      <div>{error.message}</div>
      <ErrorDetails detail={error.detail} />
    </div>
  );
}
