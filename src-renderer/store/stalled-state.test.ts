/** The Stalled display state (issue 21) in the list's filters, sort and totals. */
import { describe, expect, it } from 'vitest';
import type { TorrentSummary } from '../../src-shared/model';
import { filterCounts, filterTorrents, matchesFilter } from './detail-selectors';
import { sortTorrents, stateLabels, totals } from './selectors';

function t(name: string, state: TorrentSummary['state']): TorrentSummary {
  return { id: name.padStart(40, '0'), name, state, sizeBytes: 1 } as TorrentSummary;
}

describe('the stalled state', () => {
  const list = [t('moving', 'downloading'), t('stuck', 'stalled'), t('done', 'seeding')];
  const byId = new Map(list.map((x) => [x.id, x]));

  it('is a download: the Downloading filter keeps it, and Stalled shows it alone', () => {
    expect(matchesFilter(t('stuck', 'stalled'), 'downloading')).toBe(true);
    expect(filterTorrents(list, 'stalled', '').map((x) => x.name)).toEqual(['stuck']);
    expect(filterCounts(byId)).toMatchObject({ downloading: 2, stalled: 1, seeding: 1 });
  });

  it('is labelled, counted active, and sorts before moving downloads', () => {
    expect(stateLabels.stalled).toBe('Stalled');
    expect(totals(byId).active).toBe(3);
    const sorted = sortTorrents(byId, { key: 'state', dir: 'asc' }).map((x) => x.name);
    expect(sorted.indexOf('stuck')).toBeLessThan(sorted.indexOf('moving'));
  });
});
