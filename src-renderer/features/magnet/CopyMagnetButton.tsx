/**
 * "Copy magnet link" for any torrent (issue 17): the link comes with the torrent's summary (a
 * magnet's own link while its metadata is fetched), so no command is needed.
 */
import { useStore } from '../../store/store';
import { copyToClipboard } from '../add-and-seed/CopyField';

export function CopyMagnetButton({ id }: { id: string }) {
  const magnet = useStore((s) => s.torrents.get(id)?.magnet);
  const pushToast = useStore((s) => s.pushToast);
  if (!magnet) return null;
  return (
    <button
      type="button"
      className="button button-small"
      data-testid="copy-magnet"
      onClick={() =>
        void copyToClipboard(magnet).then((outcome) =>
          pushToast(
            outcome === 'copied'
              ? { level: 'info', title: 'Magnet link copied', message: '' }
              : { level: 'error', title: 'Could not copy the magnet link', message: magnet },
          ),
        )
      }
    >
      Copy magnet link
    </button>
  );
}
