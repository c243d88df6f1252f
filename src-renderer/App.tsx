import { Toasts } from './components/Toasts';
import { DropOverlay } from './features/add-and-seed/DropOverlay';
import { OpenTorrentButton, TorrentFilePicker } from './features/add-and-seed/OpenTorrentButton';
import { StatusBar } from './features/status-bar/StatusBar';
import { Workspace } from './features/torrent-list/Workspace';

export function App() {
  return (
    <div className="app">
      <header className="toolbar">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          Swarmscope
        </div>
        <div className="toolbar-actions">
          <OpenTorrentButton />
        </div>
      </header>
      <main className="content">
        <Workspace />
      </main>
      <StatusBar />
      <TorrentFilePicker />
      <DropOverlay />
      <Toasts />
    </div>
  );
}
