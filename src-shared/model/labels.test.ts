import { describe, expect, it } from 'vitest';
import { knownLabels, labelProblem, labelSavePath, normalizeLabel } from './labels';

describe('labels (issue 21)', () => {
  it('are stored trimmed with one space between words; empty means none', () => {
    expect(normalizeLabel('  Linux   ISOs ')).toBe('Linux ISOs');
    expect(normalizeLabel('   ')).toBeNull();
    expect(labelProblem('Linux ISOs')).toBeNull();
    expect(labelProblem('x'.repeat(65))).toMatch(/at most 64/);
    expect(labelProblem(`  ${'x'.repeat(64)}  `)).toBeNull();
    expect(labelProblem('a\u0007b')).toMatch(/control/);
  });

  it('list every label in use or with a folder, once, sorted', () => {
    expect(knownLabels(['movies', null, 'Books', 'movies', undefined], { Audio: '/a' })).toEqual([
      'Audio',
      'Books',
      'movies',
    ]);
    expect(knownLabels([])).toEqual([]);
  });

  it("save to the label's folder, else the download folder", () => {
    const settings = {
      downloadDir: '/dl',
      labelSavePaths: { Movies: '/media/movies', Blank: ' ' },
    };
    expect(labelSavePath(settings, 'Movies')).toBe('/media/movies');
    expect(labelSavePath(settings, 'Books')).toBe('/dl');
    expect(labelSavePath(settings, 'Blank')).toBe('/dl');
    expect(labelSavePath(settings, null)).toBe('/dl');
  });
});
