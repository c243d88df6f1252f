import { useEffect } from 'react';
import { useStore } from '../../store/store';
import { droppedItems, takeFiles } from './intake';

function carriesFiles(e: DragEvent): boolean {
  return e.dataTransfer?.types.includes('Files') ?? false;
}

/**
 * Drop files anywhere on the window: .torrent files open the add dialog, other files are
 * offered for seeding. The overlay shows while files are dragged over;
 * a depth counter keeps it from flickering as the pointer crosses child elements.
 */
export function DropOverlay() {
  const dragging = useStore((s) => s.dragging);
  const setDragging = useStore((s) => s.setDragging);

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
      if (e.dataTransfer) void takeFiles(droppedItems(e.dataTransfer));
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
  }, [setDragging]);

  if (!dragging) return null;
  return (
    <div className="drop-overlay" data-testid="drop-overlay">
      <div className="drop-card">
        <div className="drop-title">Drop to add or seed</div>
        <div className="drop-hint">
          .torrent files open the add dialog · other files are offered for seeding
        </div>
      </div>
    </div>
  );
}
