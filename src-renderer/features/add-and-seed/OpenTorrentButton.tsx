import { useEffect, useRef } from 'react';
import { getClient } from '../../api/client';
import { useStore } from '../../store/store';
import { addTorrentFiles } from './add-torrents';

/** The one hidden file input of the window; every "Open torrent…" button opens it. */
let pickerInput: HTMLInputElement | null = null;

export function openTorrentPicker(): void {
  pickerInput?.click();
}

/** Rendered once by the app: the hidden input behind "Open torrent…". */
export function TorrentFilePicker() {
  const input = useRef<HTMLInputElement>(null);
  const pushToast = useStore((s) => s.pushToast);
  useEffect(() => {
    pickerInput = input.current;
    return () => {
      pickerInput = null;
    };
  }, []);
  return (
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
  );
}

export function OpenTorrentButton({ primary = true }: { primary?: boolean }) {
  return (
    <button
      type="button"
      className={primary ? 'button button-primary' : 'button'}
      onClick={openTorrentPicker}
    >
      Open torrent…
    </button>
  );
}
