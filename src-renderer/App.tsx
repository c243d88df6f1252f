import { Toasts } from './components/Toasts';
import { AddTorrentDialog } from './features/add-and-seed/AddTorrentDialog';
import { AppCommands, SeedButtons } from './features/add-and-seed/AppCommands';
import { DropOverlay } from './features/add-and-seed/DropOverlay';
import { OpenTorrentButton, TorrentFilePicker } from './features/add-and-seed/OpenTorrentButton';
import { SeedDialog } from './features/add-and-seed/SeedDialog';
import { SettingsButton } from './features/settings/SettingsButton';
import { SettingsDialog } from './features/settings/SettingsDialog';
import { StatusBar } from './features/status-bar/StatusBar';
import { TrackerButton } from './features/tracker-server/TrackerButton';
import { TrackerView } from './features/tracker-server/TrackerView'; // --- tracker view (issue 21)
import { Workspace } from './features/torrent-list/Workspace';
import { AddMagnetButton } from './features/magnet/AddMagnetButton';
import { MagnetIntake } from './features/magnet/MagnetIntake';
// --- swarm lab (issue 19) ---
import { LabButton } from './features/lab/LabButton';
import { LabPanel } from './features/lab/LabView';
import { NewLabDialog } from './features/lab/NewLabDialog';
import { ShortcutsDialog } from './features/shortcuts/ShortcutsDialog';

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
          <AddMagnetButton />
          <SeedButtons />
          <span className="toolbar-gap" />
          <LabButton />
          <TrackerButton />
          <SettingsButton />
        </div>
      </header>
      <main className="content">
        <LabPanel />
        <TrackerView />
        <Workspace />
      </main>
      <StatusBar />
      <TorrentFilePicker />
      <DropOverlay />
      <AddTorrentDialog />
      <SeedDialog />
      <SettingsDialog />
      <AppCommands />
      <MagnetIntake />
      <NewLabDialog />
      <Toasts />
      <ShortcutsDialog />
    </div>
  );
}
