import { describe, expect, it } from 'vitest';
import type { TorrentSummary } from '../../../src-shared/model';
import { filterByLabel, labelCounts, noLabel } from './label-filter';

const t = (name: string, label?: string | null) => ({ id: name, name, label }) as TorrentSummary;
const list = [t('a', 'Movies'), t('b'), t('c', 'books'), t('d', 'Movies'), t('e', null)];

describe('the label filter (issue 21)', () => {
  it('shows all, one label, or those without one', () => {
    expect(filterByLabel(list, '').map((x) => x.name)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(filterByLabel(list, 'Movies').map((x) => x.name)).toEqual(['a', 'd']);
    expect(filterByLabel(list, noLabel).map((x) => x.name)).toEqual(['b', 'e']);
    expect(filterByLabel(list, 'Nothing')).toEqual([]);
  });

  it('counts each label in use, sorted without regard to case', () => {
    expect(labelCounts(list)).toEqual([
      { label: 'books', count: 1 },
      { label: 'Movies', count: 2 },
    ]);
  });
});
