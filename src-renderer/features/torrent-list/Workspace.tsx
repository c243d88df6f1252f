import { useEffect, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { useStore } from '../../store/store';
import { DetailPanel } from '../torrent-detail/DetailPanel';
import { TorrentList } from './TorrentList';
import { clampHeight, minDetailPx } from './detail-height';

const storageKey = 'swarmscope.detailHeightPx';
const defaultDetailPx = 280;
const keyStepPx = 24;

function savedHeight(): number {
  const n = Number(localStorage.getItem(storageKey));
  return Number.isFinite(n) && n > 0 ? n : defaultDetailPx;
}

/**
 * The torrent list above, the details of the selected torrent below, split by a handle that
 * drags (pointer) or moves with the arrow keys; the height is remembered.
 */
export function Workspace() {
  const detailId = useStore((s) => s.detailId);
  const hasTorrents = useStore((s) => s.torrents.size > 0);
  const box = useRef<HTMLDivElement>(null);
  const [detailPx, setDetailPx] = useState(savedHeight);
  const drag = useRef<{ startY: number; startPx: number } | null>(null);

  useEffect(() => {
    localStorage.setItem(storageKey, String(detailPx));
  }, [detailPx]);

  // The room there is now: the pane is drawn clamped to it, the saved height stays (issue 21).
  const [boxPx, setBoxPx] = useState<number | null>(null);
  useEffect(() => {
    const el = box.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => setBoxPx(el.clientHeight));
    observer.observe(el);
    setBoxPx(el.clientHeight);
    return () => observer.disconnect();
  }, []);
  const shownPx = boxPx === null ? detailPx : clampHeight(detailPx, boxPx);

  const total = () => box.current?.clientHeight ?? 600;
  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    e.currentTarget.setPointerCapture(e.pointerId);
    drag.current = { startY: e.clientY, startPx: shownPx };
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    if (!drag.current) return;
    setDetailPx(clampHeight(drag.current.startPx - (e.clientY - drag.current.startY), total()));
  };
  const onPointerUp = () => {
    drag.current = null;
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const delta = e.key === 'ArrowUp' ? keyStepPx : e.key === 'ArrowDown' ? -keyStepPx : 0;
    if (delta === 0) return;
    e.preventDefault();
    setDetailPx(clampHeight(shownPx + delta, total()));
  };

  const showDetail = detailId !== null && hasTorrents;
  return (
    <div
      ref={box}
      className="workspace"
      style={{
        gridTemplateRows: showDetail ? `minmax(0, 1fr) 5px ${shownPx}px` : 'minmax(0, 1fr)',
      }}
    >
      <TorrentList />
      {showDetail && (
        <>
          <div
            className="split-handle"
            role="separator"
            aria-orientation="horizontal"
            aria-label="Resize the details"
            aria-valuenow={shownPx}
            aria-valuemin={minDetailPx}
            tabIndex={0}
            onPointerDown={onPointerDown}
            onPointerMove={onPointerMove}
            onPointerUp={onPointerUp}
            onPointerCancel={onPointerUp}
            onKeyDown={onKeyDown}
          />
          <DetailPanel id={detailId} />
        </>
      )}
    </div>
  );
}
