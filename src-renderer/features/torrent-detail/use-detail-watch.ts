import { useEffect } from 'react';
import type { DetailTopic } from '../../../src-shared/contract';
import type { TorrentId } from '../../../src-shared/model';
import { getClient } from '../../api/client';
import { toApiError } from '../../api/api-error';
import { useStore } from '../../store/store';

/**
 * Subscribes to ONE topic of ONE torrent (`view.watch { id, topics: [tab] }`) while the tab is
 * on screen, so hidden tabs cost nothing (ARCHITECTURE.md section 2). Switching the torrent or
 * the tab, or closing the panel, unwatches. After a reconnect the host has forgotten the watch,
 * so it is sent again (and the host starts again with a full piece map and a primed log).
 */
export function useDetailWatch(id: TorrentId | null, topic: DetailTopic): void {
  useEffect(() => {
    if (id === null) return;
    const client = getClient();
    const store = useStore.getState();
    store.resetDetailData();
    let active = true;
    const watch = (): void => {
      client.invoke('view.watch', { id, topics: [topic] }).catch((err: unknown) => {
        if (!active) return;
        useStore.getState().pushToast({
          level: 'warn',
          title: 'Cannot show the details',
          message: toApiError(err).message,
        });
      });
    };
    const offUpdate = client.on('view.update', (u) => useStore.getState().applyViewUpdate(u));
    let lost = false;
    const offConn = client.onConnection((status) => {
      if (status !== 'open') {
        lost = true;
        return;
      }
      if (!lost) return;
      lost = false;
      useStore.getState().resetDetailData();
      watch();
    });
    watch();
    return () => {
      active = false;
      offUpdate();
      offConn();
      // If this fails the socket is gone and the host dropped the watch with it: only note it.
      client
        .invoke('view.unwatch', { id })
        .catch((err: unknown) => console.debug('view.unwatch failed', toApiError(err).message));
    };
  }, [id, topic]);
}
