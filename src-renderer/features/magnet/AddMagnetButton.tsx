/**
 * "Add magnet…" (issue 17): a toolbar button and a small dialog with one field for the link.
 * Pasting it anywhere in the window does the same (MagnetIntake).
 */
import { useState } from 'react';
import { getClient } from '../../api/client';
import { useStore } from '../../store/store';
import { Modal } from '../add-and-seed/Modal';
import { addMagnet } from './magnet-flow';
import { findMagnet } from './magnet-text';

function AddMagnetDialog({ onClose }: { onClose(): void }) {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const pushToast = useStore((s) => s.pushToast);
  const uri = findMagnet(text);
  const add = async () => {
    if (!uri) return;
    setBusy(true);
    const id = await addMagnet(getClient(), uri, pushToast);
    setBusy(false);
    if (id) onClose();
  };
  return (
    <Modal
      title="Add a magnet link"
      onClose={onClose}
      testId="magnet-dialog"
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className="button button-primary"
            disabled={busy || !uri}
            onClick={() => void add()}
          >
            Add
          </button>
        </>
      }
    >
      <div className="field">
        <label className="field-label" htmlFor="magnet-link">
          Magnet link
        </label>
        <input
          id="magnet-link"
          className="input mono"
          data-autofocus
          value={text}
          placeholder="magnet:?xt=urn:btih:…"
          spellCheck={false}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') void add();
          }}
        />
      </div>
      <p className="footer-note">
        The torrent appears in the list at once; its file list opens when the metadata arrives from
        peers.
      </p>
    </Modal>
  );
}

export function AddMagnetButton() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        className="button"
        onClick={() => setOpen(true)}
        title="Add a torrent from a magnet link (or paste one anywhere)"
      >
        Add magnet…
      </button>
      {open && <AddMagnetDialog onClose={() => setOpen(false)} />}
    </>
  );
}
