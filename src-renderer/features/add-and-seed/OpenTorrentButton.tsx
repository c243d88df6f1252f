import { useRef } from 'react';
import { getClient } from '../../api/client';
import { useStore } from '../../store/store';
import { addTorrentFiles } from './add-torrents';

/** "Open torrent…": a button in front of a hidden file input. */
export function OpenTorrentButton({ primary = true }: { primary?: boolean }) {
  const input = useRef<HTMLInputElement>(null);
  const pushToast = useStore((s) => s.pushToast);
  return (
    <>
      <button
        type="button"
        className={primary ? 'button button-primary' : 'button'}
        onClick={() => input.current?.click()}
      >
        Open torrent…
      </button>
      <input
        ref={input}
        type="file"
        accept=".torrent,application/x-bittorrent"
        multiple
        hidden
        data-testid="open-torrent-input"
        onChange={(e) => {
          const files = [...(e.currentTarget.files ?? [])];
          e.currentTarget.value = '';
          void addTorrentFiles(getClient(), files, pushToast);
        }}
      />
    </>
  );
}
