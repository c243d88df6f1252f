import { useEffect } from 'react';
import type { DetailTopic } from '../../../src-shared/contract';
import type { DetailTab } from '../../store/detail-slice';
import type { TorrentId } from '../../../src-shared/model';
import { getClient } from '../../api/client';
import { toApiError } from '../../api/api-error';
import { errorText } from '../../lib/error-text';
import { useStore } from '../../store/store';

/**
 * Subscribes to ONE topic of ONE torrent (`view.watch { id, topics: [tab] }`) while the tab is
 * on screen, so hidden tabs cost nothing (docs/ARCHITECTURE.md section 2). Switching the torrent or
 * the tab, or closing the panel, unwatches. The updates reach the detail slice through
 * api/event-router.ts; this hook only sends commands. After a reconnect the host has forgotten
 * the watch, so the connection reopening (read from the store) sends it again, and the host
 * starts again with a full piece map and a primed log. While disconnected the last data stays.
 */
export function useDetailWatch(id: TorrentId | null, topic: DetailTab): void {
  const connected = useStore((s) => s.connection === 'open');
  useEffect(() => {
    if (id === null || !connected) return;
    const client = getClient();
    useStore.getState().resetDetailData();
    let active = true;
    client.invoke('view.watch', { id, topics: topicsOf(topic) }).catch((err: unknown) => {
      if (!active) return;
      useStore.getState().pushToast({
        level: 'warn',
        title: 'Cannot show the details',
        ...errorText(err),
      });
    });
    return () => {
      active = false;
      // If this fails the socket is gone and the host dropped the watch with it: only note it.
      client
        .invoke('view.unwatch', { id })
        .catch((err: unknown) => console.debug('view.unwatch failed', toApiError(err).message));
    };
  }, [id, topic, connected]);
}

// --- swarm graph (issue 19) ---
/** The topics a tab watches: its own, or for the Swarm tab the peers and the trackers. */
export function topicsOf(tab: DetailTab): DetailTopic[] {
  return tab === 'swarm' ? ['peers', 'trackers'] : [tab];
}
