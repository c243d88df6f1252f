import { useEffect, useRef } from 'react';
import { takeFiles } from './intake';

/** The one hidden file input of the window; every "Open torrent…" button opens it. */
let pickerInput: HTMLInputElement | null = null;

export function openTorrentPicker(): void {
  pickerInput?.click();
}

/** Rendered once by the app: the hidden input behind "Open torrent…". */
export function TorrentFilePicker() {
  const input = useRef<HTMLInputElement>(null);
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
        void takeFiles(files.map((file) => ({ file, isDirectory: false })));
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
      title="Open a .torrent file (Ctrl+O)"
    >
      Open torrent…
    </button>
  );
}
