import { useEffect, useRef, useState, type RefObject } from 'react';
import { getClient } from '../../api/client';
import { useStore } from '../../store/store';
import { FileBrowser } from '../file-browser/FileBrowser';
import { inspectTorrentPath, isTorrentFile } from './add-torrents';
import { takeFiles } from './intake';

/** The one hidden file input of the window; every "Open torrent…" button opens it. */
let pickerInput: HTMLInputElement | null = null;
// --- one file picker (issue 21) ---
/**
 * On the web host, "Open torrent…" opens the host's file browser, the picker "Seed a file…"
 * uses: it is the one that sees the files of the machine running Swarmscope (where the engine
 * reads them), and its "From this computer…" button still uploads one from the browser's side.
 * The desktop keeps the system's open dialog for both.
 */
let showHostBrowser: ((open: boolean) => void) | null = null;

export function openTorrentPicker(): void {
  if (getClient().transport !== 'electron' && showHostBrowser) showHostBrowser(true);
  else pickerInput?.click();
}

/** Rendered once by the app: the hidden input behind "Open torrent…". */
export function TorrentFilePicker() {
  const input = useRef<HTMLInputElement>(null);
  const [browsing, setBrowsing] = useState(false); // --- issue 21
  useEffect(() => {
    pickerInput = input.current;
    showHostBrowser = setBrowsing;
    return () => {
      pickerInput = null;
      showHostBrowser = null;
    };
  }, []);
  const pickOnHost = async (path: string) => {
    setBrowsing(false);
    const store = useStore.getState();
    const pending = await inspectTorrentPath(getClient(), path, store.pushToast);
    if (pending) useStore.getState().queueAdds([pending]);
  };
  return (
    <>
      {browsing && (
        <FileBrowser
          mode="file"
          title="Open a .torrent file on the host"
          accept={(name) => isTorrentFile({ name, type: '' })}
          onPick={(path) => void pickOnHost(path)}
          onClose={() => setBrowsing(false)}
          onUpload={() => {
            setBrowsing(false);
            input.current?.click();
          }}
        />
      )}
      <TorrentFileInput input={input} />
    </>
  );
}

function TorrentFileInput({ input }: { input: RefObject<HTMLInputElement | null> }) {
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
