import type { ErrorCode } from '../../../src-shared/model';
import { ErrorDetails } from '../../components/ErrorDetails';
import { torrentErrorText } from '../../lib/error-text';

/** A torrent's error in the detail header: a sentence, the engine's words behind Details. */
export function TorrentErrorLine({
  error,
  code,
}: {
  error: string;
  code: ErrorCode | null | undefined;
}) {
  const text = torrentErrorText(error, code);
  return (
    <span className="detail-error" role="alert" data-testid="torrent-error">
      {text.message}
      <ErrorDetails detail={text.detail} />
    </span>
  );
}
