import { useStore } from '../../store/store';

export function SettingsButton() {
  const openSettings = useStore((s) => s.openSettings);
  return (
    <button type="button" className="button" onClick={openSettings} title="Settings (Ctrl+,)">
      Settings
    </button>
  );
}
