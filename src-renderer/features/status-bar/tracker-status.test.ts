import { describe, expect, it } from 'vitest';
import type { TrackerServerStats } from '../../../src-shared/model';
import { trackerStatusText } from './tracker-status';

const stats = (patch: Partial<TrackerServerStats>): TrackerServerStats => ({
  running: false,
  error: null,
  httpPort: null,
  udpPort: null,
  mode: 'allow-list',
  announceUrls: [],
  swarms: [],
  peers: 0,
  announcesPerSec: 0,
  scrapesPerSec: 0,
  rejected: {},
  ...patch,
});

describe('trackerStatusText', () => {
  it('says running with the URL count, off, or the bind error', () => {
    const urls = ['http://192.168.1.5:6969/announce', 'udp://192.168.1.5:6969/announce'];
    expect(trackerStatusText(stats({ running: true, announceUrls: urls }), true)).toEqual({
      text: 'Tracker running · 2 URLs',
      state: 'running',
      title: urls.join('\n'),
    });
    expect(trackerStatusText(stats({}), false).text).toBe('Tracker off');
    expect(trackerStatusText(stats({ error: 'EADDRINUSE 6969' }), false)).toMatchObject({
      state: 'error',
      title: 'EADDRINUSE 6969',
    });
    expect(trackerStatusText(null, true).state).toBe('running');
  });
});
