/**
 * Settings (issue 6): download folder, listen port, rate limits, connection limits, log level,
 * and the embedded tracker (on/off, HTTP/UDP and their ports, host, allow-list or open mode)
 * with its live status. The host persists everything in the user-data folder.
 */
import { useEffect, useState } from 'react';
import type { Settings } from '../../../src-shared/model';
import { getClient } from '../../api/client';
import { errorText } from '../../lib/error-text';
import { useStore } from '../../store/store';
import { Modal } from '../add-and-seed/Modal';
import { usePathPicker } from '../file-browser/use-path-picker';
import {
  toForm,
  toPatch,
  trackerAction,
  type FormErrors,
  type SettingsForm,
} from './settings-form';
import { NumberField } from './NumberField';
import { TrackerSection } from './TrackerSection';
import { DhtSection } from './DhtSection';
import { PortMappingSection } from './PortMappingSection'; // --- port mapping (issue 18)
import { QueueSection } from '../torrent-actions/QueueSection'; // --- issue 21
import { ConnectionSection } from './ConnectionSection'; // --- listen interface (issues 18, 21)
import { AltSpeedSection } from './AltSpeedSection'; // --- alternative speed limits (issue 21)
import { LabelFoldersSection } from '../labels/LabelFoldersSection'; // --- labels (issue 21)
import './settings.css';

