import { afterEach, describe, expect, it } from 'vitest';
import { seededRandom, systemClock } from '../../time/clock';
import { TrackerClient } from '../client/tracker-client';
import { LibtorrentScraper } from './testing/libtorrent-scraper';
import { startTestTracker } from './testing/loopback';
import type { TestTracker } from './testing/loopback';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe.each(['http', 'udp'] as const)('libtorrent against our tracker over %s', (proto) => {
  it('announces as a seeder, then scrapes the right counts, then stops', async () => {
    const t: TestTracker = await startTestTracker({ mode: 'allow-list' });
    cleanups.push(() => t.stop());
    const lt = await LibtorrentScraper.start(proto === 'http' ? t.httpUrl : t.udpUrl);
    cleanups.push(() => lt.close());
    const hex = String((await lt.next('infohash'))['hex']);
    expect(hex).toMatch(/^[0-9a-f]{40}$/);
    t.server.setAllowList([hex]);
    lt.send('start');

    const announced = await lt.next('announced');
    expect(announced).toMatchObject({ event: 'announced', seeding: true });
    const swarm = t.server.swarm(hex);
    expect(swarm).toMatchObject({ seeders: 1, leechers: 0 });
    expect(swarm?.peers?.[0]?.client).toMatch(/libtorrent/);

    // Our own client joins as a leecher, and is handed libtorrent.
    const found: Array<{ address: string; port: number }> = [];
    const ours = new TrackerClient({
      infoHash: Buffer.from(hex, 'hex'),
      peerId: Buffer.from('-SW0100-interop-test'),
      port: 7777,
      announceList: [[proto === 'http' ? t.httpUrl : t.udpUrl]],
      isPrivate: false,
      clock: systemClock,
      random: seededRandom(1),
      stats: () => ({ uploaded: 0, downloaded: 0, left: 65536 }),
      onPeers: (peers) => found.push(...peers),
    });
    cleanups.push(() => ours.stop());
    ours.start();
    for (let i = 0; i < 300 && found.length === 0; i++)
      await new Promise<void>((r) => systemClock.setTimeout(r, 10));
    expect(found).toEqual([{ address: '127.0.0.1', port: swarm?.peers?.[0]?.port }]);

    lt.send('scrape');
    expect(await lt.next('scrape')).toMatchObject({ event: 'scrape', complete: 1, incomplete: 1 });
    // The counts came from our tracker's scrape, and libtorrent's info-hash was served, not
    // refused: the scrape shows in the rate, and nothing was counted as not allowed.
    expect(t.server.stats().scrapesPerSec).toBeGreaterThan(0);
    expect(t.server.stats().rejected['not-allowed']).toBeUndefined();

    lt.send('quit');
    await lt.next('done');
    expect(t.server.swarm(hex)).toMatchObject({ seeders: 0, leechers: 1 });
  });
});
