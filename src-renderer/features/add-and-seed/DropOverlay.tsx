import { useEffect } from 'react';
import { getClient } from '../../api/client';
import { useStore } from '../../store/store';
import { addTorrentFiles } from './add-torrents';

function carriesFiles(e: DragEvent): boolean {
  return e.dataTransfer?.types.includes('Files') ?? false;
}

/**
 * Drop .torrent files anywhere on the window. The overlay shows while files are dragged over;
 * a depth counter keeps it from flickering as the pointer crosses child elements.
 */
export function DropOverlay() {
  const dragging = useStore((s) => s.dragging);
  const setDragging = useStore((s) => s.setDragging);
  const pushToast = useStore((s) => s.pushToast);

  useEffect(() => {
    let depth = 0;
    const onEnter = (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      e.preventDefault();
      depth++;
      setDragging(true);
    };
    const onOver = (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const onLeave = (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const onDrop = (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      e.preventDefault();
      depth = 0;
      setDragging(false);
      const files = [...(e.dataTransfer?.files ?? [])];
      void addTorrentFiles(getClient(), files, pushToast);
    };
    window.addEventListener('dragenter', onEnter);
    window.addEventListener('dragover', onOver);
    window.addEventListener('dragleave', onLeave);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragenter', onEnter);
      window.removeEventListener('dragover', onOver);
      window.removeEventListener('dragleave', onLeave);
      window.removeEventListener('drop', onDrop);
    };
  }, [setDragging, pushToast]);

  if (!dragging) return null;
  return (
    <div className="drop-overlay" data-testid="drop-overlay">
      <div className="drop-card">
        <div className="drop-title">Drop to add</div>
        <div className="drop-hint">.torrent files are added and start downloading</div>
      </div>
    </div>
  );
}