function SettingsEditor({ settings }: { settings: Settings }) {
  const setSettings = useStore((s) => s.setSettings);
  const closeSettings = useStore((s) => s.closeSettings);
  const pushToast = useStore((s) => s.pushToast);
  const tracker = useStore((s) => s.tracker);
  const applyTrackerStats = useStore((s) => s.applyTrackerStats);
  const setTrackerError = useStore((s) => s.setTrackerError);
  const [form, setForm] = useState<SettingsForm>(() => toForm(settings));
  const [errors, setErrors] = useState<FormErrors>({});
  const [saving, setSaving] = useState(false);
  const { pick, browser } = usePathPicker();
  const set = <K extends keyof SettingsForm>(key: K, value: SettingsForm[K]) =>
    setForm((f) => ({ ...f, [key]: value }));

  const save = async () => {
    const out = toPatch(form, settings);
    if (out.errors) {
      setErrors(out.errors);
      return;
    }
    setErrors({});
    setSaving(true);
    try {
      const client = getClient();
      const next = await client.invoke('settings.set', out.patch);
      setSettings(next);
      // The tracker switch acts here, with the rest (issue 21); a running tracker picks up new
      // ports, host or mode only when it starts again.
      const action = trackerAction(form.trackerEnabled, tracker?.running ?? false, out.patch);
      if (action !== null) {
        try {
          const stats = await client.invoke(
            action === 'stop' ? 'tracker.stop' : 'tracker.start',
            {},
          );
          applyTrackerStats(stats);
          setTrackerError(null);
          setSettings(await client.invoke('settings.get', {}));
        } catch (err) {
          // The settings are saved; the tracker is not running: say so and stay open.
          const text = errorText(err);
          setTrackerError(text.detail ?? text.message);
          pushToast({
            level: 'error',
            title: 'Settings saved, but the tracker did not start',
            ...text,
          });
          return;
        }
      }
      pushToast({ level: 'info', title: 'Settings saved', message: '' });
      closeSettings();
    } catch (err) {
      pushToast({
        level: 'error',
        title: 'Could not save settings',
        ...errorText(err),
      });
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      title="Settings"
      onClose={closeSettings}
      size="wide"
      testId="settings"
      footer={
        <>
          <span className="footer-note">Saved on this computer; they survive a restart.</span>
          <button type="button" className="button" onClick={closeSettings}>
            Cancel
          </button>
          <button
            type="button"
            className="button button-primary"
            disabled={saving}
            onClick={() => void save()}
          >
            Save
          </button>
        </>
      }
    >
      <div className="settings-grid">
        <section className="settings-section" aria-labelledby="set-transfers">
          <h3 id="set-transfers">Transfers</h3>
          <div className="field">
            <label className="field-label" htmlFor="set-download-dir">
              Download folder
            </label>
            <div className="field-row">
              <input
                id="set-download-dir"
                className="input mono"
                value={form.downloadDir}
                spellCheck={false}
                onChange={(e) => set('downloadDir', e.target.value)}
              />
              <button
                type="button"
                className="button"
                onClick={() =>
                  void pick('folder', form.downloadDir || undefined).then(
                    (p) => p && set('downloadDir', p),
                  )
                }
              >
                Browse…
              </button>
            </div>
            {errors.downloadDir && <div className="form-error">{errors.downloadDir}</div>}
          </div>
          <div className="field-grid">
            {/* The listen port moved to the Connection section (issues 18, 21). */}
            <div className="field">
              <label className="field-label" htmlFor="set-log-level">
                Log level
              </label>
              <select
                id="set-log-level"
                className="input"
                value={form.logLevel}
                onChange={(e) => set('logLevel', e.target.value as SettingsForm['logLevel'])}
              >
                <option value="error">Errors</option>
                <option value="warn">Warnings</option>
                <option value="info">Info</option>
                <option value="debug">Debug</option>
              </select>
            </div>
            {/* --- encryption, MSE/PE (issue 18) --- */}
            <div className="field">
              <label className="field-label" htmlFor="set-encryption">
                Encryption
              </label>
              <select
                id="set-encryption"
                className="input"
                value={form.encryption}
                title="Message Stream Encryption (MSE/PE); applies to new connections"
                onChange={(e) => set('encryption', e.target.value as SettingsForm['encryption'])}
              >
                <option value="prefer">Prefer encrypted</option>
                <option value="require">Require encrypted</option>
                <option value="disable">Plaintext only</option>
              </select>
            </div>
            <NumberField
              id="set-down-limit"
              label="Download limit"
              unit="KiB/s"
              value={form.downloadLimitKiB}
              error={errors.downloadLimitKiB}
              hint="0 = unlimited"
              onChange={(v) => set('downloadLimitKiB', v)}
            />
            <NumberField
              id="set-up-limit"
              label="Upload limit"
              unit="KiB/s"
              value={form.uploadLimitKiB}
              error={errors.uploadLimitKiB}
              hint="0 = unlimited"
              onChange={(v) => set('uploadLimitKiB', v)}
            />
            <NumberField
              id="set-max-conn"
              label="Connections"
              value={form.maxConnections}
              error={errors.maxConnections}
              hint="In total"
              onChange={(v) => set('maxConnections', v)}
            />
            <NumberField
              id="set-max-conn-torrent"
              label="Per torrent"
              value={form.maxConnectionsPerTorrent}
              error={errors.maxConnectionsPerTorrent}
              hint="Connections per torrent"
              onChange={(v) => set('maxConnectionsPerTorrent', v)}
            />
            {/* --- a thousand torrents (issue 20) --- */}
            <NumberField
              id="set-max-announces"
              label="Tracker announces"
              value={form.maxConcurrentAnnounces}
              error={errors.maxConcurrentAnnounces}
              hint="At once, across all torrents"
              onChange={(v) => set('maxConcurrentAnnounces', v)}
            />
            {/* --- uTP (issue 18) --- */}
            <div className="field">
              <label className="field-label" htmlFor="set-transports">
                Peer transports
              </label>
              <select
                id="set-transports"
                className="input"
                value={form.transports}
                onChange={(e) => set('transports', e.target.value as SettingsForm['transports'])}
              >
                <option value="both">uTP first, then TCP</option>
                <option value="tcp">TCP only</option>
                <option value="utp">uTP only</option>
              </select>
            </div>
            {/* --- theme (issue 19) --- */}
            <div className="field">
              <label className="field-label" htmlFor="set-theme">
                Theme
              </label>
              <select
                id="set-theme"
                className="input"
                value={form.theme}
                onChange={(e) => set('theme', e.target.value as SettingsForm['theme'])}
              >
                <option value="system">Follow the system</option>
                <option value="light">Light</option>
                <option value="dark">Dark</option>
              </select>
            </div>
          </div>
          {/* --- PEX and LSD (issue 17) --- */}
          <label className="switch">
            <input
              type="checkbox"
              role="switch"
              checked={form.pexEnabled}
              onChange={(e) => set('pexEnabled', e.target.checked)}
            />
            <span className="switch-track" aria-hidden="true" />
            Exchange peers with peers (PEX)
          </label>
          <label className="switch">
            <input
              type="checkbox"
              role="switch"
              checked={form.lsdEnabled}
              onChange={(e) => set('lsdEnabled', e.target.checked)}
            />
            <span className="switch-track" aria-hidden="true" />
            Find peers on the local network (LSD)
          </label>
        </section>
        <ConnectionSection form={form} errors={errors} set={set} /> {/* --- issues 18, 21 */}
        <TrackerSection form={form} errors={errors} set={set} />
        <DhtSection settings={settings} />
        {/* --- port mapping (issue 18) --- */}
        <PortMappingSection settings={settings} />
        <QueueSection settings={settings} /> {/* --- issue 21 */}
        <AltSpeedSection settings={settings} /> {/* --- alternative speed limits (issue 21) */}
        <LabelFoldersSection settings={settings} /> {/* --- labels (issue 21) */}
      </div>
      {browser}
    </Modal>
  );
}

export function SettingsDialog() {
  const open = useStore((s) => s.settingsOpen);
  const settings = useStore((s) => s.settings);
  const setSettings = useStore((s) => s.setSettings);
  const closeSettings = useStore((s) => s.closeSettings);
  const pushToast = useStore((s) => s.pushToast);
  const [loaded, setLoaded] = useState(false);

  useEffect(() => {
    if (!open) {
      setLoaded(false);
      return;
    }
    // Always fresh from the host: another window or the tray may have changed them.
    getClient()
      .invoke('settings.get', {})
      .then(
        (s) => {
          setSettings(s);
          setLoaded(true);
        },
        (err: unknown) => {
          pushToast({
            level: 'error',
            title: 'Cannot load settings',
            ...errorText(err),
          });
          closeSettings();
        },
      );
  }, [open, setSettings, pushToast, closeSettings]);

  if (!open || !loaded || !settings) return null;
  return <SettingsEditor settings={settings} />;
}
