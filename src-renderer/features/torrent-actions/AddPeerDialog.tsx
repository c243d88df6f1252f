/** "Add peer…" (issue 21): connect this torrent to a peer the user knows, by address or name. */
import { useState } from 'react';
import type { TorrentSummary } from '../../../src-shared/model';
import { getClient } from '../../api/client';
import { toApiError } from '../../api/api-error';
import { useStore } from '../../store/store';
import { Modal } from '../add-and-seed/Modal';
import { parsePeerAddress } from './peer-address';

export function AddPeerDialog({ t, onClose }: { t: TorrentSummary; onClose(): void }) {
  const pushToast = useStore((s) => s.pushToast);
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const parsed = parsePeerAddress(text);

  const add = async () => {
    if (!parsed.ok) return setError(parsed.problem);
    setBusy(true);
    try {
      await getClient().invoke('torrent.addPeer', {
        id: t.id,
        address: parsed.address,
        port: parsed.port,
      });
      pushToast({ level: 'info', title: `Added peer ${text.trim()}`, message: t.name });
      onClose();
    } catch (err) {
      setError(toApiError(err).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      title="Add peer"
      subtitle={t.name}
      onClose={onClose}
      testId="add-peer-dialog"
      footer={
        <>
          <span className="footer-note" role="alert">
            {error ?? ''}
          </span>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className="button button-primary"
            disabled={busy || text.trim() === ''}
            onClick={() => void add()}
          >
            Add peer
          </button>
        </>
      }
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void add();
        }}
      >
        <div className="field">
          <label className="field-label" htmlFor="add-peer-address">
            Address and port
          </label>
          <input
            id="add-peer-address"
            className="input mono"
            value={text}
            placeholder="192.0.2.7:6881, [2001:db8::1]:6881 or host:6881"
            onChange={(e) => {
              setText(e.target.value);
              setError(null);
            }}
            spellCheck={false}
            autoComplete="off"
            data-autofocus
          />
          <p className="hint">A host name is looked up once; the peer is dialled right away.</p>
        </div>
      </form>
    </Modal>
  );
}
