/**
 * The "Set location…" dialog: a folder (typed or browsed on the host), and whether to move the
 * files there or use the data already in it. The host checks the data at the new place after.
 */
import { useState } from 'react';
import type { TorrentId } from '../../../src-shared/model';
import { getClient } from '../../api/client';
import { useStore } from '../../store/store';
import { Modal } from '../add-and-seed/Modal';
import { usePathPicker } from '../file-browser/use-path-picker';
import { defaultMove, folderProblem, setLocation } from './set-location';

export function SetLocationDialog({ id, onClose }: { id: TorrentId; onClose(): void }) {
  const t = useStore((s) => s.torrents.get(id));
  const pushToast = useStore((s) => s.pushToast);
  const [folder, setFolder] = useState(t?.savePath ?? '');
  const [move, setMove] = useState(t ? defaultMove(t) : true);
  const [busy, setBusy] = useState(false);
  const { pick, browser } = usePathPicker();
  if (!t) return null;
  const problem = folderProblem(folder, t.savePath, move);

  const apply = async () => {
    setBusy(true);
    const ok = await setLocation(getClient(), id, folder, move, pushToast);
    setBusy(false);
    if (ok) onClose();
  };

  return (
    <Modal
      title="Set location"
      subtitle={t.name}
      onClose={onClose}
      testId="set-location-dialog"
      footer={
        <>
          <span className="footer-note">{problem ?? ''}</span>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className="button button-primary"
            disabled={busy || problem !== null}
            onClick={() => void apply()}
          >
            {move ? 'Move' : 'Use this folder'}
          </button>
        </>
      }
    >
      <p className="preview-comment">
        Now in <span className="mono">{t.savePath}</span>
      </p>
      <div className="field">
        <label className="field-label" htmlFor="set-location-path">
          Folder
        </label>
        <div className="field-row">
          <input
            id="set-location-path"
            className="input mono"
            value={folder}
            onChange={(e) => setFolder(e.target.value)}
            spellCheck={false}
            data-autofocus
          />
          <button
            type="button"
            className="button"
            onClick={() => {
              void pick('folder', folder.trim() || undefined).then((p) => p && setFolder(p));
            }}
          >
            Browse…
          </button>
        </div>
      </div>
      <label className="check">
        <input
          type="radio"
          name="set-location-mode"
          checked={move}
          onChange={() => setMove(true)}
        />
        Move the files to this folder
      </label>
      <label className="check">
        <input
          type="radio"
          name="set-location-mode"
          checked={!move}
          onChange={() => setMove(false)}
        />
        The files are already there (check them)
      </label>
      {browser}
    </Modal>
  );
}
