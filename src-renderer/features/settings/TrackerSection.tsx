/**
 * The Settings dialog's Embedded tracker section: the switch (a form field: Save starts or stops
 * the tracker, with the rest of the settings; issue 21), its fields, and the live status from
 * `tracker.stats`: running or the bind error, the announce URLs to share, swarms, peers and
 * announces per second, with a link to the Tracker panel.
 */
import { useStore } from '../../store/store';
import { CopyField } from '../add-and-seed/CopyField';
import { NumberField } from './NumberField';
import type { FormErrors, SettingsForm } from './settings-form';

export function TrackerSection({
  form,
  errors,
  set,
}: {
  form: SettingsForm;
  errors: FormErrors;
  set<K extends keyof SettingsForm>(key: K, value: SettingsForm[K]): void;
}) {
  const tracker = useStore((s) => s.tracker);
  const trackerError = useStore((s) => s.trackerError);
  const openTrackerPanel = useStore((s) => s.openTrackerPanel);
  const running = tracker?.running ?? false;
  const shown = errors;
  const pending =
    form.trackerEnabled && !running
      ? 'Starts when you save'
      : !form.trackerEnabled && running
        ? 'Stops when you save'
        : null;

  const status = running ? 'running' : trackerError ? 'error' : 'off';
  return (
    <section className="settings-section" aria-labelledby="set-tracker">
      <h3 id="set-tracker">Embedded tracker</h3>
      <label className="switch">
        <input
          type="checkbox"
          role="switch"
          checked={form.trackerEnabled}
          onChange={(e) => set('trackerEnabled', e.target.checked)}
        />
        <span className="switch-track" aria-hidden="true" />
        Run a tracker for my torrents
      </label>
      <div
        className="tracker-status"
        data-status={status}
        data-testid="tracker-status"
        role="status"
      >
        <span className="status-dot" aria-hidden="true" />
        {status === 'running' && (
          <span>
            Running
            {tracker?.httpPort ? ` · HTTP ${tracker.httpPort}` : ''}
            {tracker?.udpPort ? ` · UDP ${tracker.udpPort}` : ''} ·{' '}
            {tracker?.mode === 'open' ? 'open' : 'allow-list'}
          </span>
        )}
        {status === 'off' && <span>Off</span>}
        {pending && <span data-testid="tracker-pending"> · {pending}</span>}
        {status === 'error' && (
          <span className="status-error">Could not start: {trackerError}</span>
        )}
      </div>
      {running && tracker && (
        <>
          <dl className="tracker-stats">
            <div>
              <dt>Swarms</dt>
              <dd data-testid="tracker-swarms">{tracker.swarms.length}</dd>
            </div>
            <div>
              <dt>Peers</dt>
              <dd>{tracker.peers}</dd>
            </div>
            <div>
              <dt>Announces/s</dt>
              <dd>{tracker.announcesPerSec.toFixed(1)}</dd>
            </div>
          </dl>
          <div className="field">
            <div className="field-label">Announce URLs to share</div>
            {tracker.announceUrls.map((url) => (
              <CopyField key={url} label={`Announce URL ${url}`} value={url} testId="tracker-url" />
            ))}
          </div>
          <button type="button" className="link-button" onClick={openTrackerPanel}>
            Open the tracker panel →
          </button>
        </>
      )}
      <fieldset className="tracker-fields">
        <legend className="sr-only">Tracker options</legend>
        <div className="field-grid">
          <div className="field">
            <label className="check">
              <input
                type="checkbox"
                checked={form.trackerHttp}
                onChange={(e) => set('trackerHttp', e.target.checked)}
              />
              HTTP
            </label>
            <NumberField
              id="set-tracker-http-port"
              label="HTTP port"
              value={form.trackerHttpPort}
              error={shown.trackerHttpPort ?? shown.trackerHttp}
              onChange={(v) => set('trackerHttpPort', v)}
            />
          </div>
          <div className="field">
            <label className="check">
              <input
                type="checkbox"
                checked={form.trackerUdp}
                onChange={(e) => set('trackerUdp', e.target.checked)}
              />
              UDP
            </label>
            <NumberField
              id="set-tracker-udp-port"
              label="UDP port"
              value={form.trackerUdpPort}
              error={shown.trackerUdpPort}
              onChange={(v) => set('trackerUdpPort', v)}
            />
          </div>
        </div>
        <div className="field">
          <label className="field-label" htmlFor="set-tracker-host">
            Listen address
          </label>
          <input
            id="set-tracker-host"
            className="input mono"
            value={form.trackerHost}
            spellCheck={false}
            onChange={(e) => set('trackerHost', e.target.value)}
          />
          {shown.trackerHost ? (
            <div className="form-error">{shown.trackerHost}</div>
          ) : (
            <div className="hint">0.0.0.0 for every network, 127.0.0.1 for this computer only</div>
          )}
        </div>
        <div className="field" role="radiogroup" aria-label="Which torrents it serves">
          <div className="field-label">Serves</div>
          <label className="check">
            <input
              type="radio"
              name="tracker-mode"
              checked={form.trackerMode === 'allow-list'}
              onChange={() => set('trackerMode', 'allow-list')}
            />
            Only torrents in Swarmscope <span className="muted">(allow-list)</span>
          </label>
          <label className="check">
            <input
              type="radio"
              name="tracker-mode"
              checked={form.trackerMode === 'open'}
              onChange={() => set('trackerMode', 'open')}
            />
            Any torrent <span className="muted">(open)</span>
          </label>
        </div>
        {running && <div className="hint">Changes apply when you save (the tracker restarts).</div>}
      </fieldset>
    </section>
  );
}
