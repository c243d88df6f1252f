/**
 * "Edit trackers…" (issue 21): the torrent's trackers as text, one URL per line and a blank
 * line between tiers. Saved trackers are announced to at once and kept with the torrent.
 */
import { useEffect, useState } from 'react';
import type { TorrentSummary } from '../../../src-shared/model';
import { getClient } from '../../api/client';
import { toApiError } from '../../api/api-error';
import { useStore } from '../../store/store';
import { Modal } from '../add-and-seed/Modal';
import { formatTrackerTiers, parseTrackerText } from './tracker-text';

export function TrackersDialog({ t, onClose }: { t: TorrentSummary; onClose(): void }) {
  const pushToast = useStore((s) => s.pushToast);
  const [text, setText] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    getClient()
      .invoke('torrent.trackerTiers', { id: t.id })
      .then(
        (r) => live && setText(formatTrackerTiers(r.tiers)),
        (err: unknown) => live && (setText(''), setError(toApiError(err).message)),
      );
    return () => {
      live = false;
    };
  }, [t.id]);

  const parsed = text === null ? null : parseTrackerText(text);
  const save = async () => {
    if (!parsed) return;
    if (!parsed.ok) return setError(parsed.problem);
    setBusy(true);
    try {
      await getClient().invoke('torrent.setTrackers', { id: t.id, tiers: parsed.tiers });
      pushToast({ level: 'info', title: 'Trackers saved', message: t.name });
      onClose();
    } catch (err) {
      setError(toApiError(err).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      title="Edit trackers"
      subtitle={t.name}
      onClose={onClose}
      size="wide"
      testId="trackers-dialog"
      footer={
        <>
          <span className="footer-note" role="alert">
            {error ??
              (t.private ? 'A private torrent may refuse trackers it did not come with.' : '')}
          </span>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className="button button-primary"
            disabled={busy || parsed === null}
            onClick={() => void save()}
          >
            Save
          </button>
        </>
      }
    >
      <div className="field">
        <label className="field-label" htmlFor="trackers-text">
          Trackers
        </label>
        <textarea
          id="trackers-text"
          className="input mono trackers-text"
          rows={10}
          value={text ?? ''}
          disabled={text === null}
          onChange={(e) => {
            setText(e.target.value);
            setError(null);
          }}
          spellCheck={false}
          data-autofocus
        />
        <p className="hint">
          One http, https or udp URL per line. A blank line starts the next tier: trackers in a tier
          stand in for each other, and the next tier is tried only when they all fail.
        </p>
      </div>
    </Modal>
  );
}
