/**
 * Magnets from anywhere in the window (issue 17): Ctrl/Cmd+V (a paste) when focus is not in a
 * text field, and magnet text dropped on the window, are added; and when the metadata of a
 * magnet this window added arrives, its add dialog (name, file tree) opens. Renders nothing;
 * mounted once by the app.
 */
import { useEffect } from 'react';
import { getClient } from '../../api/client';
import { useStore } from '../../store/store';
import { addMagnet, awaitingFiles, metadataArrived } from './magnet-flow';
import { findMagnet, isTextEntry } from './magnet-text';
import './magnet.css';

function carriesText(e: DragEvent): boolean {
  const types = e.dataTransfer?.types ?? [];
  return (
    !types.includes('Files') && (types.includes('text/plain') || types.includes('text/uri-list'))
  );
}

export function MagnetIntake() {
  useEffect(() => {
    const take = (text: string): boolean => {
      const uri = findMagnet(text);
      if (!uri) return false;
      void addMagnet(getClient(), uri, useStore.getState().pushToast);
      return true;
    };
    const onPaste = (e: ClipboardEvent) => {
      if (isTextEntry(e.target as HTMLElement | null)) return;
      const text = e.clipboardData?.getData('text/plain') ?? '';
      if (take(text)) e.preventDefault();
    };
    const onOver = (e: DragEvent) => {
      if (!carriesText(e) || isTextEntry(e.target as HTMLElement | null)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const onDrop = (e: DragEvent) => {
      if (!carriesText(e) || isTextEntry(e.target as HTMLElement | null)) return;
      const dt = e.dataTransfer;
      const text = `${dt?.getData('text/uri-list') ?? ''}\n${dt?.getData('text/plain') ?? ''}`;
      if (take(text)) e.preventDefault();
    };
    document.addEventListener('paste', onPaste);
    window.addEventListener('dragover', onOver);
    window.addEventListener('drop', onDrop);
    return () => {
      document.removeEventListener('paste', onPaste);
      window.removeEventListener('dragover', onOver);
      window.removeEventListener('drop', onDrop);
    };
  }, []);

  useEffect(
    () =>
      useStore.subscribe((s) => {
        for (const id of awaitingFiles) {
          const t = s.torrents.get(id);
          if (!t || t.state === 'fetching-metadata') continue;
          awaitingFiles.delete(id);
          void metadataArrived(getClient(), id, s.pushToast).then((item) => {
            if (item) useStore.getState().queueAdds([item]);
          });
        }
      }),
    [],
  );
  return null;
}
