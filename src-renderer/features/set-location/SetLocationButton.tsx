/** The "Set location…" action of a torrent, opening its dialog. */
import { useState } from 'react';
import type { TorrentId } from '../../../src-shared/model';
import { SetLocationDialog } from './SetLocationDialog';

export function SetLocationButton({ id }: { id: TorrentId }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        className="link-button"
        data-testid="set-location"
        onClick={() => setOpen(true)}
      >
        Set location…
      </button>
      {open && <SetLocationDialog id={id} onClose={() => setOpen(false)} />}
    </>
  );
}
