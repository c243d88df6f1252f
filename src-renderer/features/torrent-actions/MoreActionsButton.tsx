/**
 * "More actions" in the list toolbar (issue 21): the context menu's actions for the selected
 * torrents, for people who do not right-click (and for touch and keyboard users).
 */
import { useRef, useState } from 'react';
import type { TorrentId } from '../../../src-shared/model';
import { TorrentActions, type MenuRequest } from './TorrentActions';

export function MoreActionsButton({
  ids,
  onRemove,
}: {
  ids: TorrentId[];
  onRemove(ids: TorrentId[]): void;
}) {
  const button = useRef<HTMLButtonElement>(null);
  const [request, setRequest] = useState<MenuRequest | null>(null);
  const open = () => {
    const r = button.current?.getBoundingClientRect();
    if (!r) return;
    setRequest({ ids, at: { x: r.left, y: r.bottom + 2 }, returnFocus: button.current });
  };
  return (
    <>
      <button
        ref={button}
        type="button"
        className="button button-small more-actions"
        aria-haspopup="menu"
        aria-expanded={request !== null}
        disabled={ids.length === 0}
        onClick={() => (request ? setRequest(null) : open())}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') {
            e.preventDefault();
            open();
          }
        }}
        title="More actions for the selected torrents (Shift+F10 on the list)"
        data-testid="more-actions"
      >
        More ▾
      </button>
      <TorrentActions request={request} onClose={() => setRequest(null)} onRemove={onRemove} />
    </>
  );
}
